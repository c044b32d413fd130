import { describe, expect, it } from 'vitest';
import { EVENTS_REASONS } from '../../../src/emulator/ksc/status/reasons.ts';
import { BACKENDS, useKscEmulator } from '../../support/ksc-emulator.ts';

/** Every reason of seed 000 but 0 ("nothing to report"). */
const ALL_BITS = EVENTS_REASONS.filter((r) => r.bit !== 0).map((r) => r.bit);
const ALL_MASK = ALL_BITS.reduce((mask, bit) => mask | bit, 0);

describe.each(BACKENDS)('KSC emulator control API: general status reasons (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  const eventsStatus = () => emu.admin.statistics('KLSTS_Events');

  it('switches every reason of seed 000 on, with its parameters, and off again', async () => {
    const before = await eventsStatus();
    const worldMask = before['KLSTS_Par_StatusReasonMask'] as number;

    const on = await emu.control('POST', '/__emulator/status/reasons', {
      bits: 'all',
      params: { KLSTS_Par_Ev_AdmSrvRbtRsn: 2 },
    });
    expect(on.status).toBe(200);
    expect((on.body as { mask: number }).mask).toBe(ALL_MASK);

    const status = await eventsStatus();
    expect(status['KLSTS_Par_StatusReasonMask']).toBe(ALL_MASK);
    expect(status['KLSTS_Par_Status']).toBe(3);
    for (const reason of EVENTS_REASONS) {
      for (const [name, type] of Object.entries(reason.params)) {
        const value = status[name];
        if (type === 'int') expect(value, name).toBeTypeOf('number');
        else if (type === 'string') expect(value, name).toBeTypeOf('string');
        else expect(Array.isArray(value), name).toBe(true);
      }
    }
    expect(status['KLSTS_Par_Ev_AdmSrvRbtRsn']).toBe(2);

    const listed = await emu.control('GET', '/__emulator/status/reasons');
    expect((listed.body as { switchedOn: number[] }).switchedOn).toEqual(ALL_BITS);

    const off = await emu.control('POST', '/__emulator/status/reasons', { bits: 'all', on: false });
    expect((off.body as { mask: number }).mask).toBe(worldMask);
    expect((await eventsStatus())['KLSTS_Par_StatusReasonMask']).toBe(worldMask);
  });

  it('switches single reasons, per virtual server, and refuses bits seed 000 does not have', async () => {
    await emu.control('POST', '/__emulator/status/reasons', {
      bits: [4096],
      vserver: 'vs-branch',
    });
    expect(((await eventsStatus())['KLSTS_Par_StatusReasonMask'] as number) & 4096).toBe(0);
    const branch = await emu.session('admin', 'vs-branch');
    const branchStatus = await branch.statistics('KLSTS_Events');
    expect((branchStatus['KLSTS_Par_StatusReasonMask'] as number) & 4096).toBe(4096);

    const bad = await emu.control('POST', '/__emulator/status/reasons', { bits: [3] });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toContain('3');
    const noServer = await emu.control('POST', '/__emulator/status/reasons', { bits: [4], vserver: 'nope' });
    expect(noServer.status).toBe(400);
  });
});
