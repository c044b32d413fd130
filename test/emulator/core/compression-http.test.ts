/**
 * The emulators' answer compression over real HTTP: a KSC page compressed when asked decodes to the bytes of the
 * same page uncompressed, nothing is compressed unless asked, and a streamed body is compressed as it flows —
 * the client decodes its beginning while the server has not produced the rest.
 */
import http from 'node:http';
import { createGunzip, gunzipSync, inflateSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressWhenAccepted } from '../../../src/emulator/core/compression.ts';
import { listen, type ListeningServer } from '../../../src/emulator/core/server.ts';
import { encodeArguments } from '../../../src/ksc/index.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

interface Received {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as it came over the wire, still encoded. */
  readonly bytes: Buffer;
}

function post(url: string, route: string, body: string, headers: Record<string, string>): Promise<Received> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(route, url),
      { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            bytes: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe.each(BACKENDS)('KSC emulator answer compression over HTTP (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let accessor: string;

  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    admin = await emu.session();
    const found = await admin.call('HostGroup.FindHosts', {
      wstrFilter: '',
      vecFieldsToReturn: ['KLHST_WKS_DN', 'KLHST_WKS_HOSTNAME', 'KLHST_WKS_STATUS', 'KLHST_WKS_LAST_VISIBLE'],
      lMaxLifeTime: 60,
    });
    accessor = found['strAccessor'] as string;
  });
  afterAll(async () => {
    await emu?.stop();
  });

  /** The same page of hosts (all the main server's), asked with `acceptEncoding` (none when undefined). */
  const page = (acceptEncoding?: string): Promise<Received> =>
    post(
      emu.url,
      '/api/v1.0/ChunkAccessor.GetItemsChunk',
      encodeArguments({ strAccessor: accessor, nStart: 0, nCount: 300 }),
      { ...admin.headers, ...(acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding }) },
    );

  it('answers gzip when asked: the body decodes to the uncompressed answer, whole and with its length', async () => {
    const plain = await page();
    const zipped = await page('gzip');
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('Accept-Encoding');
    expect(zipped.headers['content-length']).toBe(String(zipped.bytes.length));
    expect(zipped.bytes.length).toBeLessThan(plain.bytes.length / 4);
    expect(gunzipSync(zipped.bytes).equals(plain.bytes)).toBe(true);
  });

  it('answers deflate (zlib) when that is what the client prefers', async () => {
    const plain = await page();
    const deflated = await page('gzip;q=0.5, deflate');
    expect(deflated.headers['content-encoding']).toBe('deflate');
    expect(inflateSync(deflated.bytes).equals(plain.bytes)).toBe(true);
  });

  it('compresses nothing unless asked, and says the answer varies by encoding', async () => {
    const plain = await page();
    expect(JSON.parse(plain.bytes.toString('utf8'))).toHaveProperty('pChunk');
    for (const answer of [plain, await page('identity'), await page('br'), await page('gzip;q=0')]) {
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.headers['vary']).toBe('Accept-Encoding');
      expect(answer.headers['content-length']).toBe(String(answer.bytes.length));
      expect(answer.bytes.equals(plain.bytes)).toBe(true);
    }
  });
});

describe('a streamed answer is compressed as it flows', () => {
  /** About 1 MB of text that compresses to a few hundred KB: enough for zlib to emit before the end. */
  const part = Buffer.from(
    Array.from(
      { length: 40_000 },
      (_, i) => `{"id":${i},"h":"${((i * 2_654_435_761) >>> 0).toString(16)}"}`,
    ).join(','),
  );
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let cancelled = false;
  let server: ListeningServer;

  beforeAll(async () => {
    const app = new Hono();
    app.use('*', compressWhenAccepted({ threshold: 1024 }));
    app.post('/stream', (c) => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          // The first part goes at once; the second only when the client has decoded part of the first.
          if (sent === 1) await released;
          if (sent === 2) return controller.close();
          controller.enqueue(part);
          sent++;
        },
        cancel() {
          cancelled = true;
        },
      });
      return c.body(body, 200, { 'Content-Type': 'application/json' });
    });
    app.post('/endless', (c) => {
      cancelled = false;
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(part),
        cancel() {
          cancelled = true;
        },
      });
      return c.body(body, 200, { 'Content-Type': 'application/json' });
    });
    server = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    release();
    await server?.close();
  });

  it('the client decodes the beginning before the server has produced the end', async () => {
    const decoded = await new Promise<Buffer>((resolve, reject) => {
      const request = http.request(
        new URL('/stream', server.url),
        { method: 'POST', headers: { 'Accept-Encoding': 'gzip' } },
        (response) => {
          expect(response.headers['content-encoding']).toBe('gzip');
          expect(response.headers['content-length']).toBeUndefined();
          const chunks: Buffer[] = [];
          let length = 0;
          const gunzip = response.pipe(createGunzip());
          gunzip.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            length += chunk.length;
            if (length >= part.length / 2) release();
          });
          gunzip.on('end', () => resolve(Buffer.concat(chunks)));
          gunzip.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(decoded.equals(Buffer.concat([part, part]))).toBe(true);
    expect(cancelled).toBe(false);
  });

  it('a client that goes away mid-stream cancels the source', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = http.request(
        new URL('/endless', server.url),
        { method: 'POST', headers: { 'Accept-Encoding': 'gzip' } },
        (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        },
      );
      request.on('error', () => undefined);
      request.on('timeout', () => reject(new Error('no answer')));
      request.end();
    });
    await expect.poll(() => cancelled, { timeout: 5000 }).toBe(true);
  });
});
