import { z } from 'zod';
import { KconnectError } from '../errors.ts';
import { filter } from '../ksc/filter/index.ts';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import { inputs } from './inputs.ts';
import { ipv4FromLong, ipv4ToLong } from './ipv4.ts';
import { wireRecords } from './plain.ts';
import { errorEntry, invalidInput, statusOf } from './result.ts';
import type { CommandContext, CommandDefinition, CommandErrorEntry, PlainJson } from './types.ts';

/** Hosts as `HostGroup.FindHosts` answered: wire items for `raw`, the same records decoded, and KSC's count. */
export interface WireHosts {
  readonly items: readonly WireJson[];
  readonly records: readonly KlParams[];
  /** `PxgRetVal` of FindHosts: how many hosts matched, even beyond `limit`. */
  readonly total: number;
}

const PAGE = 500;

/**
 * `HostGroup.FindHosts` read through its ChunkAccessor, keeping each page's wire items beside the decoded
 * records (commands return the wire shape as `raw`). The accessor is released even when a page fails.
 */
export async function findHostsWire(
  ctx: CommandContext,
  options: { readonly filter: string; readonly fields: readonly string[]; readonly limit: number },
): Promise<WireHosts> {
  const found = await ctx.ksc.callWire('HostGroup.FindHosts', {
    wstrFilter: options.filter,
    vecFieldsToReturn: [...options.fields],
    vecFieldsToOrder: [],
    pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
    lMaxLifeTime: 120,
  });
  const strAccessor = found.reply.strAccessor;
  const items: WireJson[] = [];
  const records: KlParams[] = [];
  try {
    while (records.length < options.limit) {
      const page = await ctx.ksc.callWire('ChunkAccessor.GetItemsChunk', {
        strAccessor,
        nStart: records.length,
        nCount: Math.min(PAGE, options.limit - records.length),
      });
      const decoded = page.reply.pChunk.KLCSP_ITERATOR_ARRAY;
      if (decoded.length === 0) break;
      items.push(...wireRecords(page.wire['pChunk'], 'KLCSP_ITERATOR_ARRAY'));
      records.push(...decoded);
    }
  } finally {
    await ctx.ksc.call('ChunkAccessor.Release', { strAccessor }).catch(() => undefined);
  }
  return { items, records, total: found.reply.PxgRetVal };
}

/** Which attribute of a host a reference matched. */
export type MatchedBy = 'id' | 'displayName' | 'fqdn' | 'ip';

/** The attributes a host reference is compared with; callers add what else they need. */
export const REFERENCE_FIELDS = [
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_FQDN',
  'KLHST_WKS_IP_LONG',
] as const;

/** Hosts one reference may name at most before the answer stops being useful; more are counted, not read. */
export const MAX_REFERENCE_MATCHES = 100;

export interface ReferenceLookup extends WireHosts {
  /**
   * The hosts the reference names: an id match alone when there is one (ids are unique), else every match.
   * Each entry is an index into `records` / `items`.
   */
  readonly named: readonly number[];
}

