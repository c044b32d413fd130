import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HOST_STATE,
  MASK_BIT,
  RTP_STATE,
  STATUS_CONDITIONS,
  STATUS_ID,
  computeHostStatus,
  type HostFacts,
  type RunningRtpState,
} from '../../src/emulator/ksc/world/status.ts';
import {
  EXTENDED_STATUS_BITS,
  HOST_STATE_FLAGS,
  decodeHostStatus,
  extendedStatusBits,
  extendedStatusDescriptions,
  extendedStatusText,
  hostStateDescriptions,
  hostStateFlags,
  hostStatusName,
  isRtpRunning,
  platformTypeName,
  rtpStateDescription,
} from '../../src/status/host-status.ts';

// Seed 001's Get Host Status sample: KLHST_WKS_STATUS 29, STATUS_ID 1, STATUS_MASK 128, RTP_STATE 4, PTYPE 2,
// and its key fields (mask 706 → two of the texts joined).
const SEED_STATUS_29 = [
  'host is visible',
  'Network Agent is installed',
  "Network Agent is 'alive'",
  'real-time protection is installed',
];
const SEED_BASES = 'Anti-virus bases were updated too long ago (more than KLSRV_HSTSTAT_OLD_AV_BASES days).';
const SEED_FSCAN = 'Full scan for viruses performed too long ago (more than KLSRV_HSTSTAT_OLD_FSCAN days).';
const SEED_RTP_4 = 'Running (if anti-virus application does not support categories of state Running)';

describe('host status decoders', () => {
  it('decode seed 001’s sample to the texts D3 shows', () => {
    expect(hostStateDescriptions(29)).toEqual(SEED_STATUS_29);
    expect(hostStatusName(1)).toBe('Critical');
    expect(extendedStatusText(128)).toBe(SEED_BASES);
    expect(extendedStatusText(0b11000000)).toBe(`${SEED_FSCAN} ${SEED_BASES}`);
    expect(rtpStateDescription(4)).toBe(SEED_RTP_4);
    expect(platformTypeName(2)).toBe('Windows NT/2000/XP/2003/Vista');
  });

  it('name every documented value of spec §7.3–§7.5', () => {
    expect(HOST_STATE_FLAGS.map((f) => f.mask)).toEqual([
      0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200,
    ]);
    expect(HOST_STATE_FLAGS.map((f) => f.name)).toContain('CS_AV_NOT_NEEDED');
    expect([0, 1, 2].map(hostStatusName)).toEqual(['OK', 'Critical', 'Warning']);
    expect(EXTENDED_STATUS_BITS.map((b) => b.bit)).toEqual([...Array(16).keys()]);
    expect(
      EXTENDED_STATUS_BITS.every((b) => b.known && b.attribute === `KLHST_WKS_STATUS_MASK_${b.bit}`),
    ).toBe(true);
    const rtp = [...Array(10).keys()].map(rtpStateDescription);
    expect(rtp.every((text) => !text.startsWith('Unknown real-time'))).toBe(true);
    expect(new Set(rtp).size).toBe(10);
    expect([...Array(10).keys()].filter((s) => isRtpRunning(s))).toEqual([4, 5, 6, 7, 8]);
  });

  it('keep values no table knows, saying so', () => {
    expect(hostStateFlags(0x400 | 0x1)).toEqual([
      HOST_STATE_FLAGS[0],
      { mask: 0x400, name: null, description: 'unknown host state bit 0x400' },
    ]);
    expect(extendedStatusBits(2 ** 20)).toEqual([
      {
        bit: 20,
        attribute: 'KLHST_WKS_STATUS_MASK_20',
        description: 'Unknown extended status bit 20.',
        known: false,
      },
    ]);
    expect(hostStatusName(7)).toBe('Unknown status (7)');
    expect(rtpStateDescription(12)).toBe('Unknown real-time protection state (12)');
    expect(platformTypeName(6)).toBe('Unknown platform type (6)');
    expect(hostStateDescriptions(0)).toEqual([]);
    expect(extendedStatusText(0)).toBe('');
  });

  it('read a negative 32-bit mask as its unsigned bits, and a bigint like a number', () => {
    expect(extendedStatusBits(-0x8000_0000).map((b) => b.bit)).toEqual([31]);
    expect(extendedStatusBits(-1).map((b) => b.bit)).toEqual([...Array(32).keys()]);
    expect(hostStateDescriptions(29n)).toEqual(SEED_STATUS_29);
    expect(decodeHostStatus({ statusMask: -0x8000_0000 }).statusMask?.value).toBe(0x8000_0000);
  });

  it('refuse what is not an integer', () => {
    expect(() => hostStateFlags(1.5)).toThrow(RangeError);
    expect(() => extendedStatusBits(-(2 ** 40))).toThrow(RangeError);
    expect(() => hostStatusName(Number.NaN)).toThrow(RangeError);
    expect(() => extendedStatusBits(2n ** 60n)).toThrow(RangeError);
  });

  it('decode only the parts given', () => {
    expect(decodeHostStatus({})).toEqual({});
    const d = decodeHostStatus({ status: 31, statusId: 2, statusMask: 64, rtpState: 1 });
    expect(d.status?.flags.map((f) => f.name)).toEqual([
      'CS_VISIBLE',
      'CS_ADDEDTOGROUP',
      'CS_AGENTINSTALLED',
      'CS_AGENTISALIVE',
      'CS_PRODUCTINSTALLED',
    ]);
    expect(d.statusId).toEqual({ value: 2, name: 'Warning' });
    expect(d.statusMask?.bits.map((b) => b.description)).toEqual([SEED_FSCAN]);
    expect(d.rtpState).toEqual({ value: 1, description: 'Stopped', running: false });
  });

  it('decode each set bit exactly once, whatever the value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (value) => {
        const flags = hostStateFlags(value);
        expect(flags.reduce((sum, f) => sum + f.mask, 0)).toBe(value);
        const bits = extendedStatusBits(value);
        expect(bits.reduce((sum, b) => sum + 2 ** b.bit, 0)).toBe(value);
        expect(extendedStatusDescriptions(value)).toHaveLength(bits.length);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -0x8000_0000, max: -1 }), (value) => {
        expect(extendedStatusBits(value).reduce((sum, b) => sum + 2 ** b.bit, 0)).toBe(value >>> 0);
      }),
    );
  });
});

