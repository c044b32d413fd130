import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileIdempotencyStore,
  STATE_FILE,
  stateDirectory,
} from '../../../src/adapters/cli/idempotency-file-store.ts';
import type { CommandResult } from '../../../src/commands/core/types.ts';
import { stringifyWireJson, type WireJson } from '../../../src/wire/json.ts';
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
    // The results are in the state file, which only its owner may read.
    const mode = statSync(join(dir, STATE_FILE)).mode & 0o777;
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

    // A run that crashed leaves its claim behind: here one still hanging, its claim made three hours ago.
    let ran = false;
    const key = 'crashed';
    let leave: () => void = () => undefined;
    const threeHoursAgo = () => Date.now() - 3 * 3_600_000;
    const hangingRunning = deferred();
    const hanging = new FileIdempotencyStore(dir, threeHoursAgo).once('c', key, () => {
      hangingRunning.resolve();
      return new Promise<CommandResult>((r) => (leave = () => r(result(9, 'Failed'))));
    });
    await hangingRunning.promise;
    await new FileIdempotencyStore(dir).once('c', key, async () => {
      ran = true;
      return result(3);
    });
    expect(ran).toBe(true);
    leave();
    await hanging;
  });

  it('replays a result an earlier version kept in its JSON file, within its window', async () => {
    // Earlier versions: one file per key in <state dir>/idempotency, named by the SHA-256 of command NUL key.
    const legacy = (command: string, key: string, at: number, n: number) => {
      mkdirSync(join(dir, 'idempotency'), { recursive: true });
      const name = createHash('sha256').update(`${command}\u0000${key}`).digest('hex');
      const entry = { at, command, key, result: result(n) } as unknown as WireJson;
      writeFileSync(join(dir, 'idempotency', `${name}.json`), stringifyWireJson(entry), { mode: 0o600 });
    };
    let now = 5_000_000;
    const store = new FileIdempotencyStore(dir, () => now, 60_000);
    legacy('delete_group', 'old', now - 1000, 7);
    legacy('delete_group', 'older', now - 60_001, 8);
    let runs = 0;
    const work = async () => result(100 + ++runs);
    expect(await store.once('delete_group', 'old', work)).toEqual(result(7));
    expect(await store.get('delete_group', 'old')).toEqual(result(7));
    expect(runs).toBe(0);
    // Past its window it is gone, as it was.
    expect(await store.once('delete_group', 'older', work)).toEqual(result(101));
    now += 60_000;
    expect(await store.once('delete_group', 'old', work)).toEqual(result(102));
  });

  it('keeps state under KCONNECT_STATE_DIR, else XDG_STATE_HOME', () => {
    expect(stateDirectory({ KCONNECT_STATE_DIR: '/s' })).toBe('/s');
    expect(stateDirectory({ XDG_STATE_HOME: '/x' })).toBe('/x/kconnect');
    expect(stateDirectory({})).toMatch(/\.local\/state\/kconnect$/);
  });
});
