import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EmulatorClock } from '../../../src/emulator/ksc/clock.ts';
import { KscWorld } from '../../../src/emulator/ksc/world.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { BACKENDS } from '../../support/ksc-emulator.ts';

const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);

/** Seeds a world at a fixed clock, generating its events in-process or in the worker thread. */
async function seedWorld(
  location: { file: string } | { url: string },
  eventsInWorker: boolean,
): Promise<KscWorld> {
  return KscWorld.open({
    db: location,
    clock: new EmulatorClock(() => NOW),
    world: { seed: 7, hosts: 400, events: 12_000 },
    users: [],
    maxEvents: 100_000,
    eventsInWorker,
  });
}

describe.each(BACKENDS)('seeding the event history in a worker thread (%s)', (backend) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function location(name: string): Promise<{ file: string } | { url: string }> {
    if (backend === 'postgres') {
      const database: TestDatabase = await createTestDatabase(inject('pgUrl'), name);
      cleanups.push(() => database.drop());
      return { url: database.url };
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), `kconnect-${name}-`));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return { file: path.join(dir, 'ksc.sqlite') };
  }

  it('stores exactly the events of generating in-process, and continues the ids after them', async () => {
    const inProcess = await seedWorld(await location('seedin'), false);
    cleanups.push(() => inProcess.close());
    const inWorker = await seedWorld(await location('seedwk'), true);
    cleanups.push(() => inWorker.close());

    const read = (world: KscWorld) =>
      world.db.selectFrom('events').select(['id', 'host_id', 'rise_time', 'attrs']).orderBy('id').execute();
    const [expected, actual] = await Promise.all([read(inProcess), read(inWorker)]);
    expect(actual).toHaveLength(12_000);
    expect(actual).toEqual(expected);
    expect(inWorker.eventCount).toBe(inProcess.eventCount);
    expect(inWorker.nextEventId()).toBe(inProcess.nextEventId());
  });
});
