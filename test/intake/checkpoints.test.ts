/**
 * The checkpoint store on both backends: generations with checksums, the newest readable one used and the
 * damaged ones reported (R2), never a silent restart, and commits that two writers cannot both win.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CheckpointConflictError,
  CheckpointStore,
  CheckpointUnreadableError,
  type CheckpointContent,
  type CheckpointTables,
} from '../../src/intake/checkpoints/index.ts';
import { openDatabase, type OpenDatabase } from '../../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

function content(n: number): CheckpointContent {
  return {
    sourceCursor: { after: n, id: `id-${n}` },
    sinkPosition: { file: 'out/x.ndjson', offset: n * 100, sequence: 0 },
    totals: { records: n, documents: n, gaps: 0 },
  };
}

describe.each(['sqlite', 'postgres'] as const)('CheckpointStore on %s', (backend) => {
  let a: CheckpointStore;
  let b: CheckpointStore;
  let raw: OpenDatabase<CheckpointTables>;
  let database: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    let location: { url: string } | { file: string };
    if (backend === 'postgres') {
      database = await createTestDatabase(inject('pgUrl'), 'checkpoints');
      location = { url: database.url };
    } else {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-checkpoints-'));
      location = { file: path.join(dir, 'state.sqlite') };
    }
    a = await CheckpointStore.open(location, { keep: 3 });
    b = await CheckpointStore.open(location, { keep: 3 });
    raw = openDatabase<CheckpointTables>(location);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await raw?.close();
    await database?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Damages one stored generation the way a torn write, a bad disk or a stray edit would. */
  async function damage(
    pipeline: string,
    generation: number,
    how: 'truncated' | 'garbage' | 'zero',
  ): Promise<void> {
    const body =
      how === 'zero' ? '' : how === 'garbage' ? '\u00ff\u0007{{not json' : '{"sourceCursor":{"after":';
    await raw.db
      .updateTable('kconnect_intake_checkpoints')
      .set({ body })
      .where('pipeline', '=', pipeline)
      .where('generation', '=', generation)
      .execute();
  }

  it('reads nothing for a new pipeline, then the newest generation, keeping the last few', async () => {
    expect(await a.read('p1')).toEqual({ checkpoint: undefined, head: 0, corrupt: [] });
    let head = 0;
    for (let n = 1; n <= 5; n++) head = (await a.commit('p1', content(n), head)).generation;
    const read = await b.read('p1');
    expect(read.head).toBe(5);
    expect(read.corrupt).toEqual([]);
    expect(read.checkpoint).toMatchObject({ pipeline: 'p1', generation: 5, ...content(5) });
    const { rows } = await sql<{ generation: number }>`
      select generation from kconnect_intake_checkpoints where pipeline = 'p1' order by generation`.execute(
      raw.db,
    );
    expect(rows.map((r) => Number(r.generation))).toEqual([3, 4, 5]);
  });

  it.each(['truncated', 'garbage', 'zero'] as const)(
    'R2: a %s newest generation is reported and the previous valid one used',
    async (how) => {
      const pipeline = `r2-${how}`;
      let head = 0;
      for (let n = 1; n <= 3; n++) head = (await a.commit(pipeline, content(n), head)).generation;
      await damage(pipeline, 3, how);
      const read = await a.read(pipeline);
      expect(read.checkpoint).toMatchObject({ generation: 2, ...content(2) });
      expect(read.head).toBe(3);
      expect(read.corrupt).toHaveLength(1);
      expect(read.corrupt[0]).toMatchObject({ name: 'CheckpointCorruptError', pipeline, generation: 3 });
      // The next commit lands above the damaged generation, and is the one read from then on.
      const next = await a.commit(pipeline, content(4), read.head);
      expect(next.generation).toBe(4);
      expect((await b.read(pipeline)).checkpoint).toMatchObject({ generation: 4, ...content(4) });
    },
  );

  it('R2: a checksum that does not match the body (a bit flip) is refused too', async () => {
    await a.commit('flip', content(1), 0);
    await a.commit('flip', content(2), 1);
    await raw.db
      .updateTable('kconnect_intake_checkpoints')
      .set({ body: JSON.stringify({ ...content(2), totals: { records: 3, documents: 2, gaps: 0 } }) })
      .where('pipeline', '=', 'flip')
      .where('generation', '=', 2)
      .execute();
    const read = await a.read('flip');
    expect(read.checkpoint?.generation).toBe(1);
    expect(read.corrupt[0]?.reason).toBe('checksum mismatch');
  });

  it('with no readable generation fails naming the pipeline and the reset command, and reset recovers', async () => {
    await a.commit('lost', content(1), 0);
    await a.commit('lost', content(2), 1);
    await damage('lost', 1, 'zero');
    await damage('lost', 2, 'garbage');
    const error = await a.read('lost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointUnreadableError);
    expect(error).toMatchObject({ pipeline: 'lost' });
    expect((error as Error).message).toContain('kconnect intake reset lost --to');
    expect((error as CheckpointUnreadableError).corrupt.map((c) => c.generation)).toEqual([2, 1]);
    const reset = await a.reset('lost', { rewound: true });
    expect(reset).toMatchObject({ generation: 3, sourceCursor: { rewound: true }, sinkPosition: null });
    expect((await b.read('lost')).checkpoint).toMatchObject({
      generation: 3,
      sourceCursor: { rewound: true },
    });
  });

  it('reset keeps the sink position and totals and replaces the source cursor', async () => {
    await a.commit('rewind', content(7), 0);
    const reset = await b.reset('rewind', null);
    expect(reset).toMatchObject({
      generation: 2,
      sourceCursor: null,
      sinkPosition: content(7).sinkPosition,
      totals: content(7).totals,
    });
  });

  it('of concurrent commits on one generation exactly one wins; a stale writer always loses', async () => {
    const base = (await a.commit('race', content(1), 0)).generation;
    for (let round = 0; round < 10; round++) {
      const head = (await a.read('race')).head;
      const outcomes = await Promise.allSettled([
        a.commit('race', content(10 + round), head),
        b.commit('race', content(20 + round), head),
        a.commit('race', content(30 + round), head),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const o of lost)
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(CheckpointConflictError);
      expect((await b.read('race')).checkpoint?.generation).toBe(head + 1);
    }
    // Far behind: its generation was pruned long ago, and it still cannot commit.
    await expect(b.commit('race', content(99), base)).rejects.toBeInstanceOf(CheckpointConflictError);
  });
});
