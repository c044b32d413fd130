import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../../../../store/database.ts';
import type { KscWorld } from '../../world.ts';

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
  seed?(world: KscWorld): Promise<void>;
}

/** Column type for epoch-millisecond times and 64-bit ids: PostgreSQL's `integer` is 32-bit. */
export function int64(kind: DatabaseKind): 'bigint' | 'integer' {
  return kind === 'postgres' ? 'bigint' : 'integer';
}
