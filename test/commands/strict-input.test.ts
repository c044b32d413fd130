import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closestField } from '../../src/commands/core/strict-input.ts';
import { commandByName } from '../../src/commands/registry.ts';
import { startCommandHarness, type CommandHarness } from './support.ts';

describe('command inputs are strict', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses a misspelt field with a 400 that names it and suggests the field meant, before any KSC call', async () => {
    const host = [...h.emu.ksc.world.hosts.values()][0]!;
    const before = await h.emu.control('GET', '/__emulator/state');
    const result = await h.run(commandByName('isolate_hosts')!, {
      hostIds: [host.attributes['KLHST_WKS_HOSTNAME']],
      isolationTimout: 5,
    });
    expect(result.status).toBe('Failed');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(result.errors[0]!.message).toContain('(isolationTimout)');
    expect(result.errors[0]!.message).toContain('did you mean "isolationTimeout"?');
    const after = await h.emu.control('GET', '/__emulator/state');
    const calls = (state: { body: unknown }) =>
      (state.body as { counters: { calls: number } }).counters.calls;
    expect(calls(after)).toBe(calls(before));
  });

  it('names every unknown field, with no suggestion when nothing is close', async () => {
    const result = await h.run(commandByName('list_hosts')!, { idempotencyKy: 'k', zzz: 1 });
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('(idempotencyKy)'),
      expect.stringMatching(/\(zzz\) is invalid: list_hosts has no such field$/),
    ]);
  });

  it('suggests within a few edits only', () => {
    const known = Object.keys(
      (commandByName('isolate_hosts')!.input as unknown as { shape: Record<string, unknown> }).shape,
    );
    expect(closestField('idempotencykey', known)).toBe('idempotencyKey');
    expect(closestField('hostIDs', known)).toBe('hostIds');
    expect(closestField('waitTimeoutSecs', known)).toBe('waitTimeoutSeconds');
    expect(closestField('colour', known)).toBeUndefined();
  });
});
