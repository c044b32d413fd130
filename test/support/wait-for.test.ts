import { describe, expect, it } from 'vitest';
import { deferred, waitFor, WaitTimeoutError } from './wait-for.ts';

describe('waitFor', () => {
  it('resolves with the first truthy value the probe returns, sync or async', async () => {
    let looks = 0;
    expect(await waitFor(() => (++looks >= 3 ? `look ${looks}` : undefined), { intervalMs: 1 })).toBe(
      'look 3',
    );
    expect(await waitFor(async () => Promise.resolve(42))).toBe(42);
  });

  it('gives up at the deadline, saying what it waited for and what it saw last', async () => {
    const error = await waitFor(() => 0, { timeoutMs: 30, intervalMs: 5, what: () => 'the answer' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ what: 'the answer', timeoutMs: 30, lastValue: 0 });
    expect((error as Error).message).toBe('gave up waiting for the answer after 30 ms (last seen: 0)');
  });

  it('stops at once when the probe throws', async () => {
    let looks = 0;
    const failing = waitFor(() => {
      looks++;
      throw new Error('cannot look');
    });
    await expect(failing).rejects.toThrow('cannot look');
    expect(looks).toBe(1);
  });
});

describe('deferred', () => {
  it('resolves its promise when told', async () => {
    const reached = deferred();
    let done = false;
    void reached.promise.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    reached.resolve();
    await reached.promise;
    expect(done).toBe(true);
  });
});
