import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileIdempotencyStore, stateDirectory } from '../../../src/adapters/cli/idempotency-file-store.ts';
import type { CommandResult } from '../../../src/commands/core/types.ts';
import { deferred } from '../../support/wait-for.ts';

const result = (n: number, status: CommandResult['status'] = 'Successful'): CommandResult => ({
  status,
  raw: { big: 2n ** 62n, n },
  context: [{ n }],
  keyFields: { N: n },
  result: { title: 'Delete Group', columns: ['N'], rows: [[n]] },
  errors: [],
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-idem-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('FileIdempotencyStore', () => {
  it('replays the first result to another store on the same directory (another process), exactly', async () => {
    let runs = 0;
    const work = async () => result(++runs);
    const first = await new FileIdempotencyStore(dir).once('delete_group', 'k', work);
    const second = await new FileIdempotencyStore(dir).once('delete_group', 'k', work);
    expect(runs).toBe(1);
    expect(second).toEqual(first);
    expect(second.raw).toEqual({ big: 2n ** 62n, n: 1 });
    // Another command or key acts.
    await new FileIdempotencyStore(dir).once('delete_group', 'other', work);
    await new FileIdempotencyStore(dir).once('isolate_hosts', 'k', work);
    expect(runs).toBe(3);
    const mode =
      statSync(
        join(
          dir,
          readdirSync(dir).find((n) => n.endsWith('.json'))!,
        ),
      ).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('does not remember a failure, and forgets after the window', async () => {
    let now = 1_000_000;
    const store = new FileIdempotencyStore(dir, () => now, 60_000);
    let runs = 0;
    await store.once('c', 'k', async () => result(++runs, 'Failed'));
    await store.once('c', 'k', async () => result(++runs));
    expect(runs).toBe(2);
    await store.once('c', 'k', async () => result(++runs));
    expect(runs).toBe(2);
    now += 60_001;
    await store.once('c', 'k', async () => result(++runs));
    expect(runs).toBe(3);
  });

  it('refuses a concurrent run of the same key with 409, and takes over a lock left long ago', async () => {
    const store = new FileIdempotencyStore(dir);
    let release: () => void = () => undefined;
    const slowRunning = deferred();
    const slow = store.once('delete_group', 'k', () => {
      slowRunning.resolve();
      return new Promise<CommandResult>((r) => (release = () => r(result(1))));
    });
    // The work runs only once the lock is taken.
    await slowRunning.promise;
    const concurrent = await new FileIdempotencyStore(dir).once('delete_group', 'k', async () => result(2));
    expect(concurrent.status).toBe('Failed');
    expect(concurrent.errors[0]).toMatchObject({
      statusCode: 409,
      code: 'CONFLICT',
      failureIndicator: 'Delete Group failed.',
    });
    release();
    expect((await slow).keyFields).toEqual({ N: 1 });

    // A run that crashed leaves its lock behind: here one still hanging, its lock made three hours old.
    let ran = false;
    const key = 'crashed';
    let leave: () => void = () => undefined;
    const hangingRunning = deferred();
    const hanging = new FileIdempotencyStore(dir).once('c', key, () => {
      hangingRunning.resolve();
      return new Promise<CommandResult>((r) => (leave = () => r(result(9, 'Failed'))));
    });
    await hangingRunning.promise;
    const lockFile = readdirSync(dir).find((n) => n.endsWith('.lock'))!;
    const old = (Date.now() - 3 * 3_600_000) / 1000;
    utimesSync(join(dir, lockFile), old, old);
    await new FileIdempotencyStore(dir).once('c', key, async () => {
      ran = true;
      return result(3);
    });
    expect(ran).toBe(true);
    leave();
    await hanging;
  });

  it('keeps state under KCONNECT_STATE_DIR, else XDG_STATE_HOME', () => {
    expect(stateDirectory({ KCONNECT_STATE_DIR: '/s' })).toBe('/s');
    expect(stateDirectory({ XDG_STATE_HOME: '/x' })).toBe('/x/kconnect');
    expect(stateDirectory({})).toMatch(/\.local\/state\/kconnect$/);
  });
});
