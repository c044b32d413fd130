import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { KconnectError } from '../../errors.ts';
import type { EmulatorEnv } from './server.ts';

/** The default cap of a request body: several times the largest KLOAPI call a client makes, far from 20 MB. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Throws an `INVALID_INPUT` error unless `bytes` is a usable body limit (a positive whole number). */
export function checkMaxBodyBytes(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 1)
    throw new KconnectError('INVALID_INPUT', 'maxBodyBytes: a whole number of bytes, at least 1');
}

/** What a too-large request is told: the limit, so an operator knows what to raise. */
export function tooLargeMessage(maxBytes: number): string {
  return `Request body too large: the limit is ${maxBytes} bytes (--max-body-bytes)`;
}

/**
 * Refuses request bodies beyond `maxBytes` with HTTP 413 before reading them into memory: by `Content-Length`
 * when the client sends one, otherwise by counting the stream, which stops at the limit. `answer` shapes the
 * refusal as the API it guards answers errors; the connection closes after it.
 */
export function limitBody(
  maxBytes: number,
  answer: (c: Context<EmulatorEnv>, message: string) => Response,
): MiddlewareHandler<EmulatorEnv> {
  checkMaxBodyBytes(maxBytes);
  const refuse = (c: Context<EmulatorEnv>): Response => {
    // The rest of the body is still on its way: the connection cannot carry another request, so it closes.
    c.header('Connection', 'close');
    return answer(c, tooLargeMessage(maxBytes));
  };
  const counting = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return async (c, next) => {
    // The common case decided from the headers alone: asking the request for its body stream (as the counting
    // limit must) turns the server's lightweight request into a full web Request, a third of a call's CPU.
    const length = c.req.header('Content-Length');
    if (length !== undefined && c.req.header('Transfer-Encoding') === undefined && /^\d+$/.test(length)) {
      if (Number(length) > maxBytes) return refuse(c);
      await next();
      return;
    }
    return counting(c, next);
  };
}
