import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HOST_STATE,
  MASK_BIT,
  RTP_STATE,
  STATUS_CONDITIONS,
  STATUS_ID,
  computeHostStatus,
  hostFactsFromAttributes,
  statusReasons,
  withHostStatus,
  type HostFacts,
  type RunningRtpState,
} from '../../../src/emulator/ksc/world/status.ts';
import { bit, DAY_MS, NOW } from './helpers.ts';

const healthy: HostFacts = {
  online: true,
  inGroup: true,
  agentInstalled: true,
  agentAlive: true,
  avInstalled: true,
  avRunning: true,
  rtpRunning: true,
  rtpProfile: 7,
  basesAgeDays: 0.2,
  lastFullScanDaysAgo: 3,
  agentLastConnectDaysAgo: 0.001,
  virusesDetectedRecently: false,
  uncuredCount: 0,
  rebootRequired: false,
  licenseExpired: false,
};

const factsArbitrary: fc.Arbitrary<HostFacts> = fc.record({
  online: fc.boolean(),
  inGroup: fc.boolean(),
  agentInstalled: fc.boolean(),
  agentAlive: fc.boolean(),
  avInstalled: fc.boolean(),
  avRunning: fc.boolean(),
  rtpRunning: fc.boolean(),
  rtpProfile: fc.constantFrom<RunningRtpState>(4, 5, 6, 7, 8),
  basesAgeDays: fc.option(fc.double({ min: 0, max: 60, noNaN: true }), { nil: null }),
  lastFullScanDaysAgo: fc.option(fc.double({ min: 0, max: 200, noNaN: true }), { nil: null }),
  agentLastConnectDaysAgo: fc.option(fc.double({ min: 0, max: 200, noNaN: true }), { nil: null }),
  virusesDetectedRecently: fc.boolean(),
  uncuredCount: fc.nat(5),
  rebootRequired: fc.boolean(),
  licenseExpired: fc.boolean(),
});

/** The status partition written out independently of the table in status.ts. */
function expectedStatusId(mask: number, basesAgeDays: number | null): number {
  const critical =
    bit(mask, 1) ||
    bit(mask, 2) ||
    bit(mask, 3) ||
    bit(mask, 5) ||
    bit(mask, 10) ||
    (bit(mask, 7) && basesAgeDays !== null && basesAgeDays > 14);
  if (critical) return STATUS_ID.CRITICAL;
  return mask !== 0 ? STATUS_ID.WARNING : STATUS_ID.OK;
}

