/**
 * The webhook sink alone against a real HTTPS receiver on loopback (self-signed certificate trusted by `ca`):
 * credentials and the HMAC as the receiver checks them, requests cut by size and count, retries honouring
 * Retry-After, documents refused by a 400 isolated and returned as rejected, an outage that ends in a retryable
 * error and then recovers with 0 lost, redirects never followed, and R3 (10 % of requests cut) with 0 lost.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/config/secrets.ts';
import {
  WebhookRedirectError,
  WebhookRefusedError,
  WebhookSink,
  WebhookUnavailableError,
  type WebhookSinkOptions,
} from '../../../../src/intake/sinks/webhook/index.ts';
import type { SinkBatch } from '../../../../src/intake/types.ts';
import { startFaultProxy, type FaultProxy } from '../../../support/fault-proxy.ts';
import {
  documentsOf,
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../../../support/webhook-receiver.ts';

const ENV = { SIEM_TOKEN: 'tok-3f9a1c', SIEM_PASSWORD: 'pw-77d2', SIEM_HMAC: 'hmac-key-51e0' };

function batch(from: number, count: number): SinkBatch {
  const keys = Array.from({ length: count }, (_, i) => `k${from + i}`);
  return { keys, documents: keys.map((key, i) => ({ key, n: from + i, message: `event ${from + i}` })) };
}

/** How often each key reached the receiver in an accepted request. */
function ledger(requests: readonly ReceivedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    for (const document of documentsOf(request)) {
      const key = String(document['key']);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function keysRange(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `k${from + i}`);
}

describe('WebhookSink against a real HTTPS receiver', () => {
  let receiver: WebhookReceiver;
  let proxy: FaultProxy | undefined;
  const sinks: WebhookSink[] = [];
  const waits: number[] = [];
  const signal = new AbortController().signal;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    waits.length = 0;
  });
  afterEach(async () => {
    for (const sink of sinks.splice(0)) await sink.close();
    await proxy?.close();
    proxy = undefined;
    await receiver.close();
  });

  function sink(options: Partial<WebhookSinkOptions> = {}): WebhookSink {
    const made = new WebhookSink({
      url: `${receiver.origin}/ingest?source=kconnect`,
      pipeline: 'siem',
      policy: { allowLoopback: true },
      ca: receiver.caPem,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      backoff: { baseMs: 1, capMs: 5 },
      ...options,
    });
    sinks.push(made);
    return made;
  }

  it('POSTs a JSON array with the bearer token, the HMAC of the exact body, an idempotency key and static headers', async () => {
    const webhook = sink({
      auth: {
        token: Secret.env('SIEM_TOKEN', 'tokenEnv', ENV),
        hmac: {
          secret: Secret.env('SIEM_HMAC', 'hmac.secretEnv', ENV),
          header: 'X-Kconnect-Signature',
          algorithm: 'sha256',
        },
      },
      headers: { 'x-tenant': 'soc-1' },
    });
    await webhook.open(undefined, signal);
    const result = await webhook.write(batch(0, 3), signal);
    expect(result).toEqual({ position: { lastKey: 'k2' } });
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/ingest?source=kconnect');
    expect(request.headers['authorization']).toBe(`Bearer ${ENV.SIEM_TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-tenant']).toBe('soc-1');
    expect(request.headers['idempotency-key']).toMatch(/^kconnect-[0-9a-f]{32}$/);
    const expected = createHmac('sha256', ENV.SIEM_HMAC).update(request.body).digest('hex');
    expect(request.headers['x-kconnect-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(request.body.toString('utf8'))).toEqual(batch(0, 3).documents);
  });

  it('sends NDJSON with basic authentication; an empty batch sends nothing', async () => {
    const webhook = sink({
      format: 'ndjson',
      auth: { basic: { user: 'collector', password: Secret.env('SIEM_PASSWORD', 'basic.passwordEnv', ENV) } },
    });
    await webhook.open(undefined, signal);
    expect(await webhook.write({ documents: [], keys: [] }, signal)).toEqual({ position: { lastKey: null } });
    expect(receiver.requests).toHaveLength(0);
    await webhook.write(batch(0, 2), signal);
    const request = receiver.requests[0]!;
    const basic = Buffer.from(`collector:${ENV.SIEM_PASSWORD}`).toString('base64');
    expect(request.headers['authorization']).toBe(`Basic ${basic}`);
    expect(request.headers['content-type']).toBe('application/x-ndjson');
    expect(request.body.toString('utf8')).toBe(
      batch(0, 2)
        .documents.map((d) => `${JSON.stringify(d)}\n`)
        .join(''),
    );
  });

  it('cuts a batch into requests of at most maxBatchDocuments and maxBatchBytes, each with its own key', async () => {
    const byCount = sink({ maxBatchDocuments: 10 });
    await byCount.open(undefined, signal);
    await byCount.write(batch(0, 25), signal);
    expect(receiver.requests.map((r) => documentsOf(r).length)).toEqual([10, 10, 5]);
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key'])).size).toBe(3);

    receiver.requests.length = 0;
    const bySize = sink({ maxBatchBytes: 1024 });
    await bySize.open(undefined, signal);
    await bySize.write(batch(100, 60), signal);
    expect(receiver.requests.length).toBeGreaterThan(2);
    for (const request of receiver.requests) expect(request.body.length).toBeLessThanOrEqual(1024);
    expect([...ledger(receiver.requests).keys()]).toEqual(keysRange(100, 60));
  });

  it('continues after a restart from the committed position: the receiver has every key once', async () => {
    const first = sink();
    await first.open(undefined, signal);
    const { position } = await first.write(batch(0, 50), signal);
    await first.close();
    const second = sink();
    await second.open(position, signal);
    expect((await second.write(batch(50, 50), signal)).position).toEqual({ lastKey: 'k99' });
    const counts = ledger(receiver.accepted);
    expect([...counts.keys()]).toEqual(keysRange(0, 100));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('retries 429 and 503 within the write, waiting what Retry-After says (seconds or an HTTP date)', async () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const answers = [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 503, headers: { 'retry-after': new Date(now + 7000).toUTCString() } },
      { status: 408 },
      { status: 200 },
    ];
    receiver.reply = () => answers.shift()!;
    const webhook = sink({ now: () => now });
    await webhook.open(undefined, signal);
    await webhook.write(batch(0, 5), signal);
    expect(receiver.requests).toHaveLength(4);
    expect(waits.slice(0, 2)).toEqual([2000, 7000]);
    expect(waits[2]).toBeLessThanOrEqual(5); // no Retry-After: full jitter under the backoff's cap
    // The same request each time: same bytes, same idempotency key.
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.body.toString('hex'))).size).toBe(1);
  });

  it('isolates the documents a 400 refuses and returns them as rejected; the others arrive once', async () => {
    const bad = new Set(['k3', 'k11']);
    // Judged on the body: the receiver refuses any request holding a bad document, as a strict SIEM does.
    receiver.reply = (request) => {
      const keys = documentsOf(request).map((d) => String(d['key']));
      const found = keys.find((k) => bad.has(k));
      return found === undefined
        ? { status: 200 }
        : { status: 400, body: `invalid field in ${found};\n you sent Bearer ${ENV.SIEM_TOKEN}` };
    };
    const webhook = sink({ auth: { token: Secret.env('SIEM_TOKEN', 'tokenEnv', ENV) } });
    await webhook.open(undefined, signal);
    const result = await webhook.write(batch(0, 16), signal);
    expect(result.rejected?.map((r) => r.index)).toEqual([3, 11]);
    for (const rejected of result.rejected ?? []) {
      expect(rejected.reason).toMatch(/^HTTP 400: invalid field in k(3|11)/);
      expect(rejected.reason).not.toContain(ENV.SIEM_TOKEN);
    }
    const counts = ledger(receiver.accepted);
    expect([...counts.keys()].sort()).toEqual(
      keysRange(0, 16)
        .filter((k) => !bad.has(k))
        .sort(),
    );
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('503 for a while: a retryable error after maxAttempts, then recovery with 0 lost', async () => {
    let down = true;
    receiver.reply = () => (down ? { status: 503, body: 'maintenance' } : { status: 200 });
    const webhook = sink({ maxAttempts: 3 });
    await webhook.open(undefined, signal);
    const failure = await webhook.write(batch(0, 20), signal).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WebhookUnavailableError);
    expect(failure).toMatchObject({
      retryable: true,
      attempts: 3,
      status: 503,
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.accepted).toHaveLength(0);
    down = false;
    // The runner reopens at the committed position and writes the same batch again.
    await webhook.open(undefined, signal);
    await webhook.write(batch(0, 20), signal);
    expect([...ledger(receiver.accepted).keys()]).toEqual(keysRange(0, 20));
  });

  it('never follows a redirect: a 302 to the metadata address is a permanent error naming its host', async () => {
    receiver.reply = () => ({
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    });
    const webhook = sink();
    await webhook.open(undefined, signal);
    const failure = await webhook.write(batch(0, 2), signal).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WebhookRedirectError);
    expect(failure).toMatchObject({ retryable: false, status: 302, locationHost: '169.254.169.254' });
    expect((failure as Error).message).toContain('169.254.169.254');
    expect((failure as Error).message).not.toContain('meta-data');
    expect(receiver.requests).toHaveLength(1);
  });

  it('stops on a refusal of the endpoint (401) without dead-lettering, and masks the token in the error', async () => {
    receiver.reply = () => ({ status: 401, body: `bad token Bearer ${ENV.SIEM_TOKEN}` });
    const webhook = sink({ auth: { token: Secret.env('SIEM_TOKEN', 'tokenEnv', ENV) } });
    await webhook.open(undefined, signal);
    const failure = await webhook.write(batch(0, 8), signal).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WebhookRefusedError);
    expect(failure).toMatchObject({ retryable: false, status: 401, code: 'UNAUTHENTICATED' });
    expect((failure as Error).message).not.toContain(ENV.SIEM_TOKEN);
    expect(receiver.requests).toHaveLength(1);
  });

  it('R3 at the receiver: 10 % of requests cut mid-request or with the answer lost → 0 lost, repeats carry the same key', async () => {
    // Every 20th request cut before its body was read, and every 20th (offset) answer lost after it was.
    receiver.cutMidRequest = (seq) => seq % 20 === 7;
    let read = 0;
    receiver.reply = () => (++read % 20 === 17 ? { cut: true } : { status: 200 });
    const webhook = sink({ maxBatchDocuments: 10, maxAttempts: 10 });
    await webhook.open(undefined, signal);
    for (let from = 0; from < 2000; from += 100) await webhook.write(batch(from, 100), signal);
    const counts = ledger(receiver.accepted);
    expect(counts.size).toBe(2000);
    // A request whose answer was lost reached the receiver: it is repeated with the same idempotency key.
    const byKey = new Map<string, number>();
    for (const request of receiver.requests) {
      const key = String(request.headers['idempotency-key']);
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    expect(byKey.size).toBe(200);
    const cutAfterBody = receiver.requests.length - receiver.accepted.length;
    expect(cutAfterBody).toBeGreaterThan(0);
    const duplicates = [...counts.values()].reduce((sum, c) => sum + c - 1, 0);
    expect(duplicates).toBe(0); // the receiver recorded as accepted only what it answered 2xx
  });

  it('R3 through the fault proxy: reset_peer on 10 % of exchanges → 0 lost, duplicates only with a repeated key', async () => {
    proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: receiver.port,
      rollPer: 'exchange',
      random: seeded(19),
    });
    proxy.set({ resetPeer: { toxicity: 0.1, direction: 'downstream' } });
    const webhook = sink({
      url: `https://127.0.0.1:${proxy.port}/ingest`,
      maxBatchDocuments: 10,
      maxAttempts: 10,
    });
    await webhook.open(undefined, signal);
    for (let from = 0; from < 2000; from += 100) await webhook.write(batch(from, 100), signal);
    expect(proxy.counters.faults.resetPeer).toBeGreaterThan(0);
    const counts = ledger(receiver.accepted);
    expect(counts.size).toBe(2000);
    // Answers lost after the receiver took the request: those documents arrive twice, always under the same key.
    const keys = new Map<string, number>();
    for (const request of receiver.accepted) {
      const key = String(request.headers['idempotency-key']);
      keys.set(key, (keys.get(key) ?? 0) + 1);
    }
    expect(keys.size).toBe(200);
    const duplicateRequests = [...keys.values()].reduce((sum, c) => sum + c - 1, 0);
    const duplicates = [...counts.values()].reduce((sum, c) => sum + c - 1, 0);
    expect(duplicates).toBe(duplicateRequests * 10);
  });
});

/** mulberry32: repeatable faults. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
