import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueueFullError, ServerLimits } from '../../../src/adapters/http/limits.ts';
import { waitFor } from '../../support/wait-for.ts';
import { request, resultOf, startServiceHarness, type ServiceHarness } from './support.ts';

describe('ServerLimits', () => {
  it('admits up to the limit per server, queues in order, and refuses beyond the queue', async () => {
    let clock = 0;
    const limits = new ServerLimits({ maxConcurrentPerServer: 2, maxQueue: 2 }, () => clock);
    const first = await limits.acquire('prod');
    const second = await limits.acquire('prod');
    const order: string[] = [];
    const third = limits.acquire('prod').then((release) => (order.push('third'), release));
    const fourth = limits.acquire('prod').then((release) => (order.push('fourth'), release));
    await expect(limits.acquire('prod')).rejects.toBeInstanceOf(QueueFullError);
    expect(limits.load()).toEqual([{ connection: 'prod', active: 2, queued: 2 }]);
    // Another server has slots of its own.
    const other = await limits.acquire('lab');
    clock = 4000;
    first();
    first(); // a second release of the same slot changes nothing
    await third;
    expect(order).toEqual(['third']);
    second();
    (await fourth)();
    (await third)();
    other();
    expect(limits.load()).toEqual([
      { connection: 'prod', active: 0, queued: 0 },
      { connection: 'lab', active: 0, queued: 0 },
    ]);
  });

  it('estimates Retry-After from how long calls held their slot', async () => {
    let clock = 0;
    const limits = new ServerLimits({ maxConcurrentPerServer: 1, maxQueue: 1 }, () => clock);
    const release = await limits.acquire('prod');
    clock = 6000;
    release();
    await limits.acquire('prod');
    void limits.acquire('prod');
    const refusal = await limits.acquire('prod').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(QueueFullError);
    // One waiting plus this one, one slot, 6 s a call.
    expect((refusal as QueueFullError).retryAfterSeconds).toBe(12);
    expect((refusal as QueueFullError).code).toBe('RATE_LIMITED');
    expect((refusal as QueueFullError).message).toContain('connection "prod"');
  });

  it('refuses bad settings naming them', () => {
    expect(() => new ServerLimits({ maxConcurrentPerServer: 0 })).toThrow(/limits\.maxConcurrentPerServer/);
    expect(() => new ServerLimits({ maxQueue: -1 })).toThrow(/limits\.maxQueue/);
    expect(() => new ServerLimits({ maxQueue: 1.5 })).toThrow(/limits\.maxQueue/);
  });
});

describe('the service under load', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startServiceHarness({ service: { limits: { maxConcurrentPerServer: 1, maxQueue: 1 } } });
    // Log the clients in before the faults: the test is about calls, not logins.
    expect((await h.call('list_groups', { limit: 1 })).status).toBe(200);
    expect((await h.call('list_groups', { limit: 1 }, { connection: 'branch' })).status).toBe(200);
  });
  afterEach(async () => {
    await h.emu.control('DELETE', '/__emulator/faults');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers 429 with Retry-After when the queue of a KSC server is full, and serves the others', async () => {
    await h.emu.control('POST', '/__emulator/faults', { latencyMs: 300 });
    const calls = [1, 2, 3].map(() => h.call('list_groups', { limit: 1 }));
    const branch = h.call('list_groups', { limit: 1 }, { connection: 'branch' });
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(resultOf(refused).errors[0]).toMatchObject({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: expect.stringContaining('queue is full') as unknown,
    });
    expect((await branch).status).toBe(200);

    const audit = await h.get(`/v1/audit?command=list_groups`, h.tokens.admin);
    const requestId = refused.headers.get('x-request-id');
    const entries = (
      audit.json as { entries: Array<{ requestId: string; outcome: string; statusCode: number }> }
    ).entries;
    expect(entries.find((e) => e.requestId === requestId)).toMatchObject({
      outcome: 'rate_limited',
      statusCode: 429,
    });
  });
});

describe('graceful shutdown', () => {
  it('finishes a call in flight, refuses new connections, then stops', async () => {
    const h = await startServiceHarness();
    try {
      expect((await h.call('list_groups', { limit: 1 })).status).toBe(200);
      await h.emu.control('POST', '/__emulator/faults', { latencyMs: 600 });
      const seen = await h.emu.callsReceived();
      const inFlight = h.call('list_hosts', { limit: 3 });
      await waitFor(async () => (await h.emu.callsReceived()) > seen, { what: 'the call to reach KSC' });
      const closing = h.service.close();
      await expect(request(h.service.url, '/healthz')).rejects.toThrow();
      const answer = await inFlight;
      // Timed from the last answer: before it, the service waits on KSC's latency (several calls of 600 ms).
      const answered = Date.now();
      expect(answer.status).toBe(200);
      expect(resultOf(answer).status).toBe('Successful');
      expect(answer.headers.get('connection')).toBe('close');
      await closing;
      // Stops once its calls are done, not after the grace period (30 s by default).
      expect(Date.now() - answered).toBeLessThan(5000);
    } finally {
      await h.emu.control('DELETE', '/__emulator/faults');
      await h.stop();
    }
  });

  it('aborts what still runs after the grace period, so a stop never hangs', async () => {
    const h = await startServiceHarness({ service: { shutdownGraceMs: 100 } });
    try {
      expect((await h.call('list_groups', { limit: 1 })).status).toBe(200);
      await h.emu.control('POST', '/__emulator/faults', { latencyMs: 5000 });
      const seen = await h.emu.callsReceived();
      const slow = h.call('list_hosts', { limit: 3 }).catch((error: unknown) => error);
      await waitFor(async () => (await h.emu.callsReceived()) > seen, { what: 'the call to reach KSC' });
      const started = Date.now();
      await h.service.close();
      // The grace period, then the abort's own grace (2 s): well before the KSC call would have answered.
      expect(Date.now() - started).toBeLessThan(3500);
      // The KSC call in flight is cut, and the caller told to retry elsewhere: never the 5 s result.
      const outcome = (await slow) as Awaited<ReturnType<typeof h.call>>;
      expect(outcome.status).toBe(503);
      expect(resultOf(outcome).errors[0]).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', statusCode: 503 });
      expect(resultOf(outcome).errors[0]!.message).toContain('shutting down');
      expect(h.logs.some((r) => r.level === 'warn' && r.message.includes('aborting them'))).toBe(true);
    } finally {
      await h.emu.control('DELETE', '/__emulator/faults');
      await h.stop();
    }
  });
});
