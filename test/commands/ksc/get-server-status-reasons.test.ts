import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServerStatus } from '../../../src/commands/ksc/get-server-status.ts';
import { EVENTS_REASONS } from '../../../src/emulator/ksc/status/reasons.ts';
import { startCommandHarness, type CommandHarness } from '../support.ts';

/** Every reason of seed 000 but 0 ("nothing to report"). */
const ALL_BITS = EVENTS_REASONS.filter((r) => r.bit !== 0).map((r) => r.bit);

describe('get_server_status with every reason of seed 000 switched on through the control API', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('decodes each reason into words and its counters', async () => {
    const on = await h.emu.control('POST', '/__emulator/status/reasons', { bits: 'all' });
    expect(on.status).toBe(200);
    try {
      const result = await h.run(getServerStatus, {});
      expect(result.status).toBe('Successful');
      expect(result.keyFields['ReasonBits']).toEqual(ALL_BITS);
      expect(result.keyFields['Status']).toBe('Critical');
      const reasons = result.keyFields['Reasons'] as string[];
      expect(reasons).toHaveLength(ALL_BITS.length);
      for (const reason of reasons) expect(reason).toMatch(/\S/);
      const parameters = result.keyFields['Parameters'] as Record<string, unknown>;
      for (const reason of EVENTS_REASONS)
        for (const name of Object.keys(reason.params)) expect(parameters, name).toHaveProperty(name);
    } finally {
      await h.emu.control('POST', '/__emulator/status/reasons', { bits: 'all', on: false });
    }
    const after = await h.run(getServerStatus, {});
    expect((after.keyFields['ReasonBits'] as number[]).length).toBeLessThan(ALL_BITS.length);
  });
});
