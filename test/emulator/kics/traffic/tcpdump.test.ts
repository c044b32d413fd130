/**
 * The captures read back by real tools: tcpdump (Debian's package; CI installs it) decodes every packet, checks
 * the IPv4 and TCP checksums itself and prints the ports, flags and VLAN tags; unzip lists and tests the ZIP.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureFileName, writeCapture, zipCaptures } from '../../../../src/emulator/kics/traffic/index.ts';
import { readPcap } from './pcap-reader.ts';
import { CASES, recipe, START_TIME } from './recipes.ts';

const run = promisify(execFile);
const TCPDUMP = '/usr/bin/tcpdump';
/** What tcpdump prints when a packet is cut short, a checksum is wrong or a header makes no sense. */
const COMPLAINTS = /truncated|bad cksum|incorrect|malformed|invalid|\[\|/i;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kconnect-traffic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tcpdump(file: string): Promise<{ lines: string[]; stderr: string }> {
  // -tt: epoch timestamps (no time zone in the assertion); -e: link-level header, so the 802.1Q tag shows.
  const { stdout, stderr } = await run(TCPDUMP, ['-r', file, '-nn', '-v', '-e', '-tt']);
  return { lines: stdout.split('\n').filter((line) => line !== ''), stderr };
}

/** A packet's first line starts with its timestamp; -v puts the TCP part on a continuation line. */
const isPacketLine = (line: string): boolean => /^\d+\.\d{6} /.test(line);

describe('captures read by tcpdump', () => {
  it.each(CASES.map((c) => ({ ...c, vlanId: c.action === 'write' ? 301 : null })))(
    '$protocol $action (VLAN $vlanId)',
    async ({ protocol, action, vlanId }) => {
      const given = recipe(protocol, action, { vlanId, exchanges: 4 });
      const data = writeCapture(given);
      const file = path.join(dir, `${protocol}-${action}.pcap`);
      await writeFile(file, data);

      const { lines, stderr } = await tcpdump(file);
      expect(stderr.trim()).toMatch(
        /^reading from file .*, link-type EN10MB \(Ethernet\), snapshot length 65535$/,
      );
      const output = lines.join('\n');
      expect(output).not.toMatch(COMPLAINTS);
      expect(lines.filter(isPacketLine)).toHaveLength(readPcap(data).packets.length);
      expect(lines[0]).toMatch(new RegExp(`^${START_TIME / 1000}0* `));

      const client = `${given.client.ip}.${given.client.port}`;
      const server = `${given.server.ip}.${given.server.port}`;
      expect(output).toContain(`${client} > ${server}: Flags [S], cksum`);
      expect(output).toContain(`${server} > ${client}: Flags [S.], cksum`);
      expect(output).toContain(`${client} > ${server}: Flags [P.], cksum`);
      expect(output).toContain(`${server} > ${client}: Flags [P.], cksum`);
      expect(output).toContain(`${client} > ${server}: Flags [F.], cksum`);
      expect(output).toContain(`${server} > ${client}: Flags [F.], cksum`);
      // Every TCP checksum was checked (-v prints the verdict) and found right.
      const verdicts = output.match(/cksum 0x[0-9a-f]{4} \((\w+)\)/g) ?? [];
      expect(verdicts).toHaveLength(readPcap(data).packets.length);
      expect(verdicts.every((verdict) => verdict.endsWith('(correct)'))).toBe(true);

      const linkLines = lines.filter(isPacketLine);
      if (vlanId === null)
        expect(linkLines.every((line) => line.includes('ethertype IPv4 (0x0800)'))).toBe(true);
      else
        expect(
          linkLines.every(
            (line) =>
              line.includes(`ethertype 802.1Q (0x8100), length`) &&
              line.includes(`vlan ${vlanId}, p 0, ethertype IPv4`),
          ),
        ).toBe(true);
    },
  );
});

describe('a ZIP of captures read by unzip', () => {
  it('lists and tests every capture', async (context) => {
    const unzip = await run('which', ['unzip']).then(
      ({ stdout }) => stdout.trim(),
      () => '',
    );
    if (unzip === '') context.skip();
    const zip = zipCaptures([
      { name: captureFileName(101), data: writeCapture(recipe('ModbusTcp', 'write')) },
      { name: captureFileName(102), data: writeCapture(recipe('EtherNetIp', 'stop')) },
    ]);
    const file = path.join(dir, 'traffic.zip');
    await writeFile(file, zip);
    const listed = await run(unzip, ['-l', file]);
    expect(listed.stdout).toContain('event_101.pcap');
    expect(listed.stdout).toContain('event_102.pcap');
    expect(listed.stdout).toMatch(/\s2 files/);
    const tested = await run(unzip, ['-t', file]);
    expect(tested.stdout).toContain('No errors detected');
  });
});
