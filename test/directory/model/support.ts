/**
 * Builders of checked directory events and a store per backend for the model tests: the seed 003 instance, users
 * and groups named by trustee + uid, memberships by any identifiers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { DirectoryStore } from '../../../src/directory/model/index.ts';
import type {
  DirectoryIds,
  DirectoryInfo,
  MembershipEvent,
  ObjectInfoEvent,
  ObjectsDeletedEvent,
  PublisherInstance,
  ResetEvent,
} from '../../../src/directory/types.ts';
import { DIRECTORY_SOURCE } from '../../../src/directory/types.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';

export const INSTANCE: PublisherInstance = {
  tenantId: '3031feff-815a-4920-a781-0201d1b2cb13',
  kscInstanceId: '95d3de78-a56c-4bf4-83a1-819ff859e9ec',
};

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

export interface Opened {
  readonly store: DirectoryStore;
  readonly location: { url: string } | { file: string };
  close(): Promise<void>;
}

/** A fresh, empty directory on the backend. */
export async function openStore(backend: Backend, name: string, now?: () => number): Promise<Opened> {
  let database: TestDatabase | undefined;
  let dir: string | undefined;
  let location: { url: string } | { file: string };
  if (backend === 'postgres') {
    database = await createTestDatabase(inject('pgUrl'), name);
    location = { url: database.url };
  } else {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-directory-'));
    location = { file: path.join(dir, 'state.sqlite') };
  }
  const store = await DirectoryStore.open(location, now === undefined ? {} : { now });
  return {
    store,
    location,
    async close() {
      await store.close();
      await database?.drop();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The store of one `describe` block: opened before and closed after every test (`per: 'test'`, for tests that
 * each need an empty directory) or once for the block (`per: 'block'`, for tests that keep apart by tenant).
 * Usable from tests and hooks only; hooks the block registers after this call see the store opened.
 */
export function useStore(
  backend: Backend,
  name: string,
  options: { per: 'test' | 'block'; now?: () => number },
): Pick<Opened, 'store' | 'location'> {
  let opened: Opened | undefined;
  const [before, after] = options.per === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    opened = await openStore(backend, name, options.now);
  });
  after(async () => {
    await opened?.close();
  });
  const current = (): Opened => {
    if (opened === undefined)
      throw new Error(`the ${name} store is not open: use it inside a test or a hook`);
    return opened;
  };
  return {
    get store() {
      return current().store;
    },
    get location() {
      return current().location;
    },
  };
}

let sequence = 0;
/** An event id and a time `second` seconds after the seed's reset. */
export function at(second: number): { id: string; time: string } {
  sequence++;
  const time = new Date(Date.UTC(2024, 8, 13, 9, 44, 22) + second * 1000).toISOString().replace('.000Z', 'Z');
  return { id: `ev-${String(sequence).padStart(6, '0')}`, time };
}

const base = (type: string, second: number, instance: PublisherInstance = INSTANCE) => ({
  ...at(second),
  source: DIRECTORY_SOURCE,
  type,
  instance,
});

export function userInfo(n: number, second: number, info: Partial<DirectoryInfo> = {}): ObjectInfoEvent {
  return {
    ...base('ds_user_info', second),
    type: 'ds_user_info',
    trustee: { id: String(1000 + n), sfx: '65536' },
    info: {
      ds: 'AD',
      uid: uidOf('u', n),
      sidHash: `sidhash-u${n}`,
      dn: `cn=User ${n},ou=people,dc=example,dc=com`,
      displayName: `User ${n}`,
      upn: `user${n}@example.com`,
      samName: `USER${n}`,
      mail: `user${n}@example.com`,
      ...info,
    },
  };
}

export function groupInfo(n: number, second: number, info: Partial<DirectoryInfo> = {}): ObjectInfoEvent {
  return {
    ...base('ds_group_info', second),
    type: 'ds_group_info',
    trustee: { id: String(5000 + n), sfx: '33554432' },
    info: {
      ds: 'AD',
      uid: uidOf('g', n),
      dn: `cn=Group ${n},ou=groups,dc=example,dc=com`,
      displayName: `Group ${n}`,
      samName: `GROUP${n}`,
      ...info,
    },
  };
}

export function uidOf(prefix: 'u' | 'g', n: number): string {
  const hex = (prefix === 'u' ? 1 : 2).toString(16) + n.toString(16).padStart(11, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export const user = (n: number): DirectoryIds => ({ uid: uidOf('u', n) });
export const group = (n: number): DirectoryIds => ({ uid: uidOf('g', n) });

export function members(
  type: 'ds_group_members' | 'ds_group_members_deleted',
  g: DirectoryIds,
  chunk: readonly DirectoryIds[],
  second: number,
): MembershipEvent {
  return { ...base(type, second), type, subject: g, chunk };
}

export function memberOf(
  type: 'ds_obj_memberof' | 'ds_obj_memberof_deleted',
  o: DirectoryIds,
  chunk: readonly DirectoryIds[],
  second: number,
): MembershipEvent {
  return { ...base(type, second), type, subject: o, chunk };
}

export function deleted(chunk: readonly DirectoryIds[], second: number): ObjectsDeletedEvent {
  return { ...base('ds_obj_deleted', second), type: 'ds_obj_deleted', chunk };
}

export function reset(type: 'ds_info_reset' | 'ds_info_reset_complete', second: number): ResetEvent {
  return { ...base(type, second), type };
}

/** What the queries show of the directory, in a form two stores can be compared by. */
export async function snapshot(store: DirectoryStore): Promise<unknown> {
  const users = await store.listUsers({ limit: 1000 });
  const groups = await store.listGroups({ limit: 1000 });
  const out: Record<string, unknown> = {};
  for (const u of users.items) {
    const detail = (await store.getUser(u.info.upn ?? '')).candidates[0]!;
    out[`user ${u.info.upn}`] = {
      info: u.info,
      groups: detail.groups.map((g) => `${g.object.info.samName}@${g.depth}`).sort(),
    };
  }
  for (const g of groups.items) {
    const detail = (await store.groupMembers(g.info.samName ?? '')).candidates[0]!;
    out[`group ${g.info.samName}`] = {
      info: g.info,
      members: detail.members.map((m) => m.object.info.samName).sort(),
    };
  }
  return out;
}
