import type { Context, Hono } from 'hono';
import type { ResourceSpec } from '../query/index.ts';
import type { DocumentTable } from '../store/documents.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';
import { notFound, parseId } from './errors.ts';
import { answerPage } from './paging.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Answers one stored document as it is stored, or 404 naming what was asked for. */
export async function answerDocument<T>(
  c: Context<KicsEnv>,
  table: DocumentTable<T>,
  what: string,
): Promise<Response> {
  const id = parseId(c.req.param('id') ?? '');
  const text = await table.getText(id);
  if (text === undefined) throw notFound(what, id);
  return c.body(text, 200, { 'Content-Type': JSON_TYPE });
}

/** `POST <path>/query` and `GET <path>/{id}` of a resource that is only read through the API. */
export function registerReadRoutes<T>(
  api: Hono<KicsEnv>,
  deps: RouteDependencies,
  route: { path: string; what: string; table: DocumentTable<T>; resource: ResourceSpec<T>; single: boolean },
): void {
  const read = deps.guard('read');
  api.post(`${route.path}/query`, read, (c) => answerPage(c, route.table, route.resource));
  if (route.single) api.get(`${route.path}/:id`, read, (c) => answerDocument(c, route.table, route.what));
}
