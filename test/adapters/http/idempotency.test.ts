import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseIdempotencyStore,
  SERVICE_IDEMPOTENCY_NAMESPACE,
  serviceIdempotencyKey,
} from '../../../src/adapters/http/idempotency.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../src/adapters/http/store.ts';
import type { CommandResult } from '../../../src/commands/index.ts';
import { StateStore } from '../../../src/store/state.ts';
import { deferred, waitFor } from '../../support/wait-for.ts';
import { testServiceDatabase } from './support.ts';

function result(marker: string | bigint, status: CommandResult['status'] = 'Successful'): CommandResult {
  return {
    status,
    raw: { marker },
    context: null,
    keyFields: {},
    result: { title: 'T', columns: [], rows: [] },
    errors:
      status === 'Failed'
        ? [{ failureIndicator: 'T failed.', statusCode: 502, code: 'UPSTREAM_ERROR', message: 'boom' }]
        : [],
  };
}

describe.each(['sqlite', 'postgres'] as const)('DatabaseIdempotencyStore on %s', (kind) => {
  // Two handles on one database: two replicas, each with its own connections.
  let a: ServiceDatabase;
  let b: ServiceDatabase;
  let drop: () => Promise<void>;
  let clock = 1_000_000;
  const now = () => clock;
  // A replica that finds a key claimed polls for the result: counting its pauses tells a test it is waiting.
  let polls = 0;
  const sleep = (ms: number) => {
    polls++;
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
  const options = { now, pollMs: 5, leaseMs: 1000, sleep };
  /** Until one replica runs the work and the other waits for its result. */
  const oneRunsOneWaits = (runs: () => number) => {
    const pollsBefore = polls;
    return waitFor(() => runs() === 1 && polls > pollsBefore, { what: 'one replica running, one waiting' });
  };
  let storeA: DatabaseIdempotencyStore;
  let storeB: DatabaseIdempotencyStore;

  beforeAll(async () => {
    const location = await testServiceDatabase(kind);
    drop = location.drop;
    a = await openServiceDatabase(location.location);
    b = await openServiceDatabase(location.location);
    storeA = new DatabaseIdempotencyStore(a.db, { ...options, replica: 'a' });
    storeB = new DatabaseIdempotencyStore(b.db, { ...options, replica: 'b' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
  });

  it('runs the work once when two replicas get the same key at the same time; both get its result', async () => {
    let runs = 0;
    const gate = deferred();
    const work = async () => {
      runs++;
      await gate.promise;
      return result(`run ${runs}`);
    };
    const bothThere = oneRunsOneWaits(() => runs);
    const first = storeA.once('scan_hosts', 'k1', work);
    const second = storeB.once('scan_hosts', 'k1', work);
    await bothThere;
    gate.resolve();
    const [x, y] = await Promise.all([first, second]);
    expect(runs).toBe(1);
    expect(x).toEqual(result('run 1'));
    expect(y).toEqual(x);
    // A later repeat on either replica gets it too, without running.
    expect(await storeB.once('scan_hosts', 'k1', work)).toEqual(x);
    expect(await storeA.get('scan_hosts', 'k1')).toEqual(x);
    expect(runs).toBe(1);
  });

  it('keeps integers beyond 2^53 exact in stored results', async () => {
    const big = 2n ** 63n - 1n;
    await storeA.once('scan_hosts', 'big', () => Promise.resolve(result(big)));
    const again = await storeB.once('scan_hosts', 'big', () => Promise.resolve(result('second')));
    expect((again.raw as { marker: unknown }).marker).toBe(big);
  });

  it('keys are per command and per scope', async () => {
    let runs = 0;
    const work = () => Promise.resolve(result(`run ${++runs}`));
    await storeA.once('isolate_hosts', 'shared', work);
    await storeA.once('unisolate_hosts', 'shared', work);
    await storeA.scoped('prod/tok_1').once('isolate_hosts', 'shared', work);
    await storeB.scoped('prod/tok_2').once('isolate_hosts', 'shared', work);
    expect(runs).toBe(4);
    expect(await storeB.scoped('prod/tok_1').once('isolate_hosts', 'shared', work)).toEqual(result('run 3'));
  });

  it('gives a waiting replica the failed result, but lets a later call with the key act again', async () => {
    const gate = deferred();
    let runs = 0;
    const failing = async () => {
      runs++;
      await gate.promise;
      return result('failed', 'Failed');
    };
    const bothThere = oneRunsOneWaits(() => runs);
    const first = storeA.once('delete_group', 'k2', failing);
    const waiting = storeB.once('delete_group', 'k2', failing);
    await bothThere;
    gate.resolve();
    expect(await first).toEqual(result('failed', 'Failed'));
    expect(await waiting).toEqual(result('failed', 'Failed'));
    expect(runs).toBe(1);
    expect(await storeA.get('delete_group', 'k2')).toBeUndefined();
    const retry = await storeB.once('delete_group', 'k2', () => Promise.resolve(result('fixed')));
    expect(retry).toEqual(result('fixed'));
  });

  it('forgets a result after the window', async () => {
    const store = new DatabaseIdempotencyStore(a.db, { ...options, windowMs: 10_000 });
    await store.once('add_group', 'k3', () => Promise.resolve(result('old')));
    clock += 9_000;
    expect(await store.once('add_group', 'k3', () => Promise.resolve(result('new')))).toEqual(result('old'));
    clock += 2_000;
    expect(await store.once('add_group', 'k3', () => Promise.resolve(result('new')))).toEqual(result('new'));
  });

  it('frees the key when the work throws, so a retry acts', async () => {
    await expect(storeA.once('scan_hosts', 'k4', () => Promise.reject(new Error('crash')))).rejects.toThrow(
      'crash',
    );
    expect(await storeB.once('scan_hosts', 'k4', () => Promise.resolve(result('ok')))).toEqual(result('ok'));
  });

  it('reports a claim whose replica stopped as interrupted (409, effect unknown) once, then frees the key', async () => {
    // A replica claimed the key and went away: its row says running, and nobody renews the lease.
    await new StateStore(a.db, { now }).put(
      SERVICE_IDEMPOTENCY_NAMESPACE,
      serviceIdempotencyKey('', 'isolate_hosts', 'k5'),
      { state: 'running', owner: 'gone/1', claimedAt: clock - 5000, leaseUntil: clock - 1, result: null },
      { expiresAt: clock + 86_400_000 },
    );
    const seen = await storeB.once('isolate_hosts', 'k5', () => Promise.resolve(result('should not run')));
    expect(seen.status).toBe('Failed');
    expect(seen.errors[0]).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(seen.errors[0]!.message).toContain('whether it acted is unknown');
    expect(await storeB.once('isolate_hosts', 'k5', () => Promise.resolve(result('acts now')))).toEqual(
      result('acts now'),
    );
  });

  it('remember and get work like the in-process store', async () => {
    expect(await storeA.get('x', 'none')).toBeUndefined();
    await storeA.remember('x', 'k6', result('remembered'));
    expect(await storeB.get('x', 'k6')).toEqual(result('remembered'));
    await storeB.remember('x', 'k6', result('replaced'));
    expect(await storeA.get('x', 'k6')).toEqual(result('replaced'));
  });
});
