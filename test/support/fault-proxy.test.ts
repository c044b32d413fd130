/**
 * The fault proxy does what each fault says, observed from a client through it in front of an echo server and an
 * HTTP server on loopback.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

let echo: net.Server;
let web: http.Server;
let proxy: FaultProxy;
let webProxy: FaultProxy;
const BODY = 'x'.repeat(20_000);

beforeAll(async () => {
  echo = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  web = http.createServer((_, response) => response.end(BODY));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: (echo.address() as net.AddressInfo).port,
  });
  webProxy = await startFaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: (web.address() as net.AddressInfo).port,
  });
});
afterEach(() => {
  proxy.clear();
  webProxy.clear();
});
afterAll(async () => {
  await proxy?.close();
  await webProxy?.close();
  await new Promise((resolve) => echo?.close(resolve));
  web?.closeAllConnections();
  await new Promise((resolve) => web?.close(resolve));
});

interface Exchange {
  readonly received: Buffer;
  readonly chunks: number;
  readonly ms: number;
  readonly error: string | undefined;
  /** Whether the connection closed before `waitMs`. */
  readonly closed: boolean;
}

/** Sends `payload` through the echo proxy and collects what comes back until close or `waitMs`. */
function roundTrip(payload: string, waitMs = 2_000, endAfter?: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const socket = net.connect(proxy.port, '127.0.0.1', () => socket.write(payload));
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({
        received: Buffer.concat(chunks),
        chunks: chunks.length,
        ms: Date.now() - started,
        error,
        closed,
      });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (endAfter !== undefined && Buffer.concat(chunks).length >= endAfter) socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    socket.on('close', () => done(true));
  });
}

function get(): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const request = http.get(`${webProxy.url()}/`, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    request.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

describe('fault proxy', () => {
  it('forwards bytes both ways and counts them', async () => {
    const before = { ...proxy.counters };
    const result = await roundTrip('hello', 2_000, 5);
    expect(result.received.toString()).toBe('hello');
    expect(proxy.counters.connections).toBe(before.connections + 1);
    expect(proxy.counters.bytesUpstream - before.bytesUpstream).toBe(5);
    expect(proxy.counters.bytesDownstream - before.bytesDownstream).toBe(5);
    expect(await get()).toEqual({ status: 200, body: BODY });
  });

  it('latency delays each direction', async () => {
    proxy.set({ latency: { ms: 150, jitterMs: 20 } });
    const result = await roundTrip('ping', 2_000, 4);
    expect(result.received.toString()).toBe('ping');
    expect(result.ms).toBeGreaterThanOrEqual(2 * 130 - 5);
    expect(proxy.counters.faults.latency).toBeGreaterThan(0);
  });

  it('bandwidth limits bytes per second', async () => {
    webProxy.set({ bandwidth: { bytesPerSecond: 40_000 } });
    const started = Date.now();
    expect(await get()).toEqual({ status: 200, body: BODY });
    // 20 kB of body (plus headers) at 40 kB/s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('reset_peer resets the connection (RST) instead of forwarding', async () => {
    const before = proxy.counters.faults.resetPeer;
    proxy.set({ resetPeer: {} });
    const result = await roundTrip('ping');
    expect(result.error).toBe('ECONNRESET');
    expect(result.received.length).toBe(0);
    expect(proxy.counters.faults.resetPeer).toBe(before + 1);
    const answer = await get();
    expect(answer).toEqual({ status: 200, body: BODY });
    webProxy.set({ resetPeer: {} });
    expect(await get()).toEqual({ error: 'ECONNRESET' });
  });

  it('toxicity decides per connection', async () => {
    proxy.set({ resetPeer: { toxicity: 0 } });
    for (let i = 0; i < 5; i++) expect((await roundTrip('a', 2_000, 1)).error).toBeUndefined();
    webProxy.set({ resetPeer: { toxicity: 0.5 } });
    const answers = await Promise.all(Array.from({ length: 40 }, () => get()));
    const resets = answers.filter((answer) => 'error' in answer).length;
    expect(resets).toBeGreaterThan(5);
    expect(resets).toBeLessThan(35);
  });

  it('timeout holds the connection without forwarding, and closes it after ms when given', async () => {
    proxy.set({ timeout: { ms: 0 } });
    const held = await roundTrip('ping', 400);
    expect(held).toMatchObject({ closed: false, chunks: 0 });
    proxy.set({ timeout: { ms: 200 } });
    const cut = await roundTrip('ping', 2_000);
    expect(cut.closed).toBe(true);
    expect(cut.received.length).toBe(0);
    expect(cut.ms).toBeGreaterThanOrEqual(180);
  });

  it('slow close delays the close', async () => {
    proxy.set({ slowClose: { delayMs: 300 } });
    const started = Date.now();
    const socket = net.connect(proxy.port, '127.0.0.1', () => socket.end('bye'));
    socket.resume();
    await new Promise((resolve) => socket.on('close', resolve));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('slicer splits the answer into small delayed pieces', async () => {
    proxy.set({ slicer: { averageSize: 10, sizeVariation: 5, delayMs: 2 } });
    const payload = 'y'.repeat(400);
    const result = await roundTrip(payload, 3_000, 400);
    expect(result.received.toString()).toBe(payload);
    expect(result.chunks).toBeGreaterThanOrEqual(20);
  });

  it('limit_data closes after N bytes', async () => {
    proxy.set({ limitData: { bytes: 7 } });
    const result = await roundTrip('0123456789abcdef');
    expect(result.closed).toBe(true);
    expect(result.received.toString()).toBe('0123456');
    webProxy.set({ limitData: { bytes: 1_000 } });
    const answer = await get();
    // The answer's headers pass, its body is cut: the client sees a broken body, never the whole one.
    expect(answer).not.toEqual({ status: 200, body: BODY });
  });

  it('down refuses new connections and cuts open ones', async () => {
    const open = net.connect(proxy.port, '127.0.0.1');
    open.on('error', () => undefined);
    await new Promise((resolve) => open.on('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = new Promise((resolve) => open.on('close', resolve));
    proxy.set({ down: true });
    await closed;
    const refused = await roundTrip('ping');
    expect(refused.closed).toBe(true);
    expect(refused.received.length).toBe(0);
    expect(proxy.counters.refused).toBeGreaterThanOrEqual(1);
    proxy.clear();
    expect((await roundTrip('up', 2_000, 2)).received.toString()).toBe('up');
  });
});
