import { Readable, pipeline } from 'node:stream';
import type { ReadableStreamReadResult } from 'node:stream/web';
import zlib from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';
import { parseAccept } from 'hono/utils/accept';

const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const VARIES_BY_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

type Encoding = 'gzip' | 'deflate';
/** In hono's order of preference: gzip wins a tie. */
const ENCODINGS: readonly Encoding[] = ['gzip', 'deflate'];

/**
 * zlib's fastest level. A real KSC compresses in native code at a cost nobody notices; the emulator should not make
 * gzip look expensive in the benchmarks. On the emulator's pages of hosts and events level 1 takes about a third
 * of the default level's (6) time for a few points of ratio (docs/benchmarks.md, decision 0070).
 */
const LEVEL = 1;
const ZIP_OPTIONS: zlib.ZlibOptions = { level: LEVEL };

/**
 * Hono's `compress`, with the same headers under the same conditions, but done with node:zlib at a fast level
 * rather than a web `CompressionStream` at the default one: that cost the KSC emulator 2.7× its CPU per page.
 *
 * - A client that accepts no encoding keeps @hono/node-server's lightweight response (a string written straight
 *   to the socket): `Vary: Accept-Encoding` is set on the response's own headers, not with `c.header`, which
 *   would turn it into a web stream (a fifth of the emulator's CPU on 1 MB pages).
 * - A body that is in memory (a string or bytes: every KSC answer, KICS pages with a limit) is compressed in one
 *   call and answered as bytes, so the server writes it at once, with its length.
 * - A streamed body (a KICS query without a limit) is piped through a zlib stream as it comes: a million events
 *   never sit in memory, compressed or not.
 */
export function compressWhenAccepted(options: { readonly threshold: number }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!compressible(c, options.threshold)) return;
    varyByEncoding(c);
    const encoding = acceptedEncoding(c.req.header('Accept-Encoding'));
    if (encoding === undefined) return;
    const response = c.res;
    const body = response.body;
    if (body === null) return;
    const headers = new Headers(response.headers);
    headers.delete('Content-Length');
    headers.set('Content-Encoding', encoding);
    const etag = headers.get('ETag');
    if (etag !== null && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
    c.res = new Response(await compressedBody(body, encoding), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

/** Hono `compress`'s conditions: what it would neither compress nor mark as varying by encoding. */
function compressible(c: Context, threshold: number): boolean {
  const response = c.res;
  const headers = response.headers;
  const length = headers.get('Content-Length');
  const type = headers.get('Content-Type');
  const cacheControl = headers.get('Cache-Control');
  return !(
    response.status === 206 ||
    headers.has('Content-Encoding') ||
    headers.has('Transfer-Encoding') ||
    c.req.method === 'HEAD' ||
    (length !== null && length !== '' && Number(length) < threshold) ||
    type === null ||
    type === '' ||
    !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) ||
    (cacheControl !== null && cacheControl !== '' && NO_TRANSFORM.test(cacheControl))
  );
}

function varyByEncoding(c: Context): void {
  const headers = c.res.headers;
  const vary = headers.get('Vary');
  if (vary === '*' || (vary !== null && vary !== '' && VARIES_BY_ENCODING.test(vary))) return;
  const value = vary !== null && vary !== '' ? `${vary}, Accept-Encoding` : 'Accept-Encoding';
  try {
    headers.set('Vary', value);
  } catch {
    // Immutable headers (a fetched response): the copy `c.header` makes is the only way.
    c.header('Vary', value);
  }
}

/** Hono `compress`'s choice: the first encoding accepted with q=1, else the highest q above 0 (`*` counts). */
function acceptedEncoding(header: string | undefined): Encoding | undefined {
  if (header === undefined) return undefined;
  const accepts = parseAccept(header);
  const wildcard = accepts.find((accept) => accept.type === '*')?.q;
  let best: { encoding: Encoding; q: number } | undefined;
  for (const encoding of ENCODINGS) {
    const q = accepts.find((accept) => accept.type.toLowerCase() === encoding)?.q ?? wildcard ?? 0;
    if (q === 1) return encoding;
    if (q > 0 && (best === undefined || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}

/**
 * A body in memory (a web stream over a string or bytes) gives all it has, and its end, before the event loop
 * turns: it is compressed in one call. Anything else is a real stream and is compressed as it flows; it is
 * neither waited for nor read ahead more than two chunks (a synchronous source could otherwise be read whole).
 */
async function compressedBody(
  body: ReadableStream<Uint8Array>,
  encoding: Encoding,
): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  const turn = new Promise<undefined>((resolve) => setImmediate(resolve, undefined));
  const read: Uint8Array[] = [];
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  for (let chunk = 0; chunk < 2; chunk++) {
    pending = reader.read();
    const next = await Promise.race([pending, turn]);
    if (next === undefined) break;
    pending = undefined;
    if (next.done) return zipWhole(read.length === 1 ? read[0]! : Buffer.concat(read), encoding);
    read.push(next.value);
  }
  const zipper = encoding === 'gzip' ? zlib.createGzip(ZIP_OPTIONS) : zlib.createDeflate(ZIP_OPTIONS);
  // Errors end both streams (the answer is then cut short, as any failing stream is); the callback only keeps
  // them from being reported as unhandled.
  pipeline(Readable.from(remainingChunks(reader, read, pending)), zipper, () => undefined);
  return Readable.toWeb(zipper) as ReadableStream<Uint8Array>;
}

/**
 * Synchronous: the thread pool's `zlib.gzip` frees the event loop for the 1–3 ms a page takes, but costs about
 * 0.2 ms more CPU per page in hand-over, and CPU per page is what the benchmarks compare.
 */
function zipWhole(bytes: Uint8Array, encoding: Encoding): Uint8Array {
  return encoding === 'gzip' ? zlib.gzipSync(bytes, ZIP_OPTIONS) : zlib.deflateSync(bytes, ZIP_OPTIONS);
}

/** The chunks already read, then the rest; a client that goes away cancels the source (a KICS scan is closed). */
async function* remainingChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  read: readonly Uint8Array[],
  pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined,
): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    yield* read;
    for (let next = await (pending ?? reader.read()); !next.done; next = await reader.read())
      yield next.value;
    finished = true;
  } finally {
    if (!finished) await reader.cancel();
  }
}