/** The emulator encodes; the decoders must read its encodings the way the spec describes them. */
describe('host status decoders against the emulator’s encoding', () => {
  it('share its bit positions and values', () => {
    const byName = new Map(HOST_STATE_FLAGS.map((f) => [f.name, f.mask]));
    expect(byName.get('CS_VISIBLE')).toBe(HOST_STATE.VISIBLE);
    expect(byName.get('CS_ADDEDTOGROUP')).toBe(HOST_STATE.ADDED_TO_GROUP);
    expect(byName.get('CS_AGENTINSTALLED')).toBe(HOST_STATE.AGENT_INSTALLED);
    expect(byName.get('CS_AGENTISALIVE')).toBe(HOST_STATE.AGENT_ALIVE);
    expect(byName.get('CS_PRODUCTINSTALLED')).toBe(HOST_STATE.RTP_INSTALLED);
    expect(hostStatusName(STATUS_ID.OK)).toBe('OK');
    expect(hostStatusName(STATUS_ID.CRITICAL)).toBe('Critical');
    expect(hostStatusName(STATUS_ID.WARNING)).toBe('Warning');
    expect(rtpStateDescription(RTP_STATE.FAILURE)).toBe('Failure');
    expect(rtpStateDescription(RTP_STATE.RUNNING_MAX_PROTECTION)).toBe('Running with maximum protection');
    // Each emulator condition lands on a documented bit whose words are about the same thing.
    const topic: Record<number, RegExp> = {
      [MASK_BIT.AGENT_INACTIVE]: /Network Agent is inactive/,
      [MASK_BIT.RTP_NOT_RUNNING]: /real-time protection has not run/,
      [MASK_BIT.AV_NOT_RUNNING]: /installed but not running/,
      [MASK_BIT.VIRUSES_DETECTED]: /viruses detected/,
      [MASK_BIT.NO_AV]: /not installed/,
      [MASK_BIT.OLD_FULL_SCAN]: /Full scan/,
      [MASK_BIT.OLD_BASES]: /bases were updated too long ago/,
      [MASK_BIT.OLD_LAST_CONNECT]: /inactive too long/,
      [MASK_BIT.LICENSE_EXPIRED]: /license/i,
      [MASK_BIT.UNCURED_OBJECTS]: /uncured objects/,
      [MASK_BIT.REBOOT_REQUIRED]: /Reboot/,
    };
    for (const condition of STATUS_CONDITIONS) {
      const [bit] = extendedStatusBits(2 ** condition.bit);
      expect(bit?.known).toBe(true);
      expect(bit?.description).toMatch(topic[condition.bit] ?? /^$/);
    }
  });

  const facts: fc.Arbitrary<HostFacts> = fc.record({
    online: fc.boolean(),
    inGroup: fc.boolean(),
    agentInstalled: fc.boolean(),
    agentAlive: fc.boolean(),
    avInstalled: fc.boolean(),
    avRunning: fc.boolean(),
    rtpRunning: fc.boolean(),
    rtpProfile: fc.constantFrom<RunningRtpState>(4, 5, 6, 7, 8),
    basesAgeDays: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
    lastFullScanDaysAgo: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
    agentLastConnectDaysAgo: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
    virusesDetectedRecently: fc.boolean(),
    uncuredCount: fc.integer({ min: 0, max: 3 }),
    rebootRequired: fc.boolean(),
    licenseExpired: fc.boolean(),
  });

  it('tell the facts behind any status the emulator computes (property)', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const s = computeHostStatus(f);
        const d = decodeHostStatus({
          status: s.status,
          statusId: s.statusId,
          statusMask: s.statusMask,
          rtpState: s.rtpState,
        });
        const words = d.status?.flags.map((flag) => flag.description) ?? [];
        expect(words.includes("Network Agent is 'alive'")).toBe(f.agentInstalled && f.agentAlive);
        expect(words.includes('host is visible')).toBe(f.online);
        expect(words.includes('real-time protection is installed')).toBe(f.avInstalled);
        const bits = new Set(d.statusMask?.bits.map((b) => b.bit));
        expect(bits.has(5)).toBe(!f.avInstalled);
        expect(d.statusMask?.bits.every((b) => b.known)).toBe(true);
        expect(d.rtpState?.running).toBe(f.avInstalled && f.avRunning && f.rtpRunning);
        const critical = STATUS_CONDITIONS.some((c) => c.severity === 'critical' && c.holds(f));
        expect(d.statusId?.name === 'Critical').toBe(critical);
        expect(d.statusId?.name === 'OK').toBe(s.statusMask === 0);
      }),
    );
  });
});
