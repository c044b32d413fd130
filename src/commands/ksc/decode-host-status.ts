import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { KlParams } from '../../ksc/values.ts';
import {
  decodeHostStatus as decodeStatusValues,
  EXTENDED_STATUS_BITS,
  HOST_STATE_FLAGS,
  type HostStatusValues,
} from '../../status/host-status.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, hostNotFound, lookupHostReference } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { numericValue } from './shared/records.ts';
import type { PlainJson } from '../core/types.ts';

const STATUS_FIELDS = [
  'KLHST_WKS_STATUS',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_STATUS_MASK',
  'KLHST_WKS_RTP_STATE',
] as const;

/** A 32-bit attribute as KSC may send it: signed when its top bit is set. */
const bits = () => z.number().int().min(-0x8000_0000).max(0xffff_ffff);
const enumValue = () => z.number().int().min(0).max(0x7fff_ffff);

const input = z
  .object({
    host: inputs
      .host()
      .optional()
      .describe(
        'A host whose current status to decode, by id (KLHST_WKS_HOSTNAME), display name, FQDN or IPv4 ' +
          'address; leave it out to decode the numbers given instead',
      ),
    status: bits().optional().describe('KLHST_WKS_STATUS to decode (host state bit set), e.g. 29'),
    statusId: enumValue().optional().describe('KLHST_WKS_STATUS_ID to decode (0 OK, 1 Critical, 2 Warning)'),
    statusMask: bits()
      .optional()
      .describe('KLHST_WKS_STATUS_MASK to decode (extended status bits), e.g. 192'),
    rtpState: enumValue().optional().describe('KLHST_WKS_RTP_STATE to decode (real-time protection state)'),
  })
  .superRefine((value, ctx) => {
    const numbers = [value.status, value.statusId, value.statusMask, value.rtpState].some(
      (v) => v !== undefined,
    );
    if (value.host !== undefined && numbers) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'give a host or status values, not both' });
    } else if (value.host === undefined && !numbers) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: 'give a host, or at least one of status, statusId, statusMask, rtpState',
      });
    }
  });

const keyFields = z.object({
  HostIDs: z.array(z.string()),
  HostStatuses: z.array(z.number().nullable()),
  HostStatusDescriptions: z.array(z.string().nullable()),
  StatusIDs: z.array(z.number().nullable()),
  HostGeneralStatuses: z.array(z.string().nullable()),
  HostStatusMasks: z.array(z.number().nullable()),
  HostExtStatuses: z.array(z.string().nullable()),
  RealTimeProtectionStatuses: z.array(z.number().nullable()),
  RealTimeProtectionStatusDescriptions: z.array(z.string().nullable()),
});

type KeyFields = z.output<typeof keyFields>;

function valuesOf(record: KlParams): HostStatusValues {
  return {
    status: numericValue(record['KLHST_WKS_STATUS']),
    statusId: numericValue(record['KLHST_WKS_STATUS_ID']),
    statusMask: numericValue(record['KLHST_WKS_STATUS_MASK']),
    rtpState: numericValue(record['KLHST_WKS_RTP_STATE']),
  };
}

interface Decoded {
  readonly context: { [key: string]: PlainJson };
  readonly rows: PlainJson[][];
}

/**
 * Every bit in words: the known ones whether set or not (so "Network Agent is 'alive'": false is visible), and
 * any set bit no table names.
 */
function decode(values: HostStatusValues, label: string): Decoded {
  const d = decodeStatusValues(values);
  const context: { [key: string]: PlainJson } = {};
  const rows: PlainJson[][] = [];
  if (d.status !== undefined) {
    const set = new Set(d.status.flags.map((f) => f.mask));
    const unknown = d.status.flags.filter((f) => f.name === null);
    context['KLHST_WKS_STATUS'] = d.status.value;
    context['statusDescriptions'] = d.status.flags.map((f) => f.description);
    context['statusFlags'] = [...HOST_STATE_FLAGS, ...unknown].map((f) => ({
      mask: f.mask,
      name: f.name,
      description: f.description,
      set: set.has(f.mask),
    }));
    for (const f of d.status.flags)
      rows.push([label, 'KLHST_WKS_STATUS', `0x${f.mask.toString(16)}`, f.description]);
    if (d.status.flags.length === 0) rows.push([label, 'KLHST_WKS_STATUS', 0, 'no host state flag is set']);
  }
  if (d.statusId !== undefined) {
    context['KLHST_WKS_STATUS_ID'] = d.statusId.value;
    context['status'] = d.statusId.name;
    rows.push([label, 'KLHST_WKS_STATUS_ID', d.statusId.value, d.statusId.name]);
  }
  if (d.statusMask !== undefined) {
    const set = new Set(d.statusMask.bits.map((b) => b.bit));
    const unknown = d.statusMask.bits.filter((b) => !b.known);
    context['KLHST_WKS_STATUS_MASK'] = d.statusMask.value;
    context['hostExtStatuses'] = d.statusMask.bits.map((b) => b.description);
    context['extendedStatusBits'] = [...EXTENDED_STATUS_BITS, ...unknown].map((b) => ({
      bit: b.bit,
      attribute: b.attribute,
      description: b.description,
      set: set.has(b.bit),
    }));
    for (const b of d.statusMask.bits) rows.push([label, b.attribute, b.bit, b.description]);
    if (d.statusMask.bits.length === 0) {
      rows.push([label, 'KLHST_WKS_STATUS_MASK', 0, 'no extended status condition holds']);
    }
  }
  if (d.rtpState !== undefined) {
    context['KLHST_WKS_RTP_STATE'] = d.rtpState.value;
    context['rtpStateDescription'] = d.rtpState.description;
    context['rtpRunning'] = d.rtpState.running;
    rows.push([label, 'KLHST_WKS_RTP_STATE', d.rtpState.value, d.rtpState.description]);
  }
  return { context, rows };
}

