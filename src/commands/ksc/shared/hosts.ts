import type { KscContext } from './vendor.ts';
import { KconnectError } from '../../../errors.ts';
import { findHosts } from '../../../ksc/client/iterators.ts';
import { filter, type FilterExpression } from '../../../ksc/filter/index.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { ipv4FromLong, ipv4ToLong } from './ipv4.ts';
import { collectPages, streamAccessorWire, type WirePage, type WireRecords } from './pages.ts';
import { toPlain } from './plain.ts';
import { textAttr } from './records.ts';
import { invalidInput } from '../../core/result.ts';
import { refuseControlCharacters } from '../../core/search-text.ts';

/** A host as commands name it: its id, display name, FQDN and address. */
export interface ResolvedHost {
  /** `KLHST_WKS_HOSTNAME`, the id KSC methods take. */
  readonly id: string;
  readonly displayName: string;
  readonly fqdn: string;
  readonly ip: string | null;
}

/** The attributes a host reference is compared with; callers add what else they need. */
export const REFERENCE_FIELDS = [
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_FQDN',
  'KLHST_WKS_IP_LONG',
] as const;

/** The KSC methods a host lookup calls, for the `kscMethods` of the commands that name hosts. */
export const HOST_LOOKUP_METHODS: readonly string[] = [
  'HostGroup.FindHosts',
  'ChunkAccessor.GetItemsChunk',
  'ChunkAccessor.Release',
];

/** Enough to show which hosts an ambiguous name matched; a name matching more is refused anyway. */
const MAX_MATCHES = 20;
/** Hosts one reference may name at most before the answer stops being useful; more are counted, not read. */
export const MAX_REFERENCE_MATCHES = 100;
const WILDCARD = /[*?[\]]/;

export function hostOf(record: KlParams): ResolvedHost {
  return {
    id: textAttr(record, 'KLHST_WKS_HOSTNAME'),
    displayName: textAttr(record, 'KLHST_WKS_DN'),
    fqdn: textAttr(record, 'KLHST_WKS_FQDN'),
    ip: ipv4FromLong(record['KLHST_WKS_IP_LONG']),
  };
}

/** The names an error message gives a host: display name, id and address. */
export function describeHost(host: ResolvedHost): string {
  return `${host.displayName} (${host.id}${host.ip === null ? '' : `, ${host.ip}`})`;
}

/**
 * No host answers to a reference. `scopeHint` adds the likely cause besides a typo: an account without the
 * Managed devices scope finds no hosts at all (seed 001's setup guide).
 */
export function hostNotFound(
  reference: string,
  options: { readonly scopeHint?: boolean } = {},
): KconnectError {
  return new KconnectError(
    'NOT_FOUND',
    `No host is named "${reference}" (by id, name, FQDN or IP)` +
      (options.scopeHint === true
        ? ". If no host is found at all, the account's role may lack the Managed devices scope: run Test Connection"
        : ''),
  );
}

/** Several hosts answer to a reference meant to name one: list them (the first `listed`), so one can be named by id. */
function ambiguousHost(reference: string, hosts: readonly ResolvedHost[], listed: number): KconnectError {
  const shown = hosts.slice(0, listed).map(describeHost).join('; ');
  const more = hosts.length > listed ? ' and more' : '';
  return new KconnectError(
    'CONFLICT',
    `"${reference}" names ${hosts.length}${more} hosts: ${shown}. Name one by its id.`,
  );
}

/**
 * The search for what a reference may name: its id (`KLHST_WKS_HOSTNAME`), display name, FQDN or IPv4
 * address, compared literally (a `*` in the reference is a character, not a wildcard).
 */
function referenceSearch(
  reference: string,
  field: string,
): { readonly ref: string; readonly filter: string } {
  const ref = reference.trim();
  if (ref === '') throw invalidInput(field, 'empty');
  refuseControlCharacters(ref, field);
  const ip = ipv4ToLong(ref);
  const byReference = filter.or(
    filter.eq('KLHST_WKS_HOSTNAME', ref),
    filter.eq('KLHST_WKS_DN', ref),
    filter.eq('KLHST_WKS_FQDN', ref),
    ...(ip === undefined ? [] : [filter.eq('KLHST_WKS_IP_LONG', ip)]),
  );
  return { ref, filter: byReference.text };
}

