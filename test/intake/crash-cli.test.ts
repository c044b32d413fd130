/**
 * R1 through the real entry point: `kconnect intake run` following the KSC emulator's event history (over HTTPS,
 * `ksc.events` → raw → the NDJSON file sink with rotation and gzip), killed with SIGKILL at random moments — between
 * a fetch, the mapping, a write, an fsync and a checkpoint, wherever the moment falls — and restarted each time.
 * The ledger then counts every `event_db_id` in the files: each exactly once, none missing.
 *
 * Each kill strikes at a random moment after the run has committed a batch of its own, so it falls while records
 * flow. CI runs a short version; the spec's scale (100 kill points while 1,000,000 events flow) is the same test
 * with INTAKE_R1_EVENTS=1000000 INTAKE_R1_KILLS=100.
 */
import { createReadStream, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { kconnect, kconnectRun } from '../adapters/cli/kconnect-process.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';
import { count, recordFigure } from '../support/proof-figure.ts';

const EVENTS = Number(process.env['INTAKE_R1_EVENTS'] ?? 40_000);
const KILLS = Number(process.env['INTAKE_R1_KILLS'] ?? 8);
const BATCH = 500;

/** Each `key` (the event's `event_db_id`) in the sink's files, counted: rotated files (gzip or not), then the active one. */
async function ledger(dir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const files = readdirSync(dir).filter((name) => /^ksc-events.*\.ndjson(\.gz)?$/.test(name));
  for (const name of files) {
    const raw = createReadStream(join(dir, name));
    const input = name.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line === '') continue;
      const key = (JSON.parse(line) as { key: string }).key;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

describe('R1 through kconnect intake run (processes, the KSC emulator)', () => {
  let emulator: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const config = () => join(dir, 'kconnect.yaml');
  /** What the pipeline's checkpoint says it committed (the store `kconnect intake` keeps beside the config). */
  const committedRecords = async (): Promise<number> => {
    const store = await CheckpointStore.open({ file: join(dir, '.kconnect', 'intake.db') });
    try {
      return (await store.read('ksc-events')).checkpoint?.totals.records ?? 0;
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', {
      http: false,
      events: EVENTS,
      hosts: 50,
      virtualServers: [],
      adminUser: 'svc-kconnect',
    });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-intake-r1-'));
    writeFileSync(join(dir, 'ca.pem'), emulator.ksc.certificatePem!);
    writeFileSync(
      config(),
      [
        'connections:',
        `  lab: { type: ksc, url: "${emulator.url}", user: svc-kconnect, passwordEnv: KSC_PASSWORD }`,
        'pipelines:',
        '  ksc-events:',
        '    source: { type: ksc.events, connection: lab, start: start }',
        '    mapping: raw',
        '    sink: { type: file, path: out/ksc-events.ndjson, rotate: { maxBytes: 2000000 }, gzip: true }',
        `    batchSize: ${BATCH}`,
        '',
      ].join('\n'),
    );
    env = {
      ...process.env,
      KSC_PASSWORD: TEST_PASSWORD,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      KCONNECT_CONFIG: '',
    };
  }, 600_000);
  afterAll(async () => {
    await emulator?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // Each restart pays the resume cost (B7), which grows with the history still to read: up to a minute per kill.
  it(
    `kill -9 at ${KILLS} random moments, restart each time: every event exactly once`,
    async () => {
      let killed = 0;
      /** The records committed when each kill struck. */
      const committedAtKill: number[] = [];
      for (let run = 0; run < KILLS; run++) {
        const before = await committedRecords();
        const child = kconnect(['intake', 'run', '--pipeline', 'ksc-events', '--config', config()], env);
        // Once this run has committed one to three batches of its own (at random), the records flow: strike at a
        // random moment after that, wherever it falls (a fetch, the mapping, a write, an fsync, a commit). Counted
        // in batches, not in time, so a faster intake still meets its kills mid-history.
        const target = Math.min(EVENTS, before + (1 + Math.floor(Math.random() * 3)) * BATCH);
        while (child.child.exitCode === null && (await committedRecords()) < target && before < EVENTS) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
        if (child.child.exitCode === null) {
          child.child.kill('SIGKILL');
          killed++;
        }
        await child.exited;
        committedAtKill.push(await committedRecords());
      }
      expect(killed).toBe(KILLS);
      // The kills struck while the history still flowed, not after it had all been read.
      expect(committedAtKill.filter((n) => n < EVENTS).length).toBeGreaterThanOrEqual(KILLS / 2);
      const last = await kconnectRun(
        ['intake', 'run', '--pipeline', 'ksc-events', '--once', '--config', config()],
        env,
      );
      expect(last.code, last.output).toBe(0);

      const counts = await ledger(join(dir, 'out'));
      const duplicated = [...counts].filter(([, n]) => n > 1);
      expect(duplicated.slice(0, 5)).toEqual([]);
      const state = await emulator.control('GET', '/__emulator/state');
      const inWorld = (state.body as { events: number }).events;
      recordFigure('R1', {
        figure: `${count(inWorld - counts.size)} lost, ${count(duplicated.length)} duplicated of ${count(inWorld)} events, ${killed} kill -9s`,
        pass: killed === KILLS && duplicated.length === 0 && counts.size === inWorld,
        measured: { events: inWorld, delivered: counts.size, duplicated: duplicated.length, kills: killed },
      });
      expect(counts.size).toBe((state.body as { events: number }).events);
      expect(readdirSync(join(dir, 'out')).some((name) => name.endsWith('.gz'))).toBe(EVENTS >= 20_000);
    },
    Math.max(600_000, KILLS * 60_000),
  );
});