function addKeys(keys: KeyFields, values: HostStatusValues): void {
  const d = decodeStatusValues(values);
  keys.HostStatuses.push(d.status?.value ?? null);
  keys.HostStatusDescriptions.push(d.status?.flags.map((f) => f.description).join(', ') ?? null);
  keys.StatusIDs.push(d.statusId?.value ?? null);
  keys.HostGeneralStatuses.push(d.statusId?.name ?? null);
  keys.HostStatusMasks.push(d.statusMask?.value ?? null);
  keys.HostExtStatuses.push(d.statusMask?.bits.map((b) => b.description).join(' ') ?? null);
  keys.RealTimeProtectionStatuses.push(d.rtpState?.value ?? null);
  keys.RealTimeProtectionStatusDescriptions.push(d.rtpState?.description ?? null);
}

/** `Decode Host Status` (beyond seed 001): KSC's host status numbers in words. */
export const decodeHostStatus: KscCommand<typeof input, typeof keyFields> = {
  name: 'decode_host_status',
  title: 'Decode Host Status',
  description:
    'Explains KSC host status numbers in words: every flag of KLHST_WKS_STATUS (visible, Network Agent ' +
    'installed/alive, real-time protection installed…), the overall status KLHST_WKS_STATUS_ID (OK, Critical, ' +
    'Warning), every condition of the extended status mask KLHST_WKS_STATUS_MASK (with the per-bit attribute ' +
    'KLHST_WKS_STATUS_MASK_<n> usable in search filters) and the real-time protection state ' +
    'KLHST_WKS_RTP_STATE. Give a host (id, name, FQDN or IP; a name matching several hosts decodes each) to ' +
    'read its current values, or give the numbers (e.g. from an event or a report) to decode them without ' +
    'calling KSC. Unknown bits and values are reported as such, never dropped. An unknown host is a 404. ' +
    'Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: HOST_LOOKUP_METHODS,
  },
  hints: { targetFields: ['host'] },
  example: { status: 29, statusId: 1, statusMask: 192, rtpState: 4 },
  async run(ctx, { host, status, statusId, statusMask, rtpState }) {
    const keys: KeyFields = {
      HostIDs: [],
      HostStatuses: [],
      HostStatusDescriptions: [],
      StatusIDs: [],
      HostGeneralStatuses: [],
      HostStatusMasks: [],
      HostExtStatuses: [],
      RealTimeProtectionStatuses: [],
      RealTimeProtectionStatusDescriptions: [],
    };
    const title = decodeHostStatus.title;
    if (host === undefined) {
      const values = { status, statusId, statusMask, rtpState };
      const decoded = decode(values, 'input');
      addKeys(keys, values);
      return {
        status: 'Successful',
        raw: null,
        context: [decoded.context],
        keyFields: keys,
        result: { title, columns: ['Host', 'Attribute', 'Value', 'Meaning'], rows: decoded.rows },
        errors: [],
      };
    }
    const lookup = await lookupHostReference(ctx, host, STATUS_FIELDS, 'host');
    if (lookup.named.length === 0) throw hostNotFound(host);
    const context: PlainJson[] = [];
    const rows: PlainJson[][] = [];
    for (const i of lookup.named) {
      const record = lookup.records[i]!;
      const id = String(record['KLHST_WKS_HOSTNAME'] ?? '');
      const name = String(record['KLHST_WKS_DN'] ?? '');
      const decoded = decode(valuesOf(record), name);
      context.push({ KLHST_WKS_HOSTNAME: id, KLHST_WKS_DN: name, ...decoded.context });
      rows.push(...decoded.rows);
      keys.HostIDs.push(id);
      addKeys(keys, valuesOf(record));
    }
    return {
      status: 'Successful',
      raw: {
        pChunk: { KLCSP_ITERATOR_ARRAY: lookup.named.map((i) => lookup.items[i] ?? null) },
        PxgRetVal: lookup.named.length,
      },
      context,
      keyFields: keys,
      result: { title, columns: ['Host', 'Attribute', 'Value', 'Meaning'], rows },
      errors: [],
    };
  },
};
