import { gunzipSync, inflateSync } from 'node:zlib';
import { Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { describe, expect, it } from 'vitest';
import { compressWhenAccepted } from '../../../../src/emulator/core/compression.ts';

/** A server with the middleware under test and responses of the kinds the KICS emulator gives. */
function server(middleware: MiddlewareHandler): Hono {
  const app = new Hono();
  app.use('*', middleware);
  const big = JSON.stringify({ values: Array.from({ length: 200 }, (_, id) => ({ id, title: 'event' })) });
  app.get('/big', (c) => c.body(big, 200, { 'Content-Type': 'application/json; charset=utf-8' }));
  app.get('/small', (c) => c.body('{"a":1}', 200, { 'Content-Type': 'application/json; charset=utf-8' }));
  app.get('/sized', (c) =>
    c.body('{"a":1}', 200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '7' }),
  );
  app.get('/pcap', (c) =>
    c.body(new Uint8Array(4096), 200, { 'Content-Type': 'application/vnd.tcpdump.pcap' }),
  );
  app.get('/vary', (c) => c.body(big, 200, { 'Content-Type': 'application/json', Vary: 'Origin' }));
  app.get('/no-transform', (c) =>
    c.body(big, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-transform' }),
  );
  app.get('/native', () => Response.json({ errorMessage: 'Internal server error' }, { status: 500 }));
  return app;
}

const reference = server(compress({ threshold: 1024 }));
const cheap = server(compressWhenAccepted({ threshold: 1024 }));

async function answer(app: Hono, path: string, method: string, acceptEncoding?: string) {
  const response = await app.request(path, {
    method,
    headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding },
  });
  // The bytes of a compressed body depend on the level (hono's web CompressionStream uses zlib's default, the
  // emulator a faster one): what must match is what they decode to.
  const encoded = Buffer.from(await response.arrayBuffer());
  const encoding = response.headers.get('Content-Encoding');
  const body =
    encoding === 'gzip' ? gunzipSync(encoded) : encoding === 'deflate' ? inflateSync(encoded) : encoded;
  return { status: response.status, headers: [...response.headers.entries()], body: [...body] };
}

describe('compressWhenAccepted answers exactly as hono compress', () => {
  const paths = ['/big', '/small', '/sized', '/pcap', '/vary', '/no-transform', '/native'];
  const encodings = [undefined, 'gzip', 'deflate', 'identity', 'br', 'gzip;q=0, deflate;q=0.5'];
  for (const path of paths)
    for (const method of ['GET', 'HEAD'])
      for (const encoding of encodings)
        it(`${method} ${path}, Accept-Encoding ${encoding ?? '(none)'}`, async () => {
          expect(await answer(cheap, path, method, encoding)).toEqual(
            await answer(reference, path, method, encoding),
          );
        });
});
