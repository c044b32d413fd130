import type { Context } from 'hono';
import { checkJsonNesting } from '../../core/json-nesting.ts';
import type { KicsEnv } from './env.ts';
import { incorrectParameters, KicsApiError } from './errors.ts';

/**
 * Content types the server takes JSON in. The real server appears to be ASP.NET Core (spec §1), which accepts
 * these by default; the one real client found sends `application/json-patch+json`.
 */
const JSON_TYPES = /^(application\/(json|[\w.+-]*\+json)|text\/json)\s*(;|$)/i;

/**
 * The request's JSON body; `undefined` for an empty one. Another content type is a 415, text that is not JSON
 * (or nests absurdly deep) "Incorrect parameters" naming the body.
 */
export async function readJsonBody(c: Context<KicsEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  const type = c.req.header('Content-Type') ?? '';
  if (!JSON_TYPES.test(type)) {
    throw new KicsApiError(415, {
      errorMessage: `Unsupported content type ${JSON.stringify(type)}: send application/json`,
    });
  }
  try {
    checkJsonNesting(text, 64);
    return JSON.parse(text) as unknown;
  } catch {
    throw incorrectParameters('body', 'not valid JSON');
  }
}

/** A body that must be a JSON object. */
export async function readJsonObject(c: Context<KicsEnv>): Promise<Record<string, unknown>> {
  const body = await readJsonBody(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw incorrectParameters('body', body === undefined ? '(empty)' : body);
  return body as Record<string, unknown>;
}
