/**
 * Directory enrichment in a pipeline: the source's pages pass through the identity cache before the mapping sees
 * them, so the mapping's lookup answers from memory — one directory query per user not seen lately, never one per
 * event (decision 0064).
 */
import { IdentityCache, type IdentityCacheOptions } from '../directory/enrichment.ts';
import type { DirectoryQueries } from '../directory/queries.ts';
import { userReferenceOf, type MappingLookups } from './mappings/index.ts';
import type { UserReference } from '../directory/enrichment.ts';
import type { Source } from './types.ts';

export interface IdentityLookups {
  /** The source whose every page is looked up before it is returned. */
  readonly source: Source;
  /** What the mapping is made with. */
  readonly lookups: MappingLookups;
}

/** Wraps a source so the users its pages name are known to the returned lookups when the mapping runs. */
export function withIdentityLookups(
  source: Source,
  directory: DirectoryQueries,
  options: IdentityCacheOptions = {},
): IdentityLookups {
  const cache = new IdentityCache(directory, options);
  return {
    source: {
      type: source.type,
      async next(cursor, limit, signal) {
        const batch = await source.next(cursor, limit, signal);
        const references = batch.records
          .map(userReferenceOf)
          .filter((r): r is UserReference => r !== undefined);
        if (references.length > 0) await cache.prepare(references);
        return batch;
      },
      close: () => source.close(),
    },
    lookups: { identity: (reference) => cache.get(reference) },
  };
}
