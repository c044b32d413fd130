import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, findHosts, KscClient, resolveKscConfig } from '../../../src/ksc/index.ts';
import { FieldError } from '../../../src/errors.ts';
import { ConfigError, loadConfig } from '../../../src/config/index.ts';
import type { KscConnectionConfig } from '../../../src/config/connections/ksc.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.ts';

const FIELDS = ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_DN', 'KLHST_WKS_STATUS'];
const credentials = { user: 'admin', password: TEST_PASSWORD };

async function allHosts(client: KscClient): Promise<string[]> {
  const names: string[] = [];
  for await (const host of findHosts(client, { fields: FIELDS, pageSize: 200 }))
    names.push(String(host['KLHST_WKS_HOSTNAME']));
  return names;
}

describe('KSC client compression against the emulator', () => {
  for (const scheme of ['http', 'https'] as const) {
    describe(`over ${scheme.toUpperCase()}`, () => {
      let emu: TestEmulator;
      let proxy: FaultProxy;
      beforeAll(async () => {
        emu = await startTestEmulator('sqlite', { http: scheme === 'http', hosts: 600, events: 50 });
        const upstream = new URL(emu.url);
        // The proxy counts the bytes that crossed the link: what compression is for.
        proxy = await startFaultProxy({
          upstreamHost: upstream.hostname,
          upstreamPort: Number(upstream.port),
        });
      });
      afterAll(async () => {
        await proxy?.close();
        await emu?.stop();
      });

      async function enumerate(compression: 'gzip' | 'none') {
        const before = proxy.counters.bytesDownstream;
        const client = new KscClient({
          url: proxy.url(scheme),
          credentials,
          compression,
          ...(scheme === 'https' ? { tls: { ca: emu.ksc.certificatePem! } } : {}),
        });
        try {
          const names = await allHosts(client);
          return { names, bytes: proxy.counters.bytesDownstream - before };
        } finally {
          await client.close();
        }
      }

      it('reads the same hosts with gzip as without, in far fewer bytes', async () => {
        const plain = await enumerate('none');
        const zipped = await enumerate('gzip');
        expect(plain.names).toHaveLength(emu.ksc.world.hostsOf(0).length);
        expect(plain.names.length).toBeGreaterThan(300);
        expect(zipped.names).toEqual(plain.names);
        // Host records repeat their attribute names and shapes: gzip takes off well over half.
        expect(zipped.bytes).toBeLessThan(plain.bytes / 2);
      });
    });
  }
});

/** A real HTTP server that answers KLOAPI as a test says, whatever the request asked for. */
async function startFixedServer(
  answer: (body: string) => { headers: Record<string, string>; body: Buffer },
): Promise<{ url: string; acceptEncodings: Array<string | undefined>; close(): Promise<void> }> {
  const acceptEncodings: Array<string | undefined> = [];
  const server = http.createServer((request, response) => {
    acceptEncodings.push(request.headers['accept-encoding']);
    request.resume();
    const json = request.url?.endsWith('Session.StartSession')
      ? '{"PxgRetVal":"session-1"}'
      : '{"PxgRetVal":{"type":"long","value":9007199254740993}}';
    const { headers, body } = answer(json);
    response.writeHead(200, { 'Content-Type': 'application/json', ...headers });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    acceptEncodings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('KSC client compression against servers that choose for themselves', () => {
  async function callThrough(
    answer: (body: string) => { headers: Record<string, string>; body: Buffer },
    compression: 'gzip' | 'none' = 'gzip',
  ) {
    const server = await startFixedServer(answer);
    const client = new KscClient({ url: server.url, credentials, compression, attempts: 1 });
    try {
      const reply = await client.call<{ PxgRetVal: bigint }>('Test.GetValue');
      return { reply, asked: server.acceptEncodings };
    } finally {
      await client.close();
      await server.close();
    }
  }

  it('reads a plain answer from a server that ignores Accept-Encoding', async () => {
    const { reply, asked } = await callThrough((json) => ({ headers: {}, body: Buffer.from(json) }));
    expect(reply.PxgRetVal).toBe(9007199254740993n);
    // Login, the call and the end of the session: each asked.
    expect(asked).toEqual(['gzip', 'gzip', 'gzip']);
  });

  it('decodes gzip and deflate, even unasked', async () => {
    for (const [encoding, encode] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const { reply, asked } = await callThrough(
        (json) => ({ headers: { 'Content-Encoding': encoding }, body: encode(Buffer.from(json)) }),
        'none',
      );
      expect(reply.PxgRetVal).toBe(9007199254740993n);
      expect(asked).toEqual([undefined, undefined, undefined]);
    }
  });

  it('fails with a connection error on an encoding it cannot decode, or a corrupt gzip body', async () => {
    const brotli = await callThrough(() => ({
      headers: { 'Content-Encoding': 'br' },
      body: Buffer.from('not brotli'),
    })).catch((e: unknown) => e);
    expect(brotli).toBeInstanceOf(ConnectionError);
    const corrupt = await callThrough(() => ({
      headers: { 'Content-Encoding': 'gzip' },
      body: gzipSync(Buffer.from('{"PxgRetVal":1}')).subarray(0, 12),
    })).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(ConnectionError);
  });
});

describe('the compression setting', () => {
  it('auto asks for gzip from other machines, not from this one', () => {
    const resolve = (url: string, compression?: 'auto' | 'gzip' | 'none') =>
      resolveKscConfig({ url, credentials, ...(compression === undefined ? {} : { compression }) }, {})
        .compression;
    expect(resolve('https://ksc.example.com:13299')).toBe('gzip');
    expect(resolve('https://127.0.0.1:13299')).toBe('none');
    expect(resolve('https://localhost:13299', 'auto')).toBe('none');
    expect(resolve('https://127.0.0.1:13299', 'gzip')).toBe('gzip');
    expect(resolve('https://ksc.example.com:13299', 'none')).toBe('none');
    const error = (() => {
      try {
        resolveKscConfig({ url: 'https://ksc', credentials, compression: 'br' as 'gzip' }, {});
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FieldError);
    expect((error as FieldError).field).toBe('compression');
  });

  it('is read from kconnect.yaml per connection and checked at load, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconnect-compression-'));
    try {
      const write = (compression: string) =>
        writeFileSync(
          join(dir, 'kconnect.yaml'),
          `connections:\n  far:\n    url: https://ksc.example.com\n    user: u\n    password: x\n    compression: ${compression}\n`,
        );
      write('none');
      const config = loadConfig({ env: {}, cwd: dir });
      expect((config.connections['far'] as KscConnectionConfig).compression).toBe('none');
      write('zip');
      let failure: unknown;
      try {
        loadConfig({ env: {}, cwd: dir });
      } catch (e) {
        failure = e;
      }
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as ConfigError).message).toContain('connections.far.compression');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
