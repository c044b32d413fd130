import { z } from 'zod';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import { inputs } from './inputs.ts';
import { ipv4FromLong } from './ipv4.ts';
import { toPlain, wireRecords } from './plain.ts';
import { summaryTable } from './result.ts';
import type { CommandDefinition, PlainJson } from './types.ts';

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
  fields: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an attribute name'))
    .min(1)
    .max(100)
    .optional()
    .describe("Host attributes to return; default: those of seed 001's sample"),
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

/** `List Hosts` (seed 001): `HostGroup.FindHosts`, then its ChunkAccessor page by page up to `limit`. */
export const listHosts: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'list_hosts',
  title: 'List Hosts',
  description:
    'Lists managed hosts with their attributes (id, name, FQDN, IP, OS, status, real-time protection state), ' +
    'optionally narrowed by a KSC search filter. Use it to find host ids for the other commands. Returns at ' +
    'most `limit` hosts and the total number that matched.',
  input,
  keyFields,
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [{ product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] }],
  kscMethods: ['HostGroup.FindHosts', 'ChunkAccessor.GetItemsChunk', 'ChunkAccessor.Release'],
  example: { filter: '(KLHST_WKS_STATUS_ID = 2)', limit: 10 },
  async run(ctx, { filter, limit, fields }) {
    const found = await ctx.ksc.callWire('HostGroup.FindHosts', {
      wstrFilter: filter,
      vecFieldsToReturn: [...(fields ?? HOST_LIST_FIELDS)],
      vecFieldsToOrder: [],
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
      lMaxLifeTime: 300,
    });
    const strAccessor = found.reply.strAccessor;
    const items: WireJson[] = [];
    const records: KlParams[] = [];
    try {
      while (records.length < limit) {
        const page = await ctx.ksc.callWire('ChunkAccessor.GetItemsChunk', {
          strAccessor,
          nStart: records.length,
          nCount: Math.min(PAGE, limit - records.length),
        });
        const decoded = page.reply.pChunk.KLCSP_ITERATOR_ARRAY;
        if (decoded.length === 0) break;
        items.push(...wireRecords(page.wire['pChunk'], 'KLCSP_ITERATOR_ARRAY'));
        records.push(...decoded);
      }
    } finally {
      await ctx.ksc.call('ChunkAccessor.Release', { strAccessor }).catch(() => undefined);
    }
    const context = records.map((record) => ({
      ...(toPlain(record) as Record<string, PlainJson>),
      ipAddress: ipv4FromLong(record['KLHST_WKS_IP_LONG']),
    }));
    const text = (record: KlParams, name: string) => {
      const value = record[name];
      return typeof value === 'string' ? [value] : [];
    };
    return {
      status: 'Successful',
      raw: { pChunk: { KLCSP_ITERATOR_ARRAY: items }, PxgRetVal: found.reply.PxgRetVal },
      context,
      keyFields: {
        AgentIDs: records.flatMap((r) => text(r, 'KLHST_INSTANCEID')),
        HostIPs: context.flatMap((c) => (c.ipAddress === null ? [] : [c.ipAddress])),
        LongHostIPs: records.flatMap((r) => {
          const ip = toPlain(r['KLHST_WKS_IP_LONG']);
          return typeof ip === 'number' ? [ip] : [];
        }),
        HostNames: records.flatMap((r) => text(r, 'KLHST_WKS_DN')),
        HostIDs: records.flatMap((r) => text(r, 'KLHST_WKS_HOSTNAME')),
        TotalHostCount: found.reply.PxgRetVal,
      },
      result: summaryTable('List Hosts', { 'Hosts Count': records.length }),
      errors: [],
    };
  },
};
