import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileIdempotencyStore, STATE_FILE } from '../../src/adapters/cli/idempotency-file-store.ts';
import { ApiTokens } from '../../src/adapters/http/auth.ts';
import { openServiceDatabase } from '../../src/adapters/http/store.ts';
import type { CommandResult } from '../../src/commands/core/types.ts';
import { startKscEmulator } from '../../src/emulator/ksc/emulator.ts';
import { openDatabase } from '../../src/store/database.ts';
import { StateStore } from '../../src/store/state.ts';
import { TEST_PASSWORD } from '../support/ksc-emulator.ts';

const modeOf = (file: string): number => statSync(file).mode & 0o777;

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kconnect-modes-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('files kconnect keeps at rest are private: files 600, directories it makes 700', () => {
  it('a SQLite database, its -wal and -shm files, and the directories made for it', async () => {
    const file = path.join(root, 'made', 'for', 'it', 'data.sqlite');
    const database = openDatabase<{ t: { id: number } }>({ file });
    try {
      await sql`create table t (id integer primary key)`.execute(database.db);
      await database.db.insertInto('t').values({ id: 1 }).execute();
      // Open and written: the write-ahead log and the shared-memory index exist now.
      for (const name of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(name), name).toBe(true);
        expect(modeOf(name), name).toBe(0o600);
      }
      for (const made of ['made', 'made/for', 'made/for/it'])
        expect(modeOf(path.join(root, made)), made).toBe(0o700);
    } finally {
      await database.close();
    }
  });

  it('keeps the mode of a directory that was there before (it may be the user’s)', async () => {
    const shared = path.join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const database = openDatabase({ file: path.join(shared, 'data.sqlite') });
    await database.close();
    expect(modeOf(shared)).toBe(0o755);
    expect(modeOf(path.join(shared, 'data.sqlite'))).toBe(0o600);
  });

  it('a state store file', async () => {
    const file = path.join(root, 'state-store', 'state.sqlite');
    const state = await StateStore.open({ file });
    try {
      await state.put('t', 'k', 1);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(path.dirname(file))).toBe(0o700);
    } finally {
      await state.close();
    }
  });

  it('the CLI state file with its idempotency keys, and the CLI state directory', async () => {
    const directory = path.join(root, 'home', '.local', 'state', 'kconnect');
    const result: CommandResult = {
      status: 'Successful',
      raw: null,
      context: null,
      keyFields: {},
      result: { title: 'Delete Group', columns: [], rows: [] },
      errors: [],
    };
    await new FileIdempotencyStore(directory).once('delete_group', 'k', () => Promise.resolve(result));
    expect(modeOf(path.join(directory, STATE_FILE))).toBe(0o600);
    expect(modeOf(directory)).toBe(0o700);
  });

  it('the service database with the API tokens', async () => {
    const file = path.join(root, '.kconnect', 'service.db');
    const database = await openServiceDatabase({ file });
    try {
      await new ApiTokens(database.db).create('modes', 'read');
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(path.dirname(file))).toBe(0o700);
    } finally {
      await database.close();
    }
  });

  it('the emulator’s data directory and its world database', async () => {
    const dataDir = path.join(root, 'emulator', 'ksc');
    const emulator = await startKscEmulator({
      http: true,
      port: 0,
      dataDir,
      adminPassword: TEST_PASSWORD,
      hosts: 3,
      events: 10,
    });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      // A write after the seed's bulk load (which runs without the write-ahead log) brings the -wal file back.
      await emulator.world.db.insertInto('meta').values({ key: 'file-modes-test', value: '1' }).execute();
      const world = path.join(dataDir, 'ksc.sqlite');
      for (const name of [world, `${world}-wal`, `${world}-shm`]) expect(modeOf(name), name).toBe(0o600);
    } finally {
      await emulator.close();
    }
  });
});
