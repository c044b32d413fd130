/**
 * Leases with fencing tokens on both backends, two stores on one database: acquire, renew, expiry (an injected
 * clock), takeover with a higher token, and a stale owner's checkpoint commit refused with LeaseLostError.
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CheckpointStore, type CheckpointContent } from '../../src/intake/checkpoints/index.ts';
import { LeaseLostError, type LeaseStore } from '../../src/intake/leases/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

function content(n: number): CheckpointContent {
  return {
    sourceCursor: { after: n },
    sinkPosition: { offset: n },
    totals: { records: n, documents: n, gaps: 0 },
  };
}

describe.each(['sqlite', 'postgres'] as const)('leases on %s', (backend) => {
  let clock = 1_000_000;
  const now = () => clock;
  let a: CheckpointStore;
  let b: CheckpointStore;
  let leasesA: LeaseStore;
  let leasesB: LeaseStore;
  let database: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    let location: { url: string } | { file: string };
    if (backend === 'postgres') {
      database = await createTestDatabase(inject('pgUrl'), 'leases');
      location = { url: database.url };
    } else {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-leases-'));
      location = { file: path.join(dir, 'state.sqlite') };
    }
    a = await CheckpointStore.open(location, { now });
    b = await CheckpointStore.open(location, { now });
    leasesA = a.leases();
    leasesB = b.leases();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('takes at once a lease whose owner was a process of this machine that is gone, never a live one', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const dead = `${os.hostname()}:${gone}:0badc0de`;
    const held = await leasesA.acquire('orphan', dead, 60_000);
    expect(held?.owner).toBe(dead);
    const taken = await leasesB.acquire('orphan', 'worker-b', 10_000);
    expect(taken).toMatchObject({ owner: 'worker-b', token: held!.token + 1 });

    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const live = `${os.hostname()}:${alive.pid}:0badc0de`;
      expect(await leasesA.acquire('busy', live, 60_000)).toMatchObject({ owner: live });
      expect(await leasesB.acquire('busy', 'worker-b', 10_000)).toBeUndefined();
      // Another machine's worker is never judged by this machine's processes.
      expect(await leasesA.acquire('remote', `elsewhere:${gone}:0badc0de`, 60_000)).toBeDefined();
      expect(await leasesB.acquire('remote', 'worker-b', 10_000)).toBeUndefined();
    } finally {
      alive.kill('SIGKILL');
    }
  });

  it('gives a free lease to one worker, renews it, and lets another take it only after it expired', async () => {
    const first = await leasesA.acquire('p1', 'worker-a', 10_000);
    expect(first).toEqual({ pipeline: 'p1', owner: 'worker-a', token: 1, expiresAt: clock + 10_000 });
    expect(await leasesB.acquire('p1', 'worker-b', 10_000)).toBeUndefined();
    clock += 6000;
    expect(await leasesA.renew('p1', 'worker-a', 1, 10_000)).toBe(true);
    clock += 6000; // 12 s after the first take, 6 s after the renewal: still held
    expect(await leasesB.acquire('p1', 'worker-b', 10_000)).toBeUndefined();
    clock += 4001; // past the renewed expiry
    const taken = await leasesB.acquire('p1', 'worker-b', 10_000);
    expect(taken).toMatchObject({ owner: 'worker-b', token: 2 });
    // The old owner's renewal fails: the token moved on.
    expect(await leasesA.renew('p1', 'worker-a', 1, 10_000)).toBe(false);
    expect(await leasesA.get('p1')).toMatchObject({ owner: 'worker-b', token: 2 });
  });

  it('a released lease is free at once and the next owner gets a higher token', async () => {
    await leasesA.acquire('p2', 'worker-a', 10_000);
    await leasesA.release('p2', 'worker-a', 1);
    expect(await leasesB.acquire('p2', 'worker-b', 10_000)).toMatchObject({ owner: 'worker-b', token: 2 });
  });

  it('fences every sink’s checkpoint of a pipeline with the pipeline’s one lease (decisions/0052)', async () => {
    const old = (await leasesA.acquire('p9', 'worker-a', 10_000))!;
    const fence = { token: old.token, lease: 'p9' };
    expect((await a.commit('p9/file', content(1), 0, fence)).generation).toBe(1);
    expect((await a.commit('p9/postgres', content(1), 0, fence)).generation).toBe(1);
    clock += 10_001;
    const next = (await leasesB.acquire('p9', 'worker-b', 10_000))!;
    const error = await a.commit('p9/postgres', content(2), 1, fence).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).toMatchObject({ pipeline: 'p9', currentOwner: 'worker-b', currentToken: next.token });
    expect(
      (await b.commit('p9/postgres', content(2), 1, { token: next.token, lease: 'p9' })).generation,
    ).toBe(2);
  });

  it('refuses a stale owner’s commit with LeaseLostError and takes the new owner’s', async () => {
    const old = (await leasesA.acquire('p3', 'worker-a', 10_000))!;
    const g1 = await a.commit('p3', content(1), 0, { token: old.token });
    expect(g1.generation).toBe(1);
    clock += 10_001; // worker-a paused past its expiry
    const next = (await leasesB.acquire('p3', 'worker-b', 10_000))!;
    expect(next.token).toBe(old.token + 1);
    const error = await a.commit('p3', content(2), 1, { token: old.token }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).toMatchObject({
      pipeline: 'p3',
      token: old.token,
      currentOwner: 'worker-b',
      currentToken: next.token,
    });
    const read = await b.read('p3');
    expect(read.checkpoint?.generation).toBe(1);
    expect((await b.commit('p3', content(2), read.head, { token: next.token })).generation).toBe(2);
    // Without a lease row at all, a fenced commit is refused too; an unfenced one (runPipeline alone) still works.
    await expect(a.commit('p4', content(1), 0, { token: 1 })).rejects.toBeInstanceOf(LeaseLostError);
    expect((await a.commit('p4', content(1), 0)).generation).toBe(1);
  });

  it('counts live workers from their heartbeats', async () => {
    await leasesA.heartbeat('worker-a', 10_000);
    await leasesB.heartbeat('worker-b', 10_000);
    const live = await leasesA.liveWorkers();
    expect(live).toBe(2);
    clock += 10_001;
    await leasesB.heartbeat('worker-b', 10_000);
    expect(await leasesA.liveWorkers()).toBe(1);
    await leasesB.leave('worker-b');
    expect(await leasesA.liveWorkers()).toBe(1);
  });
});
