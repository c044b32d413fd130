/**
 * R9, malformed or malicious host input: wildcards, a filter injection, NUL, a 10 kB string and a host id that is
 * no GUID, given to a destructive command (isolate_hosts) and to reads that look hosts up. Each is refused with a
 * clear validation error naming the parameter, and the emulator receives no request at all for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateHosts } from '../../src/commands/ksc/isolate-hosts.ts';
import { getHostStatus } from '../../src/commands/ksc/get-host-status.ts';
import { startCommandHarness, type CommandHarness } from '../commands/support.ts';
import { recordFigure } from '../support/proof-figure.ts';

const MALICIOUS: readonly (readonly [string, string])[] = [
  ['a lone wildcard', '*'],
  ['a trailing wildcard', 'a*'],
  ['a filter injection', 'x" ) (KLHST_WKS_DN="*'],
  ['a 10 kB string', 'h'.repeat(10_240)],
  ['a line break inside', 'host\nname'],
  ['an escape sequence', 'host\u001b[2Jname'],
  ['DEL', 'host\u007fname'],
  ['a C1 control', 'host\u0085name'],
];

/** The value as the report shows it: JSON leaves DEL and C1 controls unescaped, and they would be invisible. */
const shown = (value: string): string =>
  JSON.stringify(value.slice(0, 24)).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

describe('R9 malicious host input', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness({ hosts: 20, events: 20 });
    // Log in first, so the counter below counts only what the malicious inputs cause.
    await h.run(getHostStatus, { hostNames: [h.emu.ksc.world.hostsOf(0)[0]!.id] });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const refusesBeforeSending = async (value: string): Promise<void> => {
    const before = await h.emu.callsReceived();
    const result = await h.run(isolateHosts, { hostIds: [value] });
    const sent = (await h.emu.callsReceived()) - before;
    const error = result.errors[0];
    recordFigure('R9', {
      figure: `isolate_hosts ${shown(value)}: ${error?.code ?? 'no error'}, ${sent} requests`,
      pass: error?.code === 'INVALID_INPUT' && sent === 0,
      measured: { sent, code: error?.code ?? 'none' },
    });
    expect(result.status).toBe('Failed');
    expect(error).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(error!.message).toMatch(/^The value for parameter \(hostIds(\.0)?\) is invalid/);
    expect(sent).toBe(0);
  };

  it.each(MALICIOUS)('isolate_hosts refuses %s before sending anything', async (_name, value) => {
    await refusesBeforeSending(value);
  });

  it('isolate_hosts refuses a NUL character before sending anything', async () => {
    await refusesBeforeSending('host\u0000name');
  });

  it('a read (get_host_status) refuses a NUL before sending anything, naming the field', async () => {
    const before = await h.emu.callsReceived();
    const result = await h.run(getHostStatus, { hostNames: ['host\u0000name'] });
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(result.errors[0]!.message).toMatch(
      /^The value for parameter \(hostNames(\.0)?\) is invalid: .*U\+0000/,
    );
    expect((await h.emu.callsReceived()) - before).toBe(0);
  });
});