/** Of the hosts a search found, those the reference names: an id match alone when there is one (ids are unique). */
function namedIndices(records: readonly KlParams[], ref: string): number[] {
  const all = records.map((_, i) => i);
  const wanted = ref.toLowerCase();
  const exact = all.filter((i) => textAttr(records[i], 'KLHST_WKS_HOSTNAME').toLowerCase() === wanted);
  return exact.length > 0 ? exact : all;
}

/**
 * Every host a reference names: by id (`KLHST_WKS_HOSTNAME`), display name, FQDN or IPv4 address, compared
 * literally and case-insensitively (a `*` in the reference is a character, not a wildcard). An id match wins
 * over the others, as ids are unique.
 */
export async function findHostsByReference(
  ctx: KscContext,
  reference: string,
  field = 'hostId',
): Promise<ResolvedHost[]> {
  const search = referenceSearch(reference, field);
  const records = await findHosts(ctx.ksc, {
    filter: search.filter,
    fields: REFERENCE_FIELDS,
    pageSize: MAX_MATCHES + 1,
    lifetimeSeconds: 60,
  }).toArray({ limit: MAX_MATCHES + 1 });
  return namedIndices(records, search.ref).map((i) => hostOf(records[i]!));
}

/**
 * The one host a reference names, for commands that act on it. Wildcards are refused outright; no match is a
 * `NOT_FOUND`; several matches are a `CONFLICT` that lists them, so the caller can name one by its id.
 */
export async function resolveOneHost(
  ctx: KscContext,
  reference: string,
  field = 'hostId',
): Promise<ResolvedHost> {
  if (WILDCARD.test(reference)) {
    throw invalidInput(
      field,
      `"${reference}" has wildcard characters; name one host by id, name, FQDN or IP`,
    );
  }
  const hosts = await findHostsByReference(ctx, reference, field);
  if (hosts.length === 0) throw hostNotFound(reference);
  if (hosts.length > 1) throw ambiguousHost(reference, hosts, MAX_MATCHES);
  return hosts[0]!;
}

/**
 * The one host a read is about. Unlike {@link resolveOneHost} it takes the reference literally (a `*` is a
 * character), but it too refuses a name several hosts share, listing every match, rather than guess.
 */
export async function resolveReadHost(
  ctx: KscContext,
  reference: string,
  field: string,
  options: { readonly scopeHint?: boolean } = {},
): Promise<ResolvedHost> {
  const hosts = await findHostsByReference(ctx, reference, field);
  if (hosts.length === 0) throw hostNotFound(reference, options);
  if (hosts.length > 1) throw ambiguousHost(reference, hosts, hosts.length);
  return hosts[0]!;
}

/**
 * The hosts a read names, as a filter on `attribute`: every host the reference matches (a read may cover
 * several), or a NOT_FOUND when it matches none, so an unknown host is never a silent empty list.
 */
export async function hostFilter(
  ctx: KscContext,
  reference: string,
  attribute: string,
  field: string,
): Promise<FilterExpression> {
  const hosts = await findHostsByReference(ctx, reference, field);
  if (hosts.length === 0) throw hostNotFound(reference);
  return filter.or(...hosts.map((h) => filter.eq(attribute, h.id)));
}

/** `KLHST_WKS_STATUS_MASK` bit 9, "Old license" (spec §7.4). */
const OLD_LICENSE = 1 << 9;

/** Whether the host's security application has an expired licence, so that it refuses tasks. */
export async function licenceExpired(ctx: KscContext, hostId: string): Promise<boolean> {
  const info = await ctx.ksc.call('HostGroup.GetHostInfo', {
    strHostName: hostId,
    pFields2Return: ['KLHST_WKS_STATUS_MASK'],
  });
  const mask = toPlain(info.PxgRetVal['KLHST_WKS_STATUS_MASK']);
  return typeof mask === 'number' && (mask & OLD_LICENSE) !== 0;
}

/** Hosts as `HostGroup.FindHosts` answered: wire items for `raw`, the same records decoded, and KSC's count. */
export interface WireHosts extends WireRecords {
  /** `PxgRetVal` of FindHosts: how many hosts matched, even beyond `limit`. */
  readonly total: number;
}

