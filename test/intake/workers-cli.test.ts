/**
 * Issue 19's several-workers test through the real entry point: three `kconnect intake run` processes sharing one
 * PostgreSQL state, 20 pipelines (each `ksc.events` → raw → its own NDJSON file, all reading the KSC emulator's
 * history), `kill -9` of one worker mid-run and of another later. Then a ledger per file: every event exactly
 * once, every pipeline at the head, and each kill's pipelines taken over by a survivor (failover time measured from
 * the kill to the new owner's first commit). Every fifth pipeline also writes to a syslog sink (`sinks:`, JSON
 * over TCP into a real rsyslog): at rsyslog every event of those pipelines arrives (0 lost), and the duplicates —
 * replays of batches in flight at a kill, syslog having no way to take a message back — are counted, reported, and
 * at most one batch per syslog pipeline the killed worker owned, per kill.
 *
 * CI runs a small history; the spec's scale is INTAKE_WORKERS_EVENTS=50000 (20 pipelines × 50,000 = 1,000,000).
 */
import { createReadStream, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { kconnect, type Kconnect } from '../adapters/cli/kconnect-process.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';
import { startRsyslog, type Rsyslog } from '../support/rsyslog.ts';
import {
  createTestDatabase,
  startPostgres,
  type PostgresServer,
  type TestDatabase,
} from '../support/postgres.ts';

const EVENTS = Number(process.env['INTAKE_WORKERS_EVENTS'] ?? 3000);
const PIPELINES = 20;
const WORKERS = 3;
const BATCH = 100;

async function ledger(file: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line === '') continue;
    const key = (JSON.parse(line) as { key: string }).key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('several workers through kconnect intake run (processes, PostgreSQL, the KSC emulator)', () => {
  let postgres: PostgresServer;
  let database: TestDatabase;
  let emulator: TestEmulator;
  let store: CheckpointStore;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const workers: Kconnect[] = [];
  /** The events in the emulator's history: what every pipeline reads. */
  let total = EVENTS;
  const names = Array.from({ length: PIPELINES }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
  /** The pipelines with a syslog sink beside their file (`sinks:`, checkpoints `<name>/archive`, `<name>/siem`). */
  const syslogged = new Set(names.filter((_, i) => (i + 1) % 5 === 0));
  let rsyslog: Rsyslog;

  beforeAll(
    async () => {
      postgres = await startPostgres();
      database = await createTestDatabase(postgres.url, 'workers');
      emulator = await startTestEmulator('sqlite', {
        http: false,
        events: EVENTS,
        hosts: 20,
        virtualServers: [],
        adminUser: 'svc-kconnect',
      });
      total = ((await emulator.control('GET', '/__emulator/state')).body as { events: number }).events;
      rsyslog = await startRsyslog();
      dir = mkdtempSync(join(tmpdir(), 'kconnect-intake-workers-'));
      writeFileSync(join(dir, 'ca.pem'), emulator.ksc.certificatePem!);
      writeFileSync(
        join(dir, 'kconnect.yaml'),
        [
          'connections:',
          `  lab: { type: ksc, url: "${emulator.url}", user: svc-kconnect, passwordEnv: KSC_PASSWORD }`,
          'intake:',
          '  state: { urlEnv: KCONNECT_INTAKE_STATE_URL }',
          'pipelines:',
          ...names.flatMap((name) => [
            `  ${name}:`,
            '    source: { type: ksc.events, connection: lab, start: start }',
            '    mapping: raw',
            ...(syslogged.has(name)
              ? [
                  '    sinks:',
                  `      - { name: archive, type: file, path: out/${name}.ndjson }`,
                  `      - { name: siem, type: syslog, url: "tcp://127.0.0.1:${rsyslog.tcpPort}", format: json }`,
                ]
              : [`    sink: { type: file, path: out/${name}.ndjson }`]),
            `    batchSize: ${BATCH}`,
            '    pollIntervalSeconds: 1',
          ]),
          '',
        ].join('\n'),
      );
      env = {
        ...process.env,
        KSC_PASSWORD: TEST_PASSWORD,
        NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
        KCONNECT_CONFIG: '',
        KCONNECT_INTAKE_STATE_URL: database.url,
      };
    },
    Math.max(600_000, EVENTS * 12),
  );
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await store?.close();
    await emulator?.stop();
    await rsyslog?.dispose();
    await database?.drop();
    await postgres?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it(
    `3 workers, ${PIPELINES} pipelines, two kill -9: every event exactly once in every file, failover observed`,
    async () => {
      for (let i = 0; i < WORKERS; i++)
        workers.push(kconnect(['intake', 'run', '--config', join(dir, 'kconnect.yaml')], env));
      // The workers migrate the state store; open it once they have.
      for (let attempt = 0; ; attempt++) {
        try {
          store = await CheckpointStore.open({ url: database.url });
          break;
        } catch (error) {
          if (attempt > 50) throw error;
          await sleep(200);
        }
      }
      const leases = store.leases();
      const liveOwners = async () => {
        const now = Date.now();
        return new Map(
          (await leases.list()).filter((l) => l.expiresAt > now).map((l) => [l.pipeline, l.owner] as const),
        );
      };
      /** The checkpoint keys of a pipeline: one per sink. */
      const keysOf = (pipeline: string) =>
        syslogged.has(pipeline) ? [`${pipeline}/archive`, `${pipeline}/siem`] : [pipeline];
      /** How far a pipeline is: its slowest sink's records. */
      const records = async (pipeline: string) =>
        Math.min(
          ...(await Promise.all(
            keysOf(pipeline).map(async (key) => (await store.read(key)).checkpoint?.totals.records ?? 0),
          )),
        );
      /**
       * Its sinks' generations summed: the new owner's first commit of any sink raises it (a sink already at the head
       * commits nothing more, so one sink's generation alone could stay put).
       */
      const generationOf = async (pipeline: string) =>
        (
          await Promise.all(
            keysOf(pipeline).map(async (key) => (await store.read(key)).checkpoint?.generation ?? 0),
          )
        ).reduce((sum, generation) => sum + generation, 0);
      const ownerPid = (owner: string) => Number(owner.split(':').at(-2));

      // Spread: every pipeline owned, by every worker, none above its share.
      let owners = new Map<string, string>();
      for (let t = 0; t < 300; t++) {
        owners = await liveOwners();
        // A worker that took more than its share before it saw the others gives leases back after the batch in
        // hand, which at the spec's scale (bigger batches behind) takes a while: wait for the spread, not only the
        // first ownership.
        const held = new Map<string, number>();
        for (const owner of owners.values()) held.set(owner, (held.get(owner) ?? 0) + 1);
        const share = Math.ceil(PIPELINES / WORKERS);
        if (owners.size === PIPELINES && held.size === WORKERS && Math.max(...held.values()) <= share) break;
        await sleep(200);
      }
      expect(owners.size).toBe(PIPELINES);
      const counts = new Map<string, number>();
      for (const owner of owners.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
      expect(counts.size).toBe(WORKERS);
      expect(Math.max(...counts.values())).toBeLessThanOrEqual(Math.ceil(PIPELINES / WORKERS));

      const failovers: number[] = [];
      /** Per kill, how many syslog pipelines the killed worker owned: each may replay the batch it had in flight. */
      const syslogOrphans: number[] = [];
      const alive = [...workers];
      /** Kills the worker owning the most pipelines, then waits until each of them is committed by a survivor. */
      const killOne = async () => {
        const before = await liveOwners();
        const byOwner = new Map<string, string[]>();
        for (const [pipeline, owner] of before) byOwner.set(owner, [...(byOwner.get(owner) ?? []), pipeline]);
        const [victimOwner, orphans] = [...byOwner].sort((a, b) => b[1].length - a[1].length)[0]!;
        const victim = alive.find((w) => w.child.pid === ownerPid(victimOwner))!;
        expect(victim).toBeDefined();
        const generations = new Map<string, number>();
        for (const pipeline of orphans) generations.set(pipeline, await generationOf(pipeline));
        const killedAt = Date.now();
        victim.child.kill('SIGKILL');
        await victim.exited;
        alive.splice(alive.indexOf(victim), 1);
        // The new owner's first commit: a generation above the one at the kill, under another owner.
        const waiting = new Set(orphans);
        let last = killedAt;
        while (waiting.size > 0 && Date.now() - killedAt < 60_000) {
          const now = await liveOwners();
          for (const pipeline of [...waiting]) {
            const owner = now.get(pipeline);
            if (owner === undefined || owner === victimOwner) continue;
            const finished = (await records(pipeline)) >= total;
            if ((await generationOf(pipeline)) > generations.get(pipeline)! || finished) {
              waiting.delete(pipeline);
              last = Date.now();
            }
          }
          await sleep(100);
        }
        expect([...waiting]).toEqual([]);
        failovers.push(last - killedAt);
        syslogOrphans.push(orphans.filter((p) => syslogged.has(p)).length);
        return orphans.length;
      };

      // The first kill once records flow in every pipeline, the second a little later.
      for (let t = 0; t < 600; t++) {
        const progress = await Promise.all(names.map(records));
        if (progress.every((n) => n > 0)) break;
        await sleep(100);
      }
      expect(Math.min(...(await Promise.all(names.map(records))))).toBeLessThan(total);
      const orphanedFirst = await killOne();
      await sleep(1000);
      const orphanedSecond = await killOne();
      expect(orphanedFirst).toBeGreaterThan(0);
      expect(orphanedSecond).toBeGreaterThan(0);

      // The survivor takes everything and reads every pipeline to the head: at the spec's scale that is most of the
      // million events on one worker, so wait as long as it makes progress, and stop after a minute without any.
      let lastSum = -1;
      let lastProgress = Date.now();
      while (Date.now() - lastProgress < 60_000) {
        const progress = await Promise.all(names.map(records));
        if (progress.every((n) => n >= total)) break;
        const sum = progress.reduce((a, b) => a + b, 0);
        if (sum !== lastSum) [lastSum, lastProgress] = [sum, Date.now()];
        await sleep(250);
      }
      expect(await Promise.all(names.map(records))).toEqual(names.map(() => total));
      const survivor = alive[0]!;
      expect(new Set((await liveOwners()).values())).toEqual(
        new Set([...(await liveOwners()).values()].filter((o) => ownerPid(o) === survivor.child.pid)),
      );
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited, survivor.output().slice(-2000)).toBe(0);

      for (const name of names) {
        const keys = await ledger(join(dir, 'out', `${name}.ndjson`));
        const duplicated = [...keys].filter(([, n]) => n > 1);
        expect(duplicated.slice(0, 5), name).toEqual([]);
        expect(keys.size, name).toBe(total);
      }
      expect(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.ndjson')).length).toBe(PIPELINES);
      // At rsyslog: every event of every syslog pipeline; duplicates only from batches in flight at the kills.
      const atRsyslog = new Map<string, Map<string, number>>();
      let unparsed = 0;
      for (const message of rsyslog.messages()) {
        const pipeline = /pipeline="([^"]+)"/.exec(message.structuredData)?.[1];
        const key = /key="([^"]+)"/.exec(message.structuredData)?.[1];
        if (pipeline === undefined || key === undefined) {
          unparsed++;
          continue;
        }
        const keys = atRsyslog.get(pipeline) ?? new Map<string, number>();
        keys.set(key, (keys.get(key) ?? 0) + 1);
        atRsyslog.set(pipeline, keys);
      }
      let syslogDuplicates = 0;
      for (const name of syslogged) {
        const keys = atRsyslog.get(name) ?? new Map<string, number>();
        expect(keys.size, `${name} at rsyslog`).toBe(total);
        for (const n of keys.values()) syslogDuplicates += n - 1;
      }
      const inFlightBound = BATCH * syslogOrphans.reduce((sum, n) => sum + n, 0);
      // The figure for docs/benchmarks.md: kill to the new owner's first commit, per kill.
      console.info(`intake workers: failover after kill -9 (ms): ${failovers.join(', ')}`);
      console.info(
        `intake workers: syslog (${syslogged.size} pipelines, ${syslogged.size * total} events): 0 lost, ` +
          `${syslogDuplicates} duplicates at rsyslog (bound: ${BATCH} × syslog pipelines of the killed workers ` +
          `${syslogOrphans.join(' + ')} = ${inFlightBound}), ${unparsed} messages without a key`,
      );
      expect(unparsed).toBe(0);
      expect(syslogDuplicates).toBeLessThanOrEqual(inFlightBound);
      for (const ms of failovers) expect(ms).toBeLessThanOrEqual(15_000 + 5_000);
    },
    Math.max(300_000, EVENTS * 60),
  );
});
