import type { Page } from '../model.ts';
import { MAX_LIMIT, RESOURCE_SPECS, type QueryDocuments, type QueryResource } from '../query/index.ts';
import type { KicsClient } from './client.ts';
import { KicsClientError } from './errors.ts';
import { sortEntry, type KicsOperationName } from './operations.ts';
import type { KicsFilterItem, KicsQueryArgument } from './types.ts';

const QUERY_OPERATION: { readonly [R in QueryResource]: KicsOperationName } = {
  'allow-rules': 'queryAllowRules',
  'application-messages': 'queryApplicationMessages',
  'audit-messages': 'queryAuditMessages',
  devices: 'queryDevices',
  events: 'queryEvents',
  tags: 'queryTags',
  vulnerabilities: 'queryVulnerabilities',
};

export interface PagingOptions {
  /** Items per request, 1…1000. Default 1000 (the seed's maximum). */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /**
   * Events only: start after this id (a checkpoint), instead of at the beginning. Events are always read by the
   * keyset pattern of spec §9 — `id > last`, sorted by id ascending — so events recorded meanwhile never shift a
   * page: none is read twice, none is missed.
   */
  readonly afterId?: number;
}

/*
 * Pages are dropped as soon as they are handed over. A suspended generator keeps the values of its variables, those
 * of an earlier turn of its loop too, until they are overwritten, which happens only once the next page has
 * arrived; `for await` keeps its last result the same way. Without the explicit `= undefined` below, the page last
 * yielded (and the one before it, held one level up) stays reachable while the next one is read and parsed: with
 * 1,000 events a page is some 4 MB of objects, so streaming would hold three pages instead of one.
 */

function pageSizeOf(options: PagingOptions): number {
  const size = options.pageSize ?? MAX_LIMIT;
  if (!Number.isInteger(size) || size < 1 || size > MAX_LIMIT)
    throw new KicsClientError('INVALID_INPUT', `pageSize: an integer from 1 to ${MAX_LIMIT}`);
  return size;
}

async function page<R extends QueryResource>(
  client: KicsClient,
  resource: R,
  query: KicsQueryArgument,
  signal: AbortSignal | undefined,
): Promise<readonly QueryDocuments[R][]> {
  const answer = (await client.call(
    QUERY_OPERATION[resource],
    { query },
    signal === undefined ? {} : { signal },
  )) as Page<QueryDocuments[R]> | undefined;
  if (answer === undefined || !Array.isArray(answer.values))
    throw new KicsClientError('UPSTREAM_ERROR', `${QUERY_OPERATION[resource]}: the answer has no values`, {
      operation: QUERY_OPERATION[resource],
    });
  return answer.values;
}

/**
 * The pages of a query, one request each, until a short page (the API gives no total, spec Q7). Devices, rules,
 * tags, vulnerabilities and logs page by offset, sorted by their key ascending unless the query sorts; events by
 * keyset (see {@link PagingOptions.afterId}). The query's own `offset` is where offset paging starts; its `limit`
 * is ignored (use `pageSize`).
 *
 * @example
 * for await (const devices of pages(kics, 'devices', kicsQuery('devices').where('status', '=', 'Unauthorized').build())) …
 */
export async function* pages<R extends QueryResource>(
  client: KicsClient,
  resource: R,
  query: KicsQueryArgument = {},
  options: PagingOptions = {},
): AsyncGenerator<readonly QueryDocuments[R][], void, undefined> {
  const limit = pageSizeOf(options);
  const spec = RESOURCE_SPECS[resource];
  if (resource === 'events') {
    yield* keysetPages(client, query, limit, options) as AsyncGenerator<readonly QueryDocuments[R][]>;
    return;
  }
  const sort = query.sort ?? [sortEntry(spec.sortColumn, false)];
  for (let offset = query.offset ?? 0; ;) {
    let values: readonly QueryDocuments[R][] | undefined = await page(
      client,
      resource,
      { ...query, sort, offset, limit },
      options.signal,
    );
    const count = values.length;
    if (count > 0) yield values;
    // eslint-disable-next-line no-useless-assignment -- read by the collector: see "Pages are dropped" above
    values = undefined;
    if (count < limit) return;
    // Advance by what came back, never by what was asked for.
    offset += count;
  }
}

async function* keysetPages(
  client: KicsClient,
  query: KicsQueryArgument,
  limit: number,
  options: PagingOptions,
): AsyncGenerator<readonly QueryDocuments['events'][], void, undefined> {
  const filter: readonly KicsFilterItem[] = query.filter ?? [];
  let last = options.afterId;
  for (;;) {
    // The id bound goes last: the server folds left to right, so `(the caller's filter) and id > last`.
    const bounded: KicsFilterItem[] =
      last === undefined
        ? [...filter]
        : [...filter, { field: 'id', condition: '>', value: last, operator: 'and' }];
    let values: readonly QueryDocuments['events'][] | undefined = await page(
      client,
      'events',
      { filter: bounded, sort: [sortEntry('id', false)], offset: 0, limit },
      options.signal,
    );
    const count = values.length;
    if (count > 0) {
      yield values;
      last = values[count - 1]!.id;
    }
    // eslint-disable-next-line no-useless-assignment -- read by the collector: see "Pages are dropped" above
    values = undefined;
    if (count < limit) return;
  }
}

/** Every item of a query, one by one (see {@link pages}). */
export async function* all<R extends QueryResource>(
  client: KicsClient,
  resource: R,
  query: KicsQueryArgument = {},
  options: PagingOptions = {},
): AsyncGenerator<QueryDocuments[R], void, undefined> {
  const source = pages(client, resource, query, options);
  try {
    for (;;) {
      // Neither the iterator's result nor the page is kept past its items: see "Pages are dropped" above.
      let next: IteratorResult<readonly QueryDocuments[R][]> | undefined = await source.next();
      if (next.done === true) return;
      let values: readonly QueryDocuments[R][] | undefined = next.value;
      next = undefined;
      for (let index = 0; index < values.length; index++) yield values[index]!;
      values = undefined;
    }
  } finally {
    // A consumer that stops early (break, throw) ends the paging too, as `for await` would.
    await source.return();
  }
}
