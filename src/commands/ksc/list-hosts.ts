import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import {
  findHostsWire,
  HOST_LOOKUP_METHODS,
  streamHostsWire,
  type FindHostsOptions,
} from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { ipv4FromLong } from './shared/ipv4.ts';
import { plainRecord } from './shared/plain.ts';
import { numberOf, numericValue, textOf } from './shared/records.ts';
import { summaryTable } from '../core/result.ts';
import type { PlainJson } from '../core/types.ts';
import type { KlParams } from '../../ksc/values.ts';
import { hostStateDescriptions, hostStatusName, rtpStateDescription } from '../../status/host-status.ts';

/** The attributes of seed 001's List Hosts sample. */
export const HOST_LIST_FIELDS = [
  'KLHST_INSTANCEID',
  'KLHST_WKS_DN',
  'KLHST_WKS_DNSDOMAIN',
  'KLHST_WKS_DNSNAME',
  'KLHST_WKS_FQDN',
  'KLHST_WKS_FROM_UNASSIGNED',
  'KLHST_WKS_GROUPID',
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_IP',
  'KLHST_WKS_IP_LONG',
  'KLHST_WKS_LAST_NAGENT_CONNECTED',
  'KLHST_WKS_OS_NAME',
  'KLHST_WKS_OS_VER_MAJOR',
  'KLHST_WKS_OS_VER_MINOR',
  'KLHST_WKS_RTP_ERROR_CODE',
  'KLHST_WKS_RTP_STATE',
  'KLHST_WKS_STATUS',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_VIRUS_COUNT',
  'KLHST_WKS_WINDOMAIN',
  'KLHST_WKS_WINHOSTNAME',
] as const;

const input = z.object({
  filter: inputs.searchFilter('host attributes'),
  limit: inputs.limit(1000, 100_000),
  offset: z
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(0)
    .describe(
      'Hosts to skip first, for paging: the next page starts at offset + limit. Hosts come sorted by display ' +
        'name, then id, so that pages neither overlap nor leave gaps while the host list stays the same',
    ),
  fields: inputs.attributeNames("Host attributes to return; default: those of seed 001's sample"),
});

const keyFields = z.object({
  AgentIDs: z.array(z.string()),
  HostIPs: z.array(z.string()),
  LongHostIPs: z.array(z.number()),
  HostNames: z.array(z.string()),
  HostIDs: z.array(z.string()),
  TotalHostCount: z.number().int(),
});

const PAGE = 1000;
/** Display name, then the id that tells apart hosts with the same name: a total order, so pages are stable. */
const SORT_ORDER = ['KLHST_WKS_DN', 'KLHST_WKS_HOSTNAME'];

/**
 * The status attributes of a host in words, beside the numbers, so that no reader of the list has to decode
 * them: `statusName` (OK, Critical, Warning), `statusDescriptions` (the host state flags), and
 * `rtpStateDescription`. Each is there only when its attribute was returned.
 */
function statusWords(record: KlParams): { [key: string]: PlainJson } {
  const statusId = numericValue(record['KLHST_WKS_STATUS_ID']);
  const status = numericValue(record['KLHST_WKS_STATUS']);
  const rtpState = numericValue(record['KLHST_WKS_RTP_STATE']);
  return {
    ...(statusId === undefined ? {} : { statusName: hostStatusName(statusId) }),
    ...(status === undefined ? {} : { statusDescriptions: hostStateDescriptions(status) }),
    ...(rtpState === undefined ? {} : { rtpStateDescription: rtpStateDescription(rtpState) }),
  };
}

/** The FindHosts search of an input: the same for the whole result and for the stream. */
function findOptions({ filter, limit, offset, fields }: z.output<typeof input>): FindHostsOptions {
  return {
    filter,
    fields: fields ?? HOST_LIST_FIELDS,
    limit,
    offset,
    order: SORT_ORDER,
    lifetimeSeconds: 300,
    pageSize: PAGE,
  };
}

/** A host as a context record: its attributes as plain JSON, its address as text, its status in words. */
function hostContextRecord(record: KlParams): { [key: string]: PlainJson } & { ipAddress: string | null } {
  return {
    ...plainRecord(record),
    ipAddress: ipv4FromLong(record['KLHST_WKS_IP_LONG']),
    ...statusWords(record),
  };
}

/** `List Hosts` (seed 001): `HostGroup.FindHosts`, then its ChunkAccessor page by page up to `limit`. */
export const listHosts: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_hosts',
  title: 'List Hosts',
  description:
    'Lists managed hosts with their attributes (id, name, FQDN, IP, OS, status, real-time protection state), ' +
    'optionally narrowed by a KSC search filter. Use it to find host ids for the other commands. Returns at ' +
    'most `limit` hosts, sorted by name, from `offset` on (paging), and the total number that matched; ' +
    'each host carries its status in words ' +
    '(statusName, statusDescriptions, rtpStateDescription) beside the numbers.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: HOST_LOOKUP_METHODS,
  },
  example: { filter: '(KLHST_WKS_STATUS_ID = 2)', limit: 10 },
  async run(ctx, query) {
    const { items, records, total } = await findHostsWire(ctx, findOptions(query));
    const context = records.map(hostContextRecord);
    return {
      status: 'Successful',
      raw: { pChunk: { KLCSP_ITERATOR_ARRAY: items }, PxgRetVal: total },
      context,
      keyFields: {
        AgentIDs: records.flatMap((r) => textOf(r, 'KLHST_INSTANCEID')),
        HostIPs: context.flatMap((c) => (c.ipAddress === null ? [] : [c.ipAddress])),
        LongHostIPs: records.flatMap((r) => numberOf(r, 'KLHST_WKS_IP_LONG')),
        HostNames: records.flatMap((r) => textOf(r, 'KLHST_WKS_DN')),
        HostIDs: records.flatMap((r) => textOf(r, 'KLHST_WKS_HOSTNAME')),
        TotalHostCount: total,
      },
      result: summaryTable('List Hosts', { 'Hosts Count': records.length }),
      errors: [],
    };
  },
  async *stream(ctx, query) {
    for await (const page of streamHostsWire(ctx, findOptions(query)))
      yield* page.records.map(hostContextRecord);
  },
};
