/** The NATS sink alone against a real `nats-server -js`: ids, acks, de-duplication, the stream set-up. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsSink } from '../../../../src/intake/sinks/nats/index.ts';
import { Secret } from '../../../../src/config/secrets.ts';
import { NatsConnectError, NatsStreamSetupError } from '../../../../src/intake/nats/errors.ts';
import { isRetryable } from '../../../../src/intake/retry.ts';
import { startNatsServer, type NatsServer } from '../../../support/nats-server.ts';
import { streamCount, streamMessages } from './support.ts';

let server: NatsServer;
const signal = new AbortController().signal;

beforeAll(async () => {
  server = await startNatsServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** What the runner does with a retryable error: wait a little and try again (here up to 30 s). */
async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function batchOf(keys: readonly string[], extra: (key: string) => Record<string, string> = () => ({})) {
  return { keys, documents: keys.map((key) => ({ key, n: Number(key), ...extra(key) })) };
}

function sinkFor(
  stream: string,
  subject: string,
  options: Partial<ConstructorParameters<typeof NatsSink>[0]> = {},
) {
  return new NatsSink({ connection: { url: server.url }, stream, subject, pipeline: 'p1', ...options });
}

describe('NatsSink', () => {
  it('creates the stream, publishes every document with its id and resolves with the last sequence', async () => {
    const sink = sinkFor('S1', 'kc.s1', { maxInFlight: 8 });
    await sink.open(undefined, signal);
    const keys = Array.from({ length: 50 }, (_, i) => String(i + 1));
    const result = await sink.write(batchOf(keys), signal);
    expect(result).toEqual({ position: { stream: 'S1', sequence: 50 } });
    const stored = await streamMessages(server.url, 'S1');
    expect(stored.map((m) => m.id)).toEqual(keys.map((key) => `p1:${key}`));
    expect(stored.map((m) => m.document['key'])).toEqual(keys);
    expect(new Set(stored.map((m) => m.subject))).toEqual(new Set(['kc.s1']));
    await sink.close();
  });

  it('a stop whose deadline passed mid-batch publishes nothing more and fails the write with its reason', async () => {
    const sink = sinkFor('S1A', 'kc.s1a', { maxInFlight: 1 });
    await sink.open(undefined, signal);
    const keys = Array.from({ length: 2000 }, (_, i) => String(i + 1));
    const stop = new AbortController();
    const reason = new Error('deadline passed');
    const writing = sink.write(batchOf(keys), stop.signal);
    setTimeout(() => stop.abort(reason), 20);
    await expect(writing).rejects.toBe(reason);
    const published = await streamCount(server.url, 'S1A');
    expect(published).toBeLessThan(keys.length);
    await sink.close();
  });

  it('a batch published again (a crash before its commit) is dropped by the server: each key once', async () => {
    const first = sinkFor('S2', 'kc.s2');
    await first.open(undefined, signal);
    const a = await first.write(batchOf(['1', '2', '3']), signal);
    const b = await first.write(batchOf(['4', '5', '6']), signal);
    await first.close();
    // The restart: reopened at the first batch's position, the second batch comes again with some new keys.
    const again = sinkFor('S2', 'kc.s2');
    await again.open(a.position, signal);
    const c = await again.write(batchOf(['4', '5', '6', '7']), signal);
    expect(c.position).toEqual({ stream: 'S2', sequence: 7 });
    expect(b.position).toEqual({ stream: 'S2', sequence: 6 });
    await again.close();
    expect(await streamCount(server.url, 'S2')).toBe(7);
    const ids = (await streamMessages(server.url, 'S2')).map((m) => m.id);
    expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7'].map((k) => `p1:${k}`));
  });

  it('two pipelines with the same keys into one stream do not collide', async () => {
    const one = sinkFor('S3', 'kc.s3', { pipeline: 'one' });
    const two = sinkFor('S3', 'kc.s3', { pipeline: 'two' });
    await one.open(undefined, signal);
    await two.open(undefined, signal);
    await one.write(batchOf(['1', '2']), signal);
    await two.write(batchOf(['1', '2']), signal);
    await Promise.all([one.close(), two.close()]);
    expect(await streamCount(server.url, 'S3')).toBe(4);
  });

  it('subjectPerEventType publishes to <subject>.<sanitised event type>', async () => {
    const sink = sinkFor('S4', 'kc.s4', { subjectPerEventType: true });
    await sink.open(undefined, signal);
    await sink.write(
      {
        keys: ['1', '2', '3'],
        documents: [
          { event: { code: 'GNRL_EV_VIRUS_FOUND' } },
          { data: { event_type: 'KLPRCI.TaskState *x' } },
          { nothing: true },
        ],
      },
      signal,
    );
    await sink.close();
    const subjects = (await streamMessages(server.url, 'S4')).map((m) => m.subject);
    expect(subjects).toEqual(['kc.s4.GNRL_EV_VIRUS_FOUND', 'kc.s4.KLPRCI_TaskState__x', 'kc.s4.other']);
  });

  it('createStream: false refuses a missing stream; an existing stream must take the subject', async () => {
    const missing = sinkFor('NOPE', 'kc.nope', { createStream: false });
    await expect(missing.open(undefined, signal)).rejects.toBeInstanceOf(NatsStreamSetupError);
    await missing.close();
    await sinkFor('S5', 'kc.s5')
      .open(undefined, signal)
      .then(() => undefined);
    const other = sinkFor('S5', 'kc.other', { createStream: false });
    const error = await other.open(undefined, signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatsStreamSetupError);
    expect((error as Error).message).toMatch(/do not take kc\.other/);
    expect(isRetryable(error)).toBe(false);
    await other.close();
  });

  it('a document too large for the server is rejected alone; the rest is published', async () => {
    const sink = sinkFor('S6', 'kc.s6');
    await sink.open(undefined, signal);
    const big = 'x'.repeat(2 * 1024 * 1024);
    const result = await sink.write(
      { keys: ['1', '2', '3'], documents: [{ a: 1 }, { big }, { a: 3 }] },
      signal,
    );
    await sink.close();
    expect(result.rejected?.map((r) => r.index)).toEqual([1]);
    expect(await streamCount(server.url, 'S6')).toBe(2);
  });

  it('the server down: publishing fails retryably; after its restart the same batch goes through once', async () => {
    const sink = sinkFor('S7', 'kc.s7', { ackTimeoutMs: 500 });
    await sink.open(undefined, signal);
    const first = await sink.write(batchOf(['1', '2']), signal);
    await server.kill();
    const error = await sink.write(batchOf(['3', '4']), signal).catch((e: unknown) => e);
    expect(isRetryable(error)).toBe(true);
    await server.restart();
    // What the runner does: reopen at the committed position and write the batch again.
    // (the client reconnects on its own; until it has, the runner's attempts fail retryably too).
    const again = await retrying(async () => {
      await sink.open(first.position, signal);
      return sink.write(batchOf(['3', '4']), signal);
    });
    expect(again.position).toEqual({ stream: 'S7', sequence: 4 });
    await sink.close();
    expect((await streamMessages(server.url, 'S7')).map((m) => m.id)).toEqual(
      ['1', '2', '3', '4'].map((k) => `p1:${k}`),
    );
  }, 60_000);

  it('authenticates with user and password from the environment; wrong ones stop the pipeline, unretried', async () => {
    const secured = await startNatsServer({ args: ['--user', 'kc', '--pass', 'right-pass'] });
    try {
      const auth = (password: string) => ({
        kind: 'user' as const,
        user: Secret.env('NU', 'sink.userEnv', { NU: 'kc' }),
        password: Secret.env('NP', 'sink.passwordEnv', { NP: password }),
      });
      const good = new NatsSink({
        connection: { url: secured.url, auth: auth('right-pass') },
        stream: 'AUTH',
        subject: 'kc.auth',
        pipeline: 'p1',
      });
      await good.open(undefined, signal);
      expect((await good.write(batchOf(['1']), signal)).position).toEqual({ stream: 'AUTH', sequence: 1 });
      await good.close();
      const bad = new NatsSink({
        connection: { url: secured.url, auth: auth('wrong-pass') },
        stream: 'AUTH',
        subject: 'kc.auth',
        pipeline: 'p1',
      });
      const error = await bad.open(undefined, signal).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NatsConnectError);
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
      expect((error as Error).message).not.toContain('wrong-pass');
      await bad.close();
    } finally {
      await secured.stop();
    }
  }, 60_000);
});
