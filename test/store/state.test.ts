import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvalidStateKeyError, StateStore } from '../../src/store/state.ts';
import { createTestDatabase, withClient, type TestDatabase } from '../support/postgres.ts';

describe.each(['sqlite', 'postgres'] as const)('StateStore on %s', (backend) => {
  // Two stores on one database: two workers, each with its own connection.
  let a: StateStore;
  let b: StateStore;
  let database: TestDatabase | undefined;
  let dir: string | undefined;
  let clock = 1_000_000;
  const now = () => clock;

  beforeAll(async () => {
    let location: { url: string } | { file: string };
    if (backend === 'postgres') {
      database = await createTestDatabase(inject('pgUrl'), 'state');
      location = { url: database.url };
    } else {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-state-'));
      location = { file: path.join(dir, 'state.sqlite') };
    }
    [a, b] = await Promise.all([StateStore.open(location, { now }), StateStore.open(location, { now })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps JSON values exactly, integers beyond 2^53 included, with a version that grows per write', async () => {
    expect(await a.get('t', 'k')).toBeUndefined();
    const value = { big: 2n ** 63n - 1n, text: 'ünïcødé "quoted"\n', list: [1, 2.5, null, true] };
    const first = await a.put('t', 'k', value);
    expect(first).toMatchObject({
      namespace: 't',
      key: 'k',
      version: 1,
      expiresAt: undefined,
      updatedAt: clock,
    });
    expect((await b.get('t', 'k'))?.value).toEqual(value);
    expect((await b.put('t', 'k', 'second')).version).toBe(2);
    expect(await a.get('t', 'k')).toMatchObject({ value: 'second', version: 2 });
    // Namespaces are apart.
    expect(await a.get('other', 'k')).toBeUndefined();
  });

  it('compare-and-set: of two workers that read one version, exactly one advances it', async () => {
    expect(await a.compareAndSet('checkpoints', 'pipeline-1/file', 0, { position: 10 })).toMatchObject({
      version: 1,
    });
    // "None" is no longer true.
    expect(await b.compareAndSet('checkpoints', 'pipeline-1/file', 0, { position: 11 })).toBeUndefined();
    const seen = (await a.get('checkpoints', 'pipeline-1/file'))!;
    const outcomes = await Promise.all([
      a.compareAndSet('checkpoints', 'pipeline-1/file', seen.version, { position: 20 }),
      b.compareAndSet('checkpoints', 'pipeline-1/file', seen.version, { position: 30 }),
    ]);
    const winners = outcomes.filter((o) => o !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.version).toBe(2);
    expect((await a.get('checkpoints', 'pipeline-1/file'))?.value).toEqual(winners[0]!.value);
    // A stale version loses; the loser reads again and then wins.
    expect(await b.compareAndSet('checkpoints', 'pipeline-1/file', 1, { position: 40 })).toBeUndefined();
    const again = (await b.get('checkpoints', 'pipeline-1/file'))!;
    expect(
      await b.compareAndSet('checkpoints', 'pipeline-1/file', again.version, { position: 40 }),
    ).toMatchObject({ version: 3, value: { position: 40 } });
    await expect(a.compareAndSet('checkpoints', 'x', -1, 1)).rejects.toThrow(/not a version/);
  });

  it('many concurrent claims of one new key: exactly one wins', async () => {
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).compareAndSet('claims', 'one', 0, i)),
    );
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
  });

  it('an expired entry reads as absent, is taken over by compare-and-set from none, and is swept', async () => {
    clock = 2_000_000;
    await a.put('leases', 'l1', 'holder-1', { expiresAt: clock + 1000 });
    await a.put('leases', 'l2', 'forever');
    await a.put('leases', 'l3', 'short', { expiresAt: clock + 10 });
    expect(await b.get('leases', 'l1')).toMatchObject({ value: 'holder-1', expiresAt: clock + 1000 });
    expect(await b.compareAndSet('leases', 'l1', 0, 'holder-2')).toBeUndefined();
    clock += 1000;
    expect(await b.get('leases', 'l1')).toBeUndefined();
    expect((await b.list('leases')).map((e) => e.key)).toEqual(['l2']);
    // The expired holder cannot write on with its version; a newcomer takes over, the version goes on.
    expect(await a.compareAndSet('leases', 'l1', 1, 'holder-1 again')).toBeUndefined();
    const taken = await b.compareAndSet('leases', 'l1', 0, 'holder-2', { expiresAt: clock + 1000 });
    expect(taken).toMatchObject({ value: 'holder-2', version: 2 });
    expect(await a.sweepExpired()).toBe(1); // l3
    expect(await a.sweepExpired()).toBe(0);
    expect((await a.list('leases')).map((e) => [e.key, e.value])).toEqual([
      ['l1', 'holder-2'],
      ['l2', 'forever'],
    ]);
  });

  it('deletes, with a version only while it is still that version', async () => {
    const entry = await a.put('del', 'k', 1);
    await a.put('del', 'k', 2);
    expect(await b.delete('del', 'k', entry.version)).toBe(false);
    expect(await b.delete('del', 'k', entry.version + 1)).toBe(true);
    expect(await b.get('del', 'k')).toBeUndefined();
    expect(await b.delete('del', 'k')).toBe(false);
    await a.put('del', 'k', 3);
    expect(await b.delete('del', 'k')).toBe(true);
    // Gone means gone: the key starts again at version 1.
    expect((await a.put('del', 'k', 4)).version).toBe(1);
  });

  it('lists by prefix in byte order, case-sensitively, treating LIKE wildcards as text, in pages', async () => {
    const keys = [
      'a',
      'a%',
      'a/1',
      'a/2',
      'a/10',
      'a_',
      'ab',
      'A/1',
      'b',
      'é',
      'é/1',
      '\u{10ffff}',
      '\u{10ffff}x',
    ];
    for (const key of keys) await a.put('list', key, key);
    const listed = async (prefix: string, options = {}) =>
      (await b.list('list', prefix, options)).map((e) => e.key);
    expect(await listed('a/')).toEqual(['a/1', 'a/10', 'a/2']);
    expect(await listed('a')).toEqual(['a', 'a%', 'a/1', 'a/10', 'a/2', 'a_', 'ab']);
    expect(await listed('a%')).toEqual(['a%']);
    expect(await listed('a_')).toEqual(['a_']);
    expect(await listed('A')).toEqual(['A/1']);
    expect(await listed('é')).toEqual(['é', 'é/1']);
    expect(await listed('\u{10ffff}')).toEqual(['\u{10ffff}', '\u{10ffff}x']);
    expect(await listed('')).toEqual(
      [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
    );
    expect(await listed('a', { limit: 3 })).toEqual(['a', 'a%', 'a/1']);
    expect(await listed('a', { after: 'a/1', limit: 3 })).toEqual(['a/10', 'a/2', 'a_']);
    await expect(b.list('list', '', { limit: 0 })).rejects.toThrow(/positive integer/);
  });

  it('refuses namespaces and keys that PostgreSQL cannot hold, the same on both backends', async () => {
    const refused = [
      () => a.get('', 'k'),
      () => a.put('t', 'nul\u0000', 1),
      () => a.put('t', 'lone \ud800 surrogate', 1),
      () => a.compareAndSet('t', 'x'.repeat(1025), 0, 1),
      () => a.list('n'.repeat(129)),
    ];
    for (const call of refused) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidStateKeyError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    }
    // Other control characters and the largest allowed key are fine.
    expect((await a.put('t', `tab\there${'x'.repeat(1016)}`, 1)).version).toBe(1);
  });
});

// Keys are compared byte by byte whatever the database's collation: else a prefix range misses keys.
describe('StateStore on a PostgreSQL database with a linguistic default collation (ICU en-US)', () => {
  const name = `kconnect_state_icu_${process.pid}_${Date.now().toString(36)}`;
  let store: StateStore;
  beforeAll(async () => {
    const admin = inject('pgUrl');
    await withClient(admin, (client) =>
      client.query(
        `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`,
      ),
    );
    const url = new URL(admin);
    url.pathname = `/${name}`;
    store = await StateStore.open({ url: url.toString() });
  });
  afterAll(async () => {
    await store?.close();
    await withClient(inject('pgUrl'), (client) =>
      client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
    );
  });

  it('still lists by prefix in byte order', async () => {
    for (const key of ['a', 'a/1', 'a_', 'A/1', 'ab', 'B', 'b']) await store.put('list', key, key);
    expect((await store.list('list', 'a')).map((e) => e.key)).toEqual(['a', 'a/1', 'a_', 'ab']);
    expect((await store.list('list')).map((e) => e.key)).toEqual(['A/1', 'B', 'a', 'a/1', 'a_', 'ab', 'b']);
  });
});
