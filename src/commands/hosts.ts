import { KconnectError } from '../errors.ts';
import { findHosts } from '../ksc/client/iterators.ts';
import { filter } from '../ksc/filter/index.ts';
import type { KlParams } from '../ksc/values.ts';
import { ipv4FromLong, ipv4ToLong } from './ipv4.ts';
import { invalidInput } from './result.ts';
import type { CommandContext } from './types.ts';

/** A host as commands name it: its id, display name, FQDN and address. */
export interface ResolvedHost {
  /** `KLHST_WKS_HOSTNAME`, the id KSC methods take. */
  readonly id: string;
  readonly displayName: string;
  readonly fqdn: string;
  readonly ip: string | null;
}

const MATCH_FIELDS = ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_DN', 'KLHST_WKS_FQDN', 'KLHST_WKS_IP_LONG'];
/** Enough to show which hosts an ambiguous name matched; a name matching more is refused anyway. */
const MAX_MATCHES = 20;
const WILDCARD = /[*?[\]]/;

function describe(host: ResolvedHost): string {
  return `${host.displayName} (${host.id}${host.ip === null ? '' : `, ${host.ip}`})`;
}

function resolved(record: KlParams): ResolvedHost {
  const text = (name: string) => {
    const value = record[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    id: text('KLHST_WKS_HOSTNAME'),
    displayName: text('KLHST_WKS_DN'),
    fqdn: text('KLHST_WKS_FQDN'),
    ip: ipv4FromLong(record['KLHST_WKS_IP_LONG']),
  };
}

/**
 * Every host a reference names: by id (`KLHST_WKS_HOSTNAME`), display name, FQDN or IPv4 address, compared
 * literally and case-insensitively (a `*` in the reference is a character, not a wildcard). An id match wins
 * over the others, as ids are unique.
 */
export async function findHostsByReference(
  ctx: CommandContext,
  reference: string,
  field = 'hostId',
): Promise<ResolvedHost[]> {
  const ref = reference.trim();
  if (ref === '') throw invalidInput(field, 'empty');
  const ip = ipv4ToLong(ref);
  const byName = filter.or(
    filter.eq('KLHST_WKS_HOSTNAME', ref),
    filter.eq('KLHST_WKS_DN', ref),
    filter.eq('KLHST_WKS_FQDN', ref),
    ...(ip === undefined ? [] : [filter.eq('KLHST_WKS_IP_LONG', ip)]),
  );
  const records = await findHosts(ctx.ksc, {
    filter: byName.text,
    fields: MATCH_FIELDS,
    pageSize: MAX_MATCHES + 1,
    lifetimeSeconds: 60,
  }).toArray({ limit: MAX_MATCHES + 1 });
  const hosts = records.map(resolved);
  const exact = hosts.filter((h) => h.id.toLowerCase() === ref.toLowerCase());
  return exact.length > 0 ? exact : hosts;
}

/**
 * The one host a reference names, for commands that act on it. Wildcards are refused outright; no match is a
 * `NOT_FOUND`; several matches are a `CONFLICT` that lists them, so the caller can name one by its id.
 */
export async function resolveOneHost(
  ctx: CommandContext,
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
  if (hosts.length === 0) {
    throw new KconnectError('NOT_FOUND', `No host is named "${reference}" (by id, name, FQDN or IP)`);
  }
  if (hosts.length > 1) {
    const shown = hosts.slice(0, MAX_MATCHES).map(describe).join('; ');
    const more = hosts.length > MAX_MATCHES ? ' and more' : '';
    throw new KconnectError(
      'CONFLICT',
      `"${reference}" names ${hosts.length}${more} hosts: ${shown}. Name one by its id.`,
    );
  }
  return hosts[0]!;
}