describe('computeHostStatus', () => {
  it("gives a healthy online host in a group 0x1F (the samples' 29 = 0x1D, plus 0x2), a running RTP state and OK", () => {
    const status = computeHostStatus(healthy);
    expect(status.status).toBe(0x1f);
    expect(status.status & ~HOST_STATE.ADDED_TO_GROUP).toBe(29);
    expect(status).toMatchObject({ statusId: STATUS_ID.OK, statusMask: 0, rtpState: 7, rtpErrorCode: 0 });
  });

  it.each([
    [
      'no security application',
      { avInstalled: false },
      MASK_BIT.NO_AV,
      STATUS_ID.CRITICAL,
      RTP_STATE.UNKNOWN,
    ],
    [
      'application not running',
      { avRunning: false },
      MASK_BIT.AV_NOT_RUNNING,
      STATUS_ID.CRITICAL,
      RTP_STATE.STOPPED,
    ],
    [
      'protection not running',
      { rtpRunning: false },
      MASK_BIT.RTP_NOT_RUNNING,
      STATUS_ID.CRITICAL,
      RTP_STATE.STOPPED,
    ],
    [
      'recent detections',
      { virusesDetectedRecently: true },
      MASK_BIT.VIRUSES_DETECTED,
      STATUS_ID.CRITICAL,
      7,
    ],
    ['uncured objects', { uncuredCount: 2 }, MASK_BIT.UNCURED_OBJECTS, STATUS_ID.CRITICAL, 7],
    ['bases 20 days old', { basesAgeDays: 20 }, MASK_BIT.OLD_BASES, STATUS_ID.CRITICAL, 7],
    ['bases 10 days old', { basesAgeDays: 10 }, MASK_BIT.OLD_BASES, STATUS_ID.WARNING, 7],
    ['never scanned', { lastFullScanDaysAgo: null }, MASK_BIT.OLD_FULL_SCAN, STATUS_ID.WARNING, 7],
    ['scanned 45 days ago', { lastFullScanDaysAgo: 45 }, MASK_BIT.OLD_FULL_SCAN, STATUS_ID.WARNING, 7],
    ['reboot required', { rebootRequired: true }, MASK_BIT.REBOOT_REQUIRED, STATUS_ID.WARNING, 7],
    ['license expired', { licenseExpired: true }, MASK_BIT.LICENSE_EXPIRED, STATUS_ID.WARNING, 7],
    ['agent online but inactive', { agentAlive: false }, MASK_BIT.AGENT_INACTIVE, STATUS_ID.WARNING, 7],
  ] as const)('%s → mask bit %i only', (_name, change, maskBit, statusId, rtpState) => {
    const status = computeHostStatus({ ...healthy, ...change });
    expect(status.statusMask).toBe(1 << maskBit);
    expect(status.statusId).toBe(statusId);
    expect(status.rtpState).toBe(rtpState);
  });

  it('reports an agent silent for 40 days (bit 8) next to its frozen bases', () => {
    const status = computeHostStatus({
      ...healthy,
      online: false,
      agentAlive: false,
      agentLastConnectDaysAgo: 40,
      basesAgeDays: 40.3,
    });
    expect(status.statusMask).toBe((1 << MASK_BIT.OLD_LAST_CONNECT) | (1 << MASK_BIT.OLD_BASES));
    expect(status.statusId).toBe(STATUS_ID.CRITICAL);
    expect(status.status & HOST_STATE.VISIBLE).toBe(0);
  });

  it('keeps the status bits, RTP state, mask and status id mutually consistent for any facts', () => {
    fc.assert(
      fc.property(factsArbitrary, (facts) => {
        const { status, statusMask: mask, rtpState, statusId } = computeHostStatus(facts);
        expect((status & HOST_STATE.VISIBLE) !== 0).toBe(facts.online);
        expect((status & HOST_STATE.ADDED_TO_GROUP) !== 0).toBe(facts.inGroup);
        expect((status & HOST_STATE.AGENT_INSTALLED) !== 0).toBe(facts.agentInstalled);
        if (status & HOST_STATE.AGENT_ALIVE) expect(status & HOST_STATE.AGENT_INSTALLED).not.toBe(0);
        const rtpInstalled = (status & HOST_STATE.RTP_INSTALLED) !== 0;
        expect(rtpInstalled).toBe(facts.avInstalled);
        expect(bit(mask, MASK_BIT.NO_AV)).toBe(!rtpInstalled);
        if (!rtpInstalled) expect(rtpState).toBe(RTP_STATE.UNKNOWN);
        if (rtpState >= 4 && rtpState <= 8) {
          expect(rtpInstalled).toBe(true);
          expect(bit(mask, 1) || bit(mask, 2)).toBe(false);
        }
        expect(rtpState === RTP_STATE.STOPPED).toBe(rtpInstalled && (bit(mask, 1) || bit(mask, 2)));
        expect(bit(mask, 1) && bit(mask, 2)).toBe(false);
        expect(bit(mask, MASK_BIT.RTP_LEVEL_DIFFERS)).toBe(false);
        for (const onlyWithAv of [1, 2, 3, 6, 7, 9])
          if (bit(mask, onlyWithAv)) expect(rtpInstalled).toBe(true);
        expect(bit(mask, MASK_BIT.OLD_BASES)).toBe(
          rtpInstalled && facts.basesAgeDays !== null && facts.basesAgeDays > 7,
        );
        expect(bit(mask, MASK_BIT.OLD_FULL_SCAN)).toBe(
          rtpInstalled && (facts.lastFullScanDaysAgo === null || facts.lastFullScanDaysAgo > 30),
        );
        expect(bit(mask, MASK_BIT.UNCURED_OBJECTS)).toBe(facts.uncuredCount > 0);
        expect(bit(mask, MASK_BIT.REBOOT_REQUIRED)).toBe(facts.rebootRequired);
        expect(bit(mask, MASK_BIT.AGENT_INACTIVE)).toBe(
          facts.online && facts.agentInstalled && !facts.agentAlive,
        );
        expect(bit(mask, MASK_BIT.OLD_LAST_CONNECT)).toBe(
          facts.agentInstalled &&
            facts.agentLastConnectDaysAgo !== null &&
            facts.agentLastConnectDaysAgo > 30,
        );
        expect(statusId).toBe(expectedStatusId(mask, facts.basesAgeDays));
        const reasons = statusReasons(facts);
        expect(reasons.reduce((m, reason) => m | (1 << reason.bit), 0)).toBe(mask);
      }),
    );
  });

  it('words every reason and gives each a status-event id', () => {
    for (const condition of STATUS_CONDITIONS) {
      expect(condition.text.length).toBeGreaterThan(0);
      expect(Number.isInteger(condition.eventId)).toBe(true);
    }
  });
});