/** What to find with `HostGroup.FindHosts`, and how much of it to read. */
export interface FindHostsOptions {
  readonly filter: string;
  readonly fields: readonly string[];
  readonly limit: number;
  /** `lMaxLifeTime` of the result set, default 120 s. */
  readonly lifetimeSeconds?: number;
  /** Records per page, default 500. */
  readonly pageSize?: number;
  /** Hosts to skip first (paging across calls: give `order` too, so that pages do not overlap). */
  readonly offset?: number;
  /** Attributes to sort by, ascending. Default: the server's order. */
  readonly order?: readonly string[];
}

/** Opens `HostGroup.FindHosts` (this virtual server's hosts): its ChunkAccessor and how many hosts matched. */
async function openFindHosts(
  ctx: KscContext,
  options: FindHostsOptions,
): Promise<{ readonly accessor: string; readonly total: number }> {
  const found = await ctx.ksc.callWire('HostGroup.FindHosts', {
    wstrFilter: options.filter,
    vecFieldsToReturn: [...options.fields],
    vecFieldsToOrder: (options.order ?? []).map((Name) => ({ Name, Asc: true })),
    pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
    lMaxLifeTime: options.lifetimeSeconds ?? 120,
  });
  return { accessor: found.reply.strAccessor, total: found.reply.PxgRetVal };
}

/** The pages of the found hosts' ChunkAccessor, in both shapes. */
function accessorPages(
  ctx: KscContext,
  accessor: string,
  total: number,
  options: FindHostsOptions,
): AsyncGenerator<WirePage> {
  return streamAccessorWire(ctx, accessor, {
    limit: options.limit,
    ...(options.offset === undefined ? {} : { start: options.offset }),
    pageSize: options.pageSize ?? 500,
    label: 'hosts',
    total,
  });
}

/**
 * `HostGroup.FindHosts` (this virtual server's hosts) read through its ChunkAccessor, keeping each page's wire
 * items beside the decoded records (commands return the wire shape as `raw`).
 */
export async function findHostsWire(ctx: KscContext, options: FindHostsOptions): Promise<WireHosts> {
  const { accessor, total } = await openFindHosts(ctx, options);
  const read = await collectPages(accessorPages(ctx, accessor, total, options));
  return { ...read, total };
}

/**
 * The hosts {@link findHostsWire} reads, a page at a time as KSC answers, so that a list of any size never sits
 * in memory whole. The result set is released at the end, on a failure, or when the reader stops.
 */
export async function* streamHostsWire(ctx: KscContext, options: FindHostsOptions): AsyncGenerator<WirePage> {
  const { accessor, total } = await openFindHosts(ctx, options);
  yield* accessorPages(ctx, accessor, total, options);
}

export interface ReferenceLookup extends WireHosts {
  /**
   * The hosts the reference names: an id match alone when there is one (ids are unique), else every match.
   * Each entry is an index into `records` / `items`.
   */
  readonly named: readonly number[];
}

/**
 * Every host a reference names, compared as {@link findHostsByReference} does, returned in the wire shape too
 * with `fields` (besides {@link REFERENCE_FIELDS}).
 */
export async function lookupHostReference(
  ctx: KscContext,
  reference: string,
  fields: readonly string[],
  field = 'hosts',
): Promise<ReferenceLookup> {
  const search = referenceSearch(reference, field);
  const found = await findHostsWire(ctx, {
    filter: search.filter,
    fields: [...new Set([...REFERENCE_FIELDS, ...fields])],
    limit: MAX_REFERENCE_MATCHES,
  });
  return { ...found, named: namedIndices(found.records, search.ref) };
}

/** Which attribute of a host a reference matched. */
export type MatchedBy = 'id' | 'displayName' | 'fqdn' | 'ip';

/** The attributes of `record` that equal `reference` (case-insensitively; an IP by its number). */
export function matchedBy(record: KlParams, reference: string): MatchedBy[] {
  const ref = reference.trim().toLowerCase();
  const host = hostOf(record);
  const out: MatchedBy[] = [];
  if (host.id.toLowerCase() === ref) out.push('id');
  if (host.displayName.toLowerCase() === ref) out.push('displayName');
  if (host.fqdn.toLowerCase() === ref) out.push('fqdn');
  const wanted = ipv4ToLong(reference);
  if (host.ip !== null && wanted !== undefined && ipv4ToLong(host.ip) === wanted) out.push('ip');
  return out;
}
