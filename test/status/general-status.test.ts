import { describe, expect, it } from 'vitest';
import {
  bitsOf,
  decodeEventsStatus,
  EVENTS_STATUS_REASONS,
  generalStatusLevel,
} from '../../src/status/general-status.ts';

describe('general status decoder (seed 000)', () => {
  it('knows the 23 reasons of seed 000, each bit once, with the parameters it names', () => {
    expect(EVENTS_STATUS_REASONS.map((r) => r.bit)).toEqual([
      0, 1, 2, 4, 8, 16, 32, 64, 128, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144,
      524288, 1048576, 2097152, 4194304,
    ]);
    const named = Object.fromEntries(EVENTS_STATUS_REASONS.map((r) => [r.bit, r.parameters]));
    // Seed 000's own parameter names.
    expect(named[1]).toEqual(['KLSTS_Par_Ev_CriticalSrvEventsCnt']);
    expect(named[4]).toEqual(['KLSTS_Par_Ev_UserRequestsCnt']);
    expect(named[8]).toEqual(['KLSTS_Par_Ev_ErrorSrvEventsCnt']);
    expect(named[16]).toEqual(['KLSTS_Par_Ev_WuaDataObsoleteCnt']);
    expect(named[32]).toEqual(['KLSTS_Par_Ev_VapmEulaUpdatesCnt']);
    expect(named[64]).toEqual(['KLSTS_Par_Ev_BadStatusHostsCnt']);
    expect(named[8192]).toEqual(['KLSTS_Par_Ev_AdmSrvRbtRsn']);
    expect(named[32768]).toEqual(['KLSTS_Par_Ev_NewProductsCnt']);
    expect(named[262144]).toEqual(['c_sts_Par_Ev_ExpectedKsnAgreementId']);
    expect(named[2097152]).toEqual(['c_sts_Par_Ev_AdfsIssuerUrlCaExpiresSoonNames']);
    expect(named[4194304]).toEqual(['KLSTS_Par_Ev_DpaNotAccepted']);
    // Seed 000: "Status can be reset" for 1, 2 and 8 only.
    expect(EVENTS_STATUS_REASONS.filter((r) => r.resettable).map((r) => r.bit)).toEqual([1, 2, 8]);
  });

  it('splits a mask into its bits, lowest first', () => {
    expect(bitsOf(0)).toEqual([]);
    expect(bitsOf(73)).toEqual([1, 8, 64]);
    expect(bitsOf(4194304 + 2)).toEqual([2, 4194304]);
    expect(bitsOf(2 ** 31 + 1)).toEqual([1, 2 ** 31]);
  });

  it('words the level codes as KSC’s statistics sample does', () => {
    expect([0, 1, 2, 3].map(generalStatusLevel)).toEqual(['OK', 'Informational', 'Warning', 'Critical']);
    expect(generalStatusLevel(7)).toBe('Unknown');
    expect(generalStatusLevel(undefined)).toBe('Unknown');
    expect(generalStatusLevel('3')).toBe('Unknown');
  });

  it('decodes a critical status: reasons in words with their counters, nothing left over', () => {
    const decoded = decodeEventsStatus({
      KLSTS_Par_Status: 3,
      KLSTS_Par_StatusReasonMask: 1 | 2 | 64,
      KLSTS_Par_Ev_CriticalSrvEventsCnt: 24,
      KLSTS_Par_Ev_FailedSrvTskName: 'Backup of Administration Server data',
      KLSTS_Par_Ev_FailedSrvTskStrId: '42',
      KLSTS_Par_Ev_BadStatusHostsCnt: 1,
    });
    expect(decoded.level).toBe('Critical');
    expect(decoded.levelCode).toBe(3);
    expect(decoded.reasonMask).toBe(67);
    expect(decoded.reasons.map((r) => r.bit)).toEqual([1, 2, 64]);
    expect(decoded.reasons[0]).toEqual({
      bit: 1,
      text: 'There are 24 new critical events on the server since the status was last reset.',
      parameters: { KLSTS_Par_Ev_CriticalSrvEventsCnt: 24 },
      resettable: true,
    });
    expect(decoded.reasons[1]?.text).toBe(
      'The Administration Server task "Backup of Administration Server data" (task id 42) failed since the ' +
        'status was last reset.',
    );
    expect(decoded.reasons[1]?.parameters).toEqual({
      KLSTS_Par_Ev_FailedSrvTskName: 'Backup of Administration Server data',
      KLSTS_Par_Ev_FailedSrvTskStrId: '42',
    });
    // One host: singular words.
    expect(decoded.reasons[2]?.text).toBe(
      'There is 1 new host whose status is not OK for reasons no other status covers.',
    );
    expect(decoded.unknownBits).toEqual([]);
    expect(decoded.otherParameters).toEqual({});
  });

  it('says "nothing new" for mask 0, and words every reason even without its counters', () => {
    const ok = decodeEventsStatus({ KLSTS_Par_Status: 0, KLSTS_Par_StatusReasonMask: 0 });
    expect(ok.level).toBe('OK');
    expect(ok.reasons).toEqual([
      { bit: 0, text: 'No new critical events or errors found.', parameters: {}, resettable: false },
    ]);
    const all = EVENTS_STATUS_REASONS.reduce((mask, r) => mask + r.bit, 0);
    const bare = decodeEventsStatus({ KLSTS_Par_Status: 2, KLSTS_Par_StatusReasonMask: all });
    expect(bare.reasons).toHaveLength(22);
    for (const r of bare.reasons) {
      expect(r.text.length).toBeGreaterThan(20);
      expect(r.parameters).toEqual({});
    }
    expect(bare.reasons.find((r) => r.bit === 1)?.text).toContain('There are ? new critical events');
  });

  it('fills the counters of the other reasons, including a list of names', () => {
    const decoded = decodeEventsStatus({
      KLSTS_Par_Status: 2,
      KLSTS_Par_StatusReasonMask: 16384 | 65536 | 2097152 | 8192,
      KLSTS_Par_Ev_NewVersionsCnt: 5,
      KLSTS_Par_Ev_NewKscVersionsCnt: 1,
      c_sts_Par_Ev_RequiredPluginsCnt: 2,
      c_sts_Par_Ev_AdfsIssuerUrlCaExpiresSoonNames: ['root-ca', 'issuing-ca'],
      KLSTS_Par_Ev_AdmSrvRbtRsn: 4,
    });
    expect(decoded.reasons.map((r) => r.text)).toEqual([
      'Kaspersky Security Center requires a reboot (reason 4).',
      '5 new versions of products already in use are available to download, including 1 Kaspersky Security ' +
        'Center component.',
      '2 console plug-ins must be upgraded to manage the applicable or installed seamless updates.',
      'Certificates of the issuer URL CA chain expire soon: root-ca, issuing-ca.',
    ]);
  });

  it('keeps what it cannot place: bits and parameters of a newer server', () => {
    const decoded = decodeEventsStatus({
      KLSTS_Par_Status: 1,
      KLSTS_Par_StatusReasonMask: 256 | 8388608 | 4,
      KLSTS_Par_Ev_UserRequestsCnt: 3,
      KLSTS_Par_Ev_Future: 'x',
    });
    expect(decoded.reasons.map((r) => r.bit)).toEqual([4]);
    expect(decoded.reasons[0]?.text).toBe('3 new user requests raised.');
    expect(decoded.unknownBits).toEqual([256, 8388608]);
    expect(decoded.otherParameters).toEqual({ KLSTS_Par_Ev_Future: 'x' });
    expect(decodeEventsStatus({}).level).toBe('Unknown');
    expect(decodeEventsStatus({}).levelCode).toBeNull();
  });
});
