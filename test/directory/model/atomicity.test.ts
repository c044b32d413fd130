/**
 * Each event is applied whole or not at all: a store that fails on the Nth statement of an event leaves nothing of
 * that event behind (not its memberships, not its placeholders, not its "seen" mark), and the events before it stay.
 */
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryStore, type DirectoryTables } from '../../../src/directory/model/index.ts';
import { openDatabase, type OpenDatabase } from '../../../src/store/database.ts';
import { BACKENDS, group, groupInfo, members, snapshot, user, userInfo, useStore } from './support.ts';

/** Fails the statement after `remaining` more have run, once armed, or the first that mentions `marker`. */
class FailOnStatement implements KyselyPlugin {
  remaining = Infinity;
  marker: string | undefined;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.marker !== undefined && JSON.stringify(args.node).includes(this.marker)) {
      this.marker = undefined;
      throw new Error('injected store failure');
    }
    if (this.remaining-- <= 0) {
      this.remaining = Infinity;
      throw new Error('injected store failure');
    }
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

describe.each(BACKENDS)('directory atomicity on %s', (backend) => {
  const opened = useStore(backend, 'directory_atomicity', { per: 'test' });
  let raw: OpenDatabase<DirectoryTables>;
  // Registered after the store's hooks: opened after it, and (vitest runs after-hooks as a stack) closed before it.
  beforeEach(() => {
    raw = openDatabase<DirectoryTables>(opened.location);
  });
  afterEach(async () => {
    await raw?.close();
  });

  async function rows(): Promise<unknown> {
    const out: Record<string, unknown> = {};
    for (const table of [
      'kconnect_directory_publishers',
      'kconnect_directory_objects',
      'kconnect_directory_identifiers',
      'kconnect_directory_memberships',
      'kconnect_directory_seen',
    ] as const) {
      out[table] = await raw.db.selectFrom(table).selectAll().execute();
    }
    return out;
  }

  it('a failure at any statement of an event leaves no trace of it; the event then applies on retry', async () => {
    const plugin = new FailOnStatement();
    const store = await DirectoryStore.on(raw.db.withPlugin(plugin), raw.kind);
    await store.apply([userInfo(1, 1), groupInfo(1, 1)]);
    const before = await rows();
    const event = members('ds_group_members', group(1), [user(1), user(2), { sidHash: 'new' }], 2);
    let failures = 0;
    for (let n = 0; ; n++) {
      plugin.remaining = n;
      try {
        expect(await store.apply([event])).toEqual(['applied']);
        plugin.remaining = Infinity;
        break;
      } catch (error) {
        expect((error as Error).message).toBe('injected store failure');
        failures++;
        expect(await rows()).toEqual(before);
      }
    }
    // Every statement the event makes was once the failing one.
    expect(failures).toBeGreaterThan(5);
    expect(await store.apply([event])).toEqual(['duplicate']);
    expect((await store.getUser('user1@example.com')).candidates[0]!.directGroups).toHaveLength(1);
  });

  it('the events before a failing one stay applied, the ones after it are not applied', async () => {
    const plugin = new FailOnStatement();
    const store = await DirectoryStore.on(raw.db.withPlugin(plugin), raw.kind);
    const events = [userInfo(1, 1), userInfo(2, 1), userInfo(3, 1), userInfo(4, 1)];
    await store.apply([events[0]!]);
    plugin.marker = events[2]!.id;
    await expect(store.apply(events.slice(1))).rejects.toThrow('injected store failure');
    expect((await store.status()).instances[0]!.users).toBe(2);
    expect(await store.apply(events)).toEqual(['duplicate', 'duplicate', 'applied', 'applied']);
    expect(Object.keys((await snapshot(store)) as object)).toHaveLength(4);
  });
});
