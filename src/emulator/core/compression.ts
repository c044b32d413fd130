import type { MiddlewareHandler } from 'hono';
import { compress, COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';

const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const VARIES_BY_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/**
 * Hono's `compress` with the same answers, but cheap for clients that accept no encoding. For those, `compress`
 * compresses nothing and only adds `Vary: Accept-Encoding`, yet it adds it with `c.header`, which turns
 * @hono/node-server's lightweight response (a string written straight to the socket) into a web stream: with
 * 1 MB pages of events that cost about a fifth of the emulator's CPU. Here the same header, under the same
 * conditions, is set on the response's own headers, which keeps the lightweight response. A request that names
 * any encoding goes through `compress` itself.
 */
export function compressWhenAccepted(options: { readonly threshold: number }): MiddlewareHandler {
  const compressing = compress({ threshold: options.threshold });
  return async (c, next) => {
    if (c.req.header('Accept-Encoding') !== undefined) return compressing(c, next);
    await next();
    const response = c.res;
    const headers = response.headers;
    const length = headers.get('Content-Length');
    const type = headers.get('Content-Type');
    const cacheControl = headers.get('Cache-Control');
    if (
      response.status === 206 ||
      headers.has('Content-Encoding') ||
      headers.has('Transfer-Encoding') ||
      c.req.method === 'HEAD' ||
      (length !== null && length !== '' && Number(length) < options.threshold) ||
      type === null ||
      type === '' ||
      !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) ||
      (cacheControl !== null && cacheControl !== '' && NO_TRANSFORM.test(cacheControl))
    )
      return;
    const vary = headers.get('Vary');
    if (vary === '*' || (vary !== null && vary !== '' && VARIES_BY_ENCODING.test(vary))) return;
    const value = vary !== null && vary !== '' ? `${vary}, Accept-Encoding` : 'Accept-Encoding';
    try {
      headers.set('Vary', value);
    } catch {
      // Immutable headers (a fetched response): the copy `c.header` makes is the only way.
      c.header('Vary', value);
    }
  };
}
