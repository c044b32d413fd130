/**
 * R22, response fuzzing through the emulator (`POST /__emulator/faults/malformed`, decision 0068): each kind of
 * broken answer armed three times on the method the intake pages with (`EventProcessing.GetRecordRange`), then on
 * the pages of list_hosts and list_users.
 * - The intake (ksc.events → file sink): while answers are broken the checkpoint does not move and nothing reaches
 *   the sink; once they are whole again every event is delivered exactly once (ledger by event key).
 * - The commands: Failed with UPSTREAM_ERROR, no partial rows; the next run is whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listHosts } from '../../src/commands/ksc/list-hosts.ts';
import { listUsers } from '../../src/commands/ksc/list-users.ts';
import { MALFORMED_KINDS } from '../../src/emulator/ksc/malformed-answers.ts';
import { KconnectError } from '../../src/errors.ts';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { PipelineFailedError } from '../../src/intake/runner.ts';
import { KscClient } from '../../src/ksc/client/client.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../commands/support.ts';
import { TEST_PASSWORD } from '../support/ksc-emulator.ts';
import { ledger, runIntakeOnce } from './intake-ledger.ts';

const BROKEN_ANSWERS = 3;
/** A huge string well past any real attribute, small enough to keep the test quick. */
const HUGE_LENGTH = 1024 * 1024;
const PIPELINE = 'reliability';

describe('R22 malformed answers from the KSC emulator', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness({ hosts: 30, events: 300, virtualServers: [] });
  });
  afterEach(async () => {
    await h.emu.control('DELETE', '/__emulator/faults/malformed');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const arm = async (method: string, kind: string): Promise<void> => {
    const armed = await h.emu.control('POST', '/__emulator/faults/malformed', {
      method,
      kind,
      count: BROKEN_ANSWERS,
      hugeLength: HUGE_LENGTH,
    });
    expect(armed.status).toBe(200);
  };
  const armedLeft = async (): Promise<unknown[]> =>
    ((await h.emu.control('GET', '/__emulator/state')).body as { malformed: { armed: unknown[] } }).malformed
      .armed;
  const eventCount = async (): Promise<number> =>
    ((await h.emu.control('GET', '/__emulator/state')).body as { events: number }).events;

  it.each(MALFORMED_KINDS)(
    '%s on GetRecordRange: the checkpoint holds while answers are broken; then 0 lost, 0 duplicated',
    async (kind) => {
      const dir = mkdtempSync(join(tmpdir(), `kconnect-r22-${kind}-`));
      const store = await CheckpointStore.open({ file: join(dir, 'state.sqlite') });
      // Every wait between attempts (the client's and the pipeline's) is a moment the answers were broken.
      const seen: Array<{ generation: number; lines: number }> = [];
      const observe = async (): Promise<void> => {
        seen.push({ generation: (await store.read(PIPELINE)).head, lines: ledger(dir).lines });
      };
      const client = new KscClient(
        { url: h.emu.url, credentials: { user: 'admin', password: TEST_PASSWORD }, backoffMs: 1 },
        { sleep: observe },
      );
      try {
        // A first run to the head: the state the broken answers must leave alone.
        expect((await runIntakeOnce(client, dir, store)).state).toBe('stopped');
        const before = { generation: (await store.read(PIPELINE)).head };
        const delivered = ledger(dir).lines;
        expect(delivered).toBe(await eventCount());

        const added = await h.emu.control('POST', '/__emulator/events', { count: 150 });
        expect(added.status).toBe(200);
        seen.length = 0;
        await arm('EventProcessing.GetRecordRange', kind);
        // A run may end failed on a broken answer it does not retry: the next run (answers whole) resumes.
        const runs: string[] = [];
        // A refused answer ends the run (one broken answer per run at most): up to one run per broken answer.
        for (let run = 0; run <= BROKEN_ANSWERS; run++) {
          const state = await runIntakeOnce(client, dir, store, { sleep: observe }).then(
            (status) => status.state,
            (error: unknown) => {
              // Refused as not retryable: classified, not a crash.
              expect(error).toBeInstanceOf(PipelineFailedError);
              expect((error as PipelineFailedError).cause).toBeInstanceOf(KconnectError);
              return 'failed';
            },
          );
          runs.push(state);
          if (state === 'stopped' && (await armedLeft()).length === 0) break;
          if (state !== 'stopped') await observe();
        }
        // Every broken answer was served (the fault really hit the intake) …
        expect(await armedLeft()).toEqual([]);
        // … and while they were (every wait came from one), the checkpoint and the sink stayed where the first
        // run left them.
        expect(seen.length).toBeGreaterThan(0);
        for (const moment of seen)
          expect(moment).toEqual({ generation: before.generation, lines: delivered });
        const { keys, duplicates, lines } = ledger(dir);
        expect({ events: keys.size, lines, duplicates, runs: runs.at(-1) }).toEqual({
          events: await eventCount(),
          lines: await eventCount(),
          duplicates: 0,
          runs: 'stopped',
        });
        expect((await store.read(PIPELINE)).head).toBeGreaterThan(before.generation);
      } finally {
        await client.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  const commands = [
    { command: listHosts, title: 'List Hosts', methods: ['ChunkAccessor.GetItemsChunk'] },
    { command: listUsers, title: 'List Users', methods: ['SrvView.GetRecordRange'] },
  ] as const;

  for (const { command, title, methods } of commands) {
    for (const method of methods) {
      it.each(MALFORMED_KINDS)(
        `%s on ${method}: ${title} fails as UPSTREAM_ERROR with no partial rows`,
        async (kind) => {
          await arm(method, kind);
          const result = await h.run(command, {});
          expect(result.status).toBe('Failed');
          const error = firstError(result);
          expect(error.failureIndicator).toBe(`${title} failed.`);
          expect(error, error.message).toMatchObject({ code: 'UPSTREAM_ERROR', statusCode: 502 });
          expect(error.message).not.toBe('');
          expect(result.context ?? []).toEqual([]);
          await h.emu.control('DELETE', '/__emulator/faults/malformed');
          // The next run is whole again.
          expect((await h.run(command, {})).status).toBe('Successful');
        },
      );
    }
  }
});