describe('hostFactsFromAttributes / withHostStatus', () => {
  const attributes = {
    KLHST_WKS_STATUS: 0x1f,
    KLHST_WKS_STATUS_MASK: 0,
    KLHST_WKS_STATUS_ID: 0,
    KLHST_WKS_RTP_STATE: 7,
    KLHST_WKS_RTP_ERROR_CODE: 0,
    KLHST_WKS_FROM_UNASSIGNED: false,
    KLHST_WKS_NAG_VERSION: '14.0.0.4490',
    KLHST_WKS_RTP_AV_VERSION: '12.3.0.493',
    KLHST_WKS_RTP_AV_BASES_TIME: new Date(NOW - 2 * DAY_MS),
    KLHST_WKS_LAST_FULLSCAN: new Date(NOW - 5 * DAY_MS),
    KLHST_WKS_LAST_NAGENT_CONNECTED: new Date(NOW - 60_000),
    KLHST_WKS_UNCURED_COUNT: 0n,
    KLHST_WKS_RBT_REQUIRED: false,
  };

  it('reads the facts back so the status recomputes unchanged', () => {
    const facts = hostFactsFromAttributes(attributes, NOW);
    expect(facts).toMatchObject({
      online: true,
      agentAlive: true,
      avInstalled: true,
      rtpRunning: true,
      rtpProfile: 7,
    });
    expect(facts.basesAgeDays).toBeCloseTo(2);
    const status = computeHostStatus(facts);
    expect(status).toMatchObject({ status: 0x1f, statusMask: 0, statusId: 0, rtpState: 7 });
  });

  it('lets the server age a host: nine days later the bases are outdated (Warning)', () => {
    const later = NOW + 9 * DAY_MS;
    const facts = { ...hostFactsFromAttributes(attributes, later), agentLastConnectDaysAgo: 0 };
    const updated = withHostStatus(attributes, computeHostStatus(facts));
    expect(updated['KLHST_WKS_STATUS_MASK']).toBe(1 << MASK_BIT.OLD_BASES);
    expect(updated['KLHST_WKS_STATUS_ID']).toBe(STATUS_ID.WARNING);
    expect(updated['KLHST_WKS_RTP_AV_VERSION']).toBe('12.3.0.493');
    expect(attributes.KLHST_WKS_STATUS_MASK).toBe(0);
  });

  it('turns a stopped application into Critical with RTP state 1', () => {
    const facts = { ...hostFactsFromAttributes(attributes, NOW), avRunning: false };
    const updated = withHostStatus(attributes, computeHostStatus(facts));
    expect(updated['KLHST_WKS_RTP_STATE']).toBe(RTP_STATE.STOPPED);
    expect(updated['KLHST_WKS_STATUS_MASK']).toBe(1 << MASK_BIT.AV_NOT_RUNNING);
    expect(updated['KLHST_WKS_STATUS_ID']).toBe(STATUS_ID.CRITICAL);
    // …and the stopped state survives a round trip through the attributes.
    expect(hostFactsFromAttributes(updated, NOW).avRunning).toBe(false);
  });
});
