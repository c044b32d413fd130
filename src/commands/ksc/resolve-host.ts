import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import { CONCURRENCY, mapLimited, settle } from '../core/concurrency.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import {
  HOST_LOOKUP_METHODS,
  hostNotFound,
  hostOf,
  lookupHostReference,
  matchedBy,
  REFERENCE_FIELDS,
} from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';

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
export const resolveHost: KscCommand<typeof input, typeof keyFields> = {
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
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: HOST_LOOKUP_METHODS,
  },
  hints: { cliAliases: { hosts: 'host' }, targetFields: ['hosts'] },
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
        const host = hostOf(record);
        return {
          hostId: host.id,
          displayName: host.displayName,
          fqdn: host.fqdn,
          ip: host.ip,
          matchedBy: matchedBy(record, reference),
        };
      });
      context.push({ reference, outcome, matchCount: total, matches });
      if (outcome === 'not found') {
        unknown.push(reference);
        errors.push(errorEntry(resolveHost.title, hostNotFound(reference), reference));
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
