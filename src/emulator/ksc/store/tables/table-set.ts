import type { Kysely } from 'kysely';
import type { DatabaseKind, OpenDatabase } from '../../../../store/database.ts';
import type { Clock } from '../../../core/clock.ts';
import type { GroupRecord, HostRecord, VServerRecord } from '../../world/model.ts';
import type { EmulatorSchema } from '../schema.ts';

/** What a part's queries need of the world: its database (each part narrows it to its tables, `withTables`). */
export interface WorldDatabase {
  readonly db: Kysely<EmulatorSchema>;
}

/**
 * What filling a part's tables needs of a new world: its database, seed and clock, and the servers, groups and
 * hosts already stored and cached. The world passes itself; a part sees no more than this.
 */
export interface NewWorld extends WorldDatabase {
  /** The world's seed: a part derives its seeded data from it. */
  readonly seedValue: number;
  readonly clock: Clock;
  readonly store: Pick<OpenDatabase<EmulatorSchema>, 'bulkInsert'>;
  readonly vservers: ReadonlyMap<number, VServerRecord>;
  readonly hosts: ReadonlyMap<string, HostRecord>;
  /** The root "Managed devices" group of a server. */
  rootGroup(vserverId: number): GroupRecord | undefined;
}

/**
 * The tables of one part of the emulated server (world, agents, tasks, lists, settings, status) and the migration
 * that creates them. Each part owns its table set; `migrations.ts` runs them in order and a reset empties them.
 */
export interface TableSet {
  /** Migration name; names sort in the order the migrations run (`0002-agents`, `0003-tasks`, …). */
  readonly migration: string;
  /** Tables this set creates, children before parents (a reset deletes in this order). */
  readonly tables: readonly string[];
  up(db: Kysely<unknown>, kind: DatabaseKind): Promise<void>;
  /**
   * Fills the tables of a new world (first start, or a reset) once the world's hosts and groups are stored and
   * cached. Must be deterministic for the world's seed (derive from host ids and `world.seed`).
   */
  seed?(world: NewWorld): Promise<void>;
}

/** Column type for epoch-millisecond times and 64-bit ids: PostgreSQL's `integer` is 32-bit. */
export function int64(kind: DatabaseKind): 'bigint' | 'integer' {
  return kind === 'postgres' ? 'bigint' : 'integer';
}
