import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { fileSystemSink } from '../../../src/commands/core/file-system-sink.ts';
import { kicsGetEventTraffic } from '../../../src/commands/kics/get-event-traffic.ts';
import { createContextFactory, loadConfig } from '../../../src/config/index.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

/** Event ids of the generated world (seed 1): 4, 8 and 11 keep traffic, 1 does not. */
const WITH_TRAFFIC = [4, 8, 11] as const;
const WITHOUT_TRAFFIC = 1;
const UNKNOWN = 987654;

/** libpcap's magic as a little-endian file writes it. */
const PCAP_MAGIC_LE = 'd4c3b2a1';

describe('kics_get_event_traffic', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 60, events: 40 });
    kics = h.factory.vendorClient('plant') as KicsClient;
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  const leftovers = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.part'));

  it('saves one event’s capture as a PCAP, byte for byte what KICS sent', async () => {
    const [id] = WITH_TRAFFIC;
    const result = await h.run(kicsGetEventTraffic, { eventIds: [id] });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
    const expected = await kics.eventTraffic(id);
    const path = join(h.filesDir, `event_${id}.pcap`);
    const saved = readFileSync(path);
    expect(saved.equals(Buffer.from(expected.bytes))).toBe(true);
    expect(saved.subarray(0, 4).toString('hex')).toBe(PCAP_MAGIC_LE);
    expect(result.keyFields).toEqual({
      EventIds: [id],
      FileName: `event_${id}.pcap`,
      ContentType: 'application/vnd.tcpdump.pcap',
      Bytes: saved.length,
      Sha256: createHash('sha256').update(saved).digest('hex'),
      SavedTo: path,
    });
    expect(result.raw).toMatchObject({ fileName: `event_${id}.pcap`, bytes: saved.length, savedTo: path });
    // Plant traffic is not for every local user.
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(leftovers(h.filesDir)).toEqual([]);
  });

  it('saves several events’ captures as a ZIP of one PCAP each, and names an unknown event on its own', async () => {
    const [a, b] = WITH_TRAFFIC;
    const result = await h.run(kicsGetEventTraffic, { eventIds: [a, UNKNOWN, b, a] });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toEqual([
      expect.objectContaining({
        failureIndicator: 'KICS Get Event Traffic failed.',
        statusCode: 404,
        code: 'NOT_FOUND',
        item: String(UNKNOWN),
      }),
    ]);
    expect(result.keyFields).toMatchObject({ EventIds: [a, b], ContentType: 'application/zip' });
    const path = String(result.keyFields['SavedTo']);
    expect(readFileSync(path).subarray(0, 2).toString('latin1')).toBe('PK');
    const listing = execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.sort()).toEqual([`event_${a}.pcap`, `event_${b}.pcap`]);
    const entry = execFileSync('unzip', ['-p', path, `event_${a}.pcap`]);
    expect(entry.equals(Buffer.from((await kics.eventTraffic(a)).bytes))).toBe(true);
  });

  it('fails with 404 naming the event when it is unknown or keeps no traffic, leaving no file', async () => {
    const before = readdirSync(h.filesDir);
    for (const id of [UNKNOWN, WITHOUT_TRAFFIC]) {
      const result = await h.run(kicsGetEventTraffic, { eventIds: [id] });
      expect(result.status).toBe('Failed');
      expect(result.errors).toEqual([
        expect.objectContaining({ statusCode: 404, code: 'NOT_FOUND', item: String(id) }),
      ]);
    }
    const none = await h.run(kicsGetEventTraffic, { eventIds: [UNKNOWN, UNKNOWN + 1] });
    expect(none.status).toBe('Failed');
    expect(none.errors.map((e) => e.item)).toEqual([String(UNKNOWN), String(UNKNOWN + 1)]);
    expect(readdirSync(h.filesDir)).toEqual(before);
  });

  it('refuses to replace a file when its sink says so, and leaves the old one and no temporary file', async () => {
    const id = WITH_TRAFFIC[2];
    writeFileSync(join(h.filesDir, `event_${id}.pcap`), 'older');
    const ctx = { ...h.context(), files: fileSystemSink({ directory: h.filesDir }) };
    const result = await executeCommand(kicsGetEventTraffic, ctx, { eventIds: [id] });
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(result.errors[0]?.message).toContain(`event_${id}.pcap already exists`);
    expect(readFileSync(join(h.filesDir, `event_${id}.pcap`), 'utf8')).toBe('older');
    expect(leftovers(h.filesDir)).toEqual([]);
  });

  it('fails before any request when the context has nothing to save the file in', async () => {
    // A wrong package password: a request would fail opening the package, not with the missing sink.
    const wrong = createContextFactory(
      loadConfig({ env: { PLANT_PACKAGE_PASSWORD: 'not-the-password' }, cwd: h.dir }),
      { env: {} },
    );
    try {
      const result = await executeCommand(kicsGetEventTraffic, wrong.context('plant'), { eventIds: [4] });
      expect(result.status).toBe('Failed');
      expect(result.errors).toEqual([expect.objectContaining({ statusCode: 400, code: 'INVALID_INPUT' })]);
      expect(result.errors[0]?.message).toMatch(/^files: kics_get_event_traffic produces a file/);
      const bad = await executeCommand(kicsGetEventTraffic, wrong.context('plant'), { eventIds: [] });
      expect(bad.errors[0]?.message).toContain('(eventIds)');
      const many = Array.from({ length: 101 }, (_, i) => i + 1);
      const tooMany = await executeCommand(kicsGetEventTraffic, wrong.context('plant'), { eventIds: many });
      expect(tooMany.errors[0]?.message).toContain('(eventIds)');
    } finally {
      await wrong.close();
    }
  });
});
