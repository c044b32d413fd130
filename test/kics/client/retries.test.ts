/**
 * Retries and cancels of the KICS client against the emulator's fault injection: reads repeated with full-jitter
 * waits up to the attempt limit, changes never repeated, abort signals ending calls at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, KicsApiError, type KicsClient } from '../../../src/kics/client/index.ts';
import { startClientHarness, type ClientHarness } from './harness.ts';

describe('KICS client: retries and cancels', () => {
  let harness: ClientHarness;
  let kics: KicsClient;
  const waits: number[] = [];
  beforeAll(async () => {
    harness = await startClientHarness({ devices: 10, events: 30 });
    kics = await harness.client(
      undefined,
      { attempts: 4, backoffMs: 100 },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.999 },
    );
    await kics.about(); // the token, before the faults hit the token endpoint too
  });
  afterEach(async () => {
    waits.length = 0;
    await harness.control('DELETE', '/faults');
  });
  afterAll(async () => {
    await kics.close();
    await harness.close();
  });

  it('repeats a read after 503 with growing full-jitter waits, then reports the status', async () => {
    await harness.control('POST', '/faults', { errorRate: 1, errorStatus: 503 });
    const error = await kics.queryDevices({ limit: 1 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(KicsApiError);
    expect(error).toMatchObject({
      status: 503,
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: true,
      operation: 'queryDevices',
    });
    expect(waits).toEqual([99, 199, 399]);
  });

  it('never repeats a change', async () => {
    const event = (await kics.queryEvents({ limit: 1 })).values[0]!;
    await harness.control('POST', '/faults', { errorRate: 1, errorStatus: 503 });
    const error = await kics.updateEvent(event.id, { mark: 1 }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      name: 'KicsApiError',
      status: 503,
      retryable: false,
      operation: 'updateEvent',
    });
    expect(waits).toEqual([]);
  });

  it('ends a call when its signal aborts, and sends nothing for an aborted one', async () => {
    await harness.control('POST', '/faults', { latencyMs: 5000 });
    const started = Date.now();
    const error = await kics
      .withSignal(AbortSignal.timeout(200))
      .about()
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ operation: 'about', code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(3000);
    const aborted = new AbortController();
    aborted.abort();
    await expect(kics.deleteDevice(1, { signal: aborted.signal })).rejects.toBeInstanceOf(CancelledError);
    await harness.control('DELETE', '/faults');
    expect((await kics.getDevice(1)).id).toBe(1);
  });
  it('repeats a token request the server could not answer, and does not give up the client for it', async () => {
    const fresh = await harness.client(
      undefined,
      { attempts: 3 },
      { sleep: async (ms) => void waits.push(ms) },
    );
    try {
      await harness.control('POST', '/faults', { errorRate: 1, errorStatus: 503 });
      const error = await fresh.about().catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ name: 'KicsApiError', status: 503, operation: 'token', retryable: true });
      expect(waits).toHaveLength(2);
      await harness.control('DELETE', '/faults');
      expect(typeof (await fresh.about()).version).toBe('string');
    } finally {
      await fresh.close();
    }
  });
});