function text(record: KlParams, name: string): string {
  const value = record[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Every host a reference names, by id (`KLHST_WKS_HOSTNAME`), display name, FQDN or IPv4 address, compared
 * literally and case-insensitively (as `findHostsByReference`), returned in the wire shape too. `fields` must
 * include {@link REFERENCE_FIELDS}.
 */
export async function lookupHostReference(
  ctx: CommandContext,
  reference: string,
  fields: readonly string[],
  field = 'hosts',
): Promise<ReferenceLookup> {
  const ref = reference.trim();
  if (ref === '') throw invalidInput(field, 'empty');
  const ip = ipv4ToLong(ref);
  const byReference = filter.or(
    filter.eq('KLHST_WKS_HOSTNAME', ref),
    filter.eq('KLHST_WKS_DN', ref),
    filter.eq('KLHST_WKS_FQDN', ref),
    ...(ip === undefined ? [] : [filter.eq('KLHST_WKS_IP_LONG', ip)]),
  );
  const found = await findHostsWire(ctx, {
    filter: byReference.text,
    fields: [...new Set([...REFERENCE_FIELDS, ...fields])],
    limit: MAX_REFERENCE_MATCHES,
  });
  const all = found.records.map((_, i) => i);
  const exact = all.filter(
    (i) => text(found.records[i]!, 'KLHST_WKS_HOSTNAME').toLowerCase() === ref.toLowerCase(),
  );
  return { ...found, named: exact.length > 0 ? exact : all };
}

/** The attributes of `record` that equal `reference` (case-insensitively; an IP by its number). */
export function matchedBy(record: KlParams, reference: string): MatchedBy[] {
  const ref = reference.trim().toLowerCase();
  const out: MatchedBy[] = [];
  if (text(record, 'KLHST_WKS_HOSTNAME').toLowerCase() === ref) out.push('id');
  if (text(record, 'KLHST_WKS_DN').toLowerCase() === ref) out.push('displayName');
  if (text(record, 'KLHST_WKS_FQDN').toLowerCase() === ref) out.push('fqdn');
  const ip = ipv4FromLong(record['KLHST_WKS_IP_LONG']);
  const wanted = ipv4ToLong(reference);
  if (ip !== null && wanted !== undefined && ipv4ToLong(ip) === wanted) out.push('ip');
  return out;
}

/** The names an error message gives a host: display name and id. */
export function describeHost(record: KlParams): string {
  const ip = ipv4FromLong(record['KLHST_WKS_IP_LONG']);
  return `${text(record, 'KLHST_WKS_DN')} (${text(record, 'KLHST_WKS_HOSTNAME')}${ip === null ? '' : `, ${ip}`})`;
}

export function notFoundHost(reference: string): KconnectError {
  return new KconnectError('NOT_FOUND', `No host is named "${reference}" (by id, name, FQDN or IP)`);
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the items' order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One outcome per reference: settled, never thrown, so one bad reference cannot hide the others' data. */
export type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export async function settle<T>(work: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Requests in flight per command: enough to hide round trips, few enough not to load the server. */
export const CONCURRENCY = 4;

const input = z.object({
  hosts: inputs
    .hosts()
    .describe(
      'Host references to resolve, each a host id (KLHST_WKS_HOSTNAME), display name, FQDN or IPv4 address',
    ),
});

const keyFields = z.object({
  HostIDs: z.array(z.string()),
  ResolvedReferences: z.array(z.string()),
  AmbiguousReferences: z.array(z.string()),
  UnknownReferences: z.array(z.string()),
});

type Outcome = 'unique' | 'ambiguous' | 'not found';

/** `Resolve Host` (beyond seed 001): which hosts each reference names, and by which attribute. */
export const resolveHost: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'resolve_host',
  title: 'Resolve Host',
  description:
    'Turns host references — ids (KLHST_WKS_HOSTNAME), display names, FQDNs or IPv4 addresses, in any mix — ' +
    'into the host ids the other commands take, and reports for each reference which hosts it matched and by ' +
    'which attribute (id, displayName, fqdn, ip), and whether it is unique, ambiguous (several hosts; name ' +
    'one by its id) or unknown. Comparison is literal and case-insensitive: wildcards are ordinary characters. ' +
    'An exact id match wins over other matches. Use it before destructive commands, which refuse ambiguous ' +
    'names. An unknown reference is reported as a 404 error for that item; the others still resolve. Read-only.',
  input,
  keyFields,
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [{ product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] }],
  kscMethods: ['HostGroup.FindHosts', 'ChunkAccessor.GetItemsChunk', 'ChunkAccessor.Release'],
  example: { hosts: ['BR01-WS-0001', '10.5.1.2'] },
  async run(ctx, { hosts }) {
    const lookups = await mapLimited(hosts, CONCURRENCY, (reference) =>
      settle(lookupHostReference(ctx, reference, REFERENCE_FIELDS, 'hosts')),
    );
    const raw: WireJson[] = [];
    const context: PlainJson[] = [];
    const errors: CommandErrorEntry[] = [];
    const rows: PlainJson[][] = [];
    const ids: string[] = [];
    const resolved: string[] = [];
    const ambiguous: string[] = [];
    const unknown: string[] = [];
    hosts.forEach((reference, index) => {
      const lookup = lookups[index]!;
      if (!lookup.ok) {
        errors.push(errorEntry(resolveHost.title, lookup.error, reference));
        return;
      }
      const { items, records, total, named } = lookup.value;
      raw.push({ reference, pChunk: { KLCSP_ITERATOR_ARRAY: [...items] }, PxgRetVal: total });
      const outcome: Outcome = named.length === 0 ? 'not found' : named.length === 1 ? 'unique' : 'ambiguous';
      const matches = named.map((i) => {
        const record = records[i]!;
        return {
          hostId: text(record, 'KLHST_WKS_HOSTNAME'),
          displayName: text(record, 'KLHST_WKS_DN'),
          fqdn: text(record, 'KLHST_WKS_FQDN'),
          ip: ipv4FromLong(record['KLHST_WKS_IP_LONG']),
          matchedBy: matchedBy(record, reference),
        };
      });
      context.push({ reference, outcome, matchCount: total, matches });
      if (outcome === 'not found') {
        unknown.push(reference);
        errors.push(errorEntry(resolveHost.title, notFoundHost(reference), reference));
        rows.push([reference, outcome, null, null, null, null]);
        return;
      }
      (outcome === 'unique' ? resolved : ambiguous).push(reference);
      for (const match of matches) {
        if (!ids.includes(match.hostId)) ids.push(match.hostId);
        rows.push([
          reference,
          outcome,
          match.hostId,
          match.displayName,
          match.ip,
          match.matchedBy.join(', '),
        ]);
      }
    });
    return {
      status: statusOf(resolved.length + ambiguous.length, errors.length),
      raw: { results: raw },
      context,
      keyFields: {
        HostIDs: ids,
        ResolvedReferences: resolved,
        AmbiguousReferences: ambiguous,
        UnknownReferences: unknown,
      },
      result: {
        title: 'Resolve Host',
        columns: ['Reference', 'Outcome', 'Host ID', 'Host Name', 'IP Address', 'Matched By'],
        rows,
      },
      errors,
    };
  },
};
