import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHostStatus } from '../../../src/commands/ksc/decode-host-status.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Flag = { mask: number; name: string | null; description: string; set: boolean };
type Bit = { bit: number; attribute: string; description: string; set: boolean };
type Entry = Record<string, unknown> & { statusFlags?: Flag[]; extendedStatusBits?: Bit[] };

// Seed 001's Get Host Status sample and the words D3 gives its numbers.
const SEED = { status: 29, statusId: 1, statusMask: 128, rtpState: 4 };
const SEED_WORDS = [
  'host is visible',
  'Network Agent is installed',
  "Network Agent is 'alive'",
  'real-time protection is installed',
];
const SEED_BASES = 'Anti-virus bases were updated too long ago (more than KLSRV_HSTSTAT_OLD_AV_BASES days).';
const SEED_RTP = 'Running (if anti-virus application does not support categories of state Running)';

describe('decode_host_status', () => {
  let h: CommandHarness;
  let hosts: readonly HostRecord[];

  beforeAll(async () => {
    h = await startCommandHarness();
    hosts = h.emu.ksc.world.hostsOf(0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('decodes numbers given as input without calling KSC', async () => {
    const result = await h.run(decodeHostStatus, SEED, 'no-rights');
    expect(result.status).toBe('Successful');
    expect(result.raw).toBeNull();
    const [entry] = result.context as Entry[];
    expect(entry).toMatchObject({
      KLHST_WKS_STATUS: 29,
      statusDescriptions: SEED_WORDS,
      KLHST_WKS_STATUS_ID: 1,
      status: 'Critical',
      KLHST_WKS_STATUS_MASK: 128,
      hostExtStatuses: [SEED_BASES],
      KLHST_WKS_RTP_STATE: 4,
      rtpStateDescription: SEED_RTP,
      rtpRunning: true,
    });
    // Every documented flag and bit is listed, set or not.
    expect(entry?.statusFlags).toHaveLength(10);
    expect(entry?.statusFlags?.filter((f) => f.set).map((f) => f.mask)).toEqual([1, 4, 8, 16]);
    expect(entry?.statusFlags?.find((f) => f.mask === 2)).toMatchObject({
      name: 'CS_ADDEDTOGROUP',
      set: false,
    });
    expect(entry?.extendedStatusBits).toHaveLength(16);
    expect(entry?.extendedStatusBits?.filter((b) => b.set)).toEqual([
      { bit: 7, attribute: 'KLHST_WKS_STATUS_MASK_7', description: SEED_BASES, set: true },
    ]);
    expect(result.keyFields).toEqual({
      HostIDs: [],
      HostStatuses: [29],
      HostStatusDescriptions: [SEED_WORDS.join(', ')],
      StatusIDs: [1],
      HostGeneralStatuses: ['Critical'],
      HostStatusMasks: [128],
      HostExtStatuses: [SEED_BASES],
      RealTimeProtectionStatuses: [4],
      RealTimeProtectionStatusDescriptions: [SEED_RTP],
    });
    expect(result.result.title).toBe('Decode Host Status');
    expect(result.result.columns).toEqual(['Host', 'Attribute', 'Value', 'Meaning']);
    expect(result.result.rows).toEqual([
      ['input', 'KLHST_WKS_STATUS', '0x1', 'host is visible'],
      ['input', 'KLHST_WKS_STATUS', '0x4', 'Network Agent is installed'],
      ['input', 'KLHST_WKS_STATUS', '0x8', "Network Agent is 'alive'"],
      ['input', 'KLHST_WKS_STATUS', '0x10', 'real-time protection is installed'],
      ['input', 'KLHST_WKS_STATUS_ID', 1, 'Critical'],
      ['input', 'KLHST_WKS_STATUS_MASK_7', 7, SEED_BASES],
      ['input', 'KLHST_WKS_RTP_STATE', 4, SEED_RTP],
    ]);
  });

  it('decodes only the values given, and keeps unknown bits, including a negative 32-bit mask', async () => {
    const result = await h.run(decodeHostStatus, { statusMask: -0x8000_0000 | 0b1 });
    const [entry] = result.context as Entry[];
    expect(entry).not.toHaveProperty('KLHST_WKS_STATUS');
    expect(entry?.['KLHST_WKS_STATUS_MASK']).toBe(0x8000_0001);
    expect(entry?.extendedStatusBits?.filter((b) => b.set).map((b) => [b.bit, b.description])).toEqual([
      [0, 'Host with Network Agent installed is online, but Network Agent is inactive.'],
      [31, 'Unknown extended status bit 31.'],
    ]);
    expect(result.keyFields['HostStatuses']).toEqual([null]);
    expect(result.keyFields['HostGeneralStatuses']).toEqual([null]);

    const unknown = await h.run(decodeHostStatus, { status: 0x400, statusId: 5, rtpState: 11 });
    expect(unknown.keyFields['HostStatusDescriptions']).toEqual(['unknown host state bit 0x400']);
    expect(unknown.keyFields['HostGeneralStatuses']).toEqual(['Unknown status (5)']);
    expect(unknown.keyFields['RealTimeProtectionStatusDescriptions']).toEqual([
      'Unknown real-time protection state (11)',
    ]);
    const flags = (unknown.context as Entry[])[0]?.statusFlags ?? [];
    expect(flags.at(-1)).toEqual({
      mask: 0x400,
      name: null,
      description: 'unknown host state bit 0x400',
      set: true,
    });
  });

  it('reads a host’s current values, by any reference', async () => {
    const host = hosts.find((x) => (x.attributes['KLHST_WKS_STATUS_MASK'] as number) !== 0)!;
    expect(host).toBeDefined();
    const a = host.attributes;
    const result = await h.run(decodeHostStatus, { host: String(a['KLHST_WKS_FQDN']) });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['HostIDs']).toEqual([host.id]);
    expect(result.keyFields['HostStatuses']).toEqual([a['KLHST_WKS_STATUS']]);
    expect(result.keyFields['StatusIDs']).toEqual([a['KLHST_WKS_STATUS_ID']]);
    expect(result.keyFields['HostStatusMasks']).toEqual([a['KLHST_WKS_STATUS_MASK']]);
    expect(result.keyFields['RealTimeProtectionStatuses']).toEqual([a['KLHST_WKS_RTP_STATE']]);
    const [entry] = result.context as Entry[];
    expect(entry).toMatchObject({ KLHST_WKS_HOSTNAME: host.id, KLHST_WKS_DN: a['KLHST_WKS_DN'] });
    const mask = a['KLHST_WKS_STATUS_MASK'] as number;
    expect(entry?.extendedStatusBits?.filter((b) => b.set).map((b) => b.bit)).toEqual(
      [...Array(16).keys()].filter((bit) => (mask & (1 << bit)) !== 0),
    );
    const item = (result.raw as { pChunk: { KLCSP_ITERATOR_ARRAY: { type: string; value: Entry }[] } }).pChunk
      .KLCSP_ITERATOR_ARRAY[0];
    expect(item?.type).toBe('params');
    expect(item?.value['KLHST_WKS_STATUS_MASK']).toBe(mask);
    expect(result.result.rows.every((row) => row[0] === a['KLHST_WKS_DN'])).toBe(true);
  });

  it('needs a host or numbers (not both), names the bad field, 404s an unknown host, 403s without rights', async () => {
    const neither = await h.run(decodeHostStatus, {});
    expect(firstError(neither).message).toMatch(/^The value for parameter \(host\) is invalid/);
    const both = await h.run(decodeHostStatus, { host: hosts[0]!.id, status: 1 });
    expect(firstError(both)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    const tooBig = await h.run(decodeHostStatus, { statusMask: 2 ** 40 });
    expect(firstError(tooBig).message).toMatch(/^The value for parameter \(statusMask\) is invalid/);
    const unknown = await h.run(decodeHostStatus, { host: 'no-such-host' });
    expect(firstError(unknown)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const denied = await h.run(decodeHostStatus, { host: hosts[0]!.id }, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });

  it('runs its documented example', async () => {
    const result = await h.run(decodeHostStatus, decodeHostStatus.example);
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);
  });
});
