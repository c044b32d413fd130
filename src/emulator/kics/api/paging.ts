import type { Context } from 'hono';
import type { KicsEnv } from './env.ts';
import {
  compileFilter,
  IncorrectParametersError,
  keyBounds,
  parseQueryArgument,
  type KicsQuery,
  type ResourceSpec,
} from '../query/index.ts';
import type { DocumentTable, ScanPlan } from '../store/documents.ts';
import { readJsonBody } from './body.ts';
import { KicsApiError } from './errors.ts';

/** The query argument of a `…/query` call, checked against the resource's fields; refusals as KICS words them. */
export async function readQuery<T>(c: Context<KicsEnv>, resource: ResourceSpec<T>): Promise<KicsQuery> {
  const body = await readJsonBody(c);
  try {
    return parseQueryArgument(body ?? null, resource);
  } catch (error) {
    if (error instanceof IncorrectParametersError)
      throw new KicsApiError(400, { errorMessage: error.message });
    throw error;
  }
}

/** How the store reads the page a query asks for: the key range in SQL, the rest of the filter on documents. */
export function scanPlanOf<T>(query: KicsQuery, resource: ResourceSpec<T>): ScanPlan<T> {
  const bounds = keyBounds(query, resource);
  return {
    range: { lower: bounds.lower, upper: bounds.upper, ids: bounds.ids },
    // Only the key can be sorted on (seed 002); unsorted pages come in key order, so paging is stable (Q2).
    descending: query.sort.descending,
    offset: query.offset ?? 0,
    limit: query.limit,
    matches: bounds.exact ? undefined : compileFilter(query, resource),
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Answers a `…/query` call with seed 002's page `{offset, limit, values}`, the request's offset and limit echoed
 * (null when absent, Q6). The documents are written as stored; a page without a limit ("all data beginning from
 * the offset") is streamed, so a million events never sit in memory at once.
 */
export async function answerPage<T>(
  c: Context<KicsEnv>,
  table: DocumentTable<T>,
  resource: ResourceSpec<T>,
): Promise<Response> {
  const query = await readQuery(c, resource);
  const plan = scanPlanOf(query, resource);
  const head = `{"offset":${JSON.stringify(query.offset)},"limit":${JSON.stringify(query.limit)},"values":[`;
  if (query.limit !== null) {
    const texts = await table.page(plan);
    return c.body(`${head}${texts.join(',')}]}`, 200, { 'Content-Type': JSON_TYPE });
  }
  const rows = table.scan(plan);
  const encoder = new TextEncoder();
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(head));
    },
    async pull(controller) {
      // A batch per pull: one enqueue per document would cost more than the documents.
      const batch: string[] = [];
      for (let i = 0; i < 500; i++) {
        const next = await rows.next();
        if (next.done === true) {
          if (batch.length > 0) controller.enqueue(encoder.encode((first ? '' : ',') + batch.join(',')));
          controller.enqueue(encoder.encode(']}'));
          controller.close();
          return;
        }
        batch.push(next.value);
      }
      controller.enqueue(encoder.encode((first ? '' : ',') + batch.join(',')));
      first = false;
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return c.body(stream, 200, { 'Content-Type': JSON_TYPE });
}
