/**
 * `kconnect intake run|status|reset` as a user runs it (a process), on issue 18's contract configuration against
 * the KSC emulator over HTTPS (its certificate trusted through NODE_EXTRA_CA_CERTS, so the YAML stays as written),
 * and a KICS pipeline against the KICS emulator over mutual TLS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKicsEmulator, type RunningKicsEmulator } from '../../../src/emulator/kics/emulator.ts';
import { kconnect, kconnectRun } from '../../adapters/cli/kconnect-process.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

const CONTRACT = (url: string) => `connections:
  lab: { type: ksc, url: "${url}", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
pipelines:
  ksc-events:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ecs
    sink: { type: file, path: out/ksc-events.ndjson }
`;

function lines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The KSC event id of an ECS document. */
function eventIdOf(document: Record<string, unknown>): string {
  return String((document['event'] as { id?: unknown }).id);
}

async function emulatorEventIds(emulator: TestEmulator): Promise<number> {
  const state = await emulator.control('GET', '/__emulator/state');
  return (state.body as { events: number }).events;
}

describe('kconnect intake with the contract configuration (KSC over HTTPS)', () => {
  let emulator: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const out = () => join(dir, 'out', 'ksc-events.ndjson');
  const intake = (...args: string[]) =>
    kconnectRun(['intake', ...args, '--config', join(dir, 'kconnect.yaml')], env);

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', {
      http: false,
      events: 400,
      hosts: 20,
      virtualServers: [],
      adminUser: 'svc-kconnect',
    });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-intake-cli-'));
    writeFileSync(join(dir, 'ca.pem'), emulator.ksc.certificatePem!);
    writeFileSync(join(dir, 'kconnect.yaml'), CONTRACT(emulator.url));
    env = {
      ...process.env,
      KSC_PASSWORD: TEST_PASSWORD,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      KCONNECT_CONFIG: '',
    };
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('run --once writes every event once as ECS, commits, exits 0; again adds nothing; new events come once', async () => {
    expect(emulator.url).toMatch(/^https:/);
    const first = await intake('run', '--pipeline', 'ksc-events', '--once');
    expect(first.output).not.toMatch(/"level":"?(error|50)/);
    expect(first.code).toBe(0);
    const documents = lines(out());
    const ids = documents.map(eventIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(await emulatorEventIds(emulator));
    expect(documents[0]).toMatchObject({ event: expect.objectContaining({ kind: expect.any(String) }) });
    expect(documents[0]!['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT/);

    const second = await intake('run', '--once');
    expect(second.code).toBe(0);
    expect(lines(out())).toHaveLength(ids.length);

    const added = await emulator.control('POST', '/__emulator/events', { count: 9 });
    expect((added.body as { added: number }).added).toBe(9);
    const third = await intake('run', '--once');
    expect(third.code).toBe(0);
    const after = lines(out()).map(eventIdOf);
    expect(after).toHaveLength(ids.length + 9);
    expect(new Set(after).size).toBe(after.length);
    expect(after.slice(0, ids.length)).toEqual(ids);
  });

  it('status shows the generation, the position and the totals', async () => {
    const run = await intake('status', '--format', 'json');
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as {
      state: string;
      pipelines: Array<{
        pipeline: string;
        generation: number;
        position: string;
        totals: { records: number; documents: number; gaps: number };
        lastCommit: string;
      }>;
    };
    expect(status.state).toBe(join(dir, '.kconnect', 'intake.db'));
    const [row] = status.pipelines;
    const count = lines(out()).length;
    expect(row).toMatchObject({
      pipeline: 'ksc-events',
      totals: { records: count, documents: count, gaps: 0 },
    });
    expect(row!.generation).toBeGreaterThan(2);
    expect(row!.position).toMatch(/^event \d+ at \d{4}-/);
    expect(Date.parse(row!.lastCommit)).not.toBeNaN();
    const table = await intake('status', '--format', 'table');
    expect(table.stdout).toMatch(/ksc-events .*ksc\.events → ecs → .*ksc-events\.ndjson/);
  });

  it('reset --to start then run --once reads the history again, appended after what the file holds', async () => {
    const before = lines(out()).map(eventIdOf);
    const reset = await intake('reset', 'ksc-events', '--to', 'start');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/ksc-events: source moved to start \(checkpoint generation \d+\)/);
    const again = await intake('run', '--once');
    expect(again.code).toBe(0);
    const after = lines(out()).map(eventIdOf);
    expect(after).toEqual([...before, ...before]);

    const toEnd = await intake('reset', 'ksc-events', '--to', 'end');
    expect(toEnd.code).toBe(0);
    expect((await intake('run', '--once')).code).toBe(0);
    expect(lines(out())).toHaveLength(after.length);
  });

  it('kconnect serve runs the configured pipelines on the same checkpoints as intake run', async () => {
    const before = lines(out()).length;
    await emulator.control('POST', '/__emulator/events', { count: 5 });
    const serve = kconnect(['serve', '--port', '0', '--database', join(dir, 'service.db')], {
      ...env,
      KCONNECT_CONFIG: join(dir, 'kconnect.yaml'),
    });
    try {
      await serve.waitFor(/listening on/, 30_000);
      // The service's supervisor follows the pipeline from where `intake run` committed: only the new events.
      await expect.poll(() => lines(out()).length, { timeout: 30_000 }).toBe(before + 5);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
    const status = JSON.parse((await intake('status', '--format', 'json')).stdout) as {
      pipelines: Array<{ totals: { documents: number } }>;
    };
    expect(status.pipelines[0]!.totals.documents).toBe(lines(out()).length);
  });

  it('names the pipeline, the field and the reason on errors', async () => {
    const unknown = await intake('run', '--pipeline', 'nope', '--once');
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('error: --pipeline: no pipeline named "nope" (configured: ksc-events)');
    const badTarget = await intake('reset', 'ksc-events', '--to', 'yesterday');
    expect(badTarget.code).toBe(2);
    expect(badTarget.output).toContain('error: --to: expected start, end or an ISO 8601 time');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, CONTRACT(emulator.url).replace('connection: lab', 'connection: prod'));
    const missing = await kconnectRun(['intake', 'run', '--once', '--config', bad], env);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain(
      'error: pipelines.ksc-events.source.connection: no connection named "prod" (configured: lab)',
    );
    writeFileSync(bad, CONTRACT(emulator.url).replace('mapping: ecs', 'mapping: xml'));
    const mapping = await kconnectRun(['intake', 'status', '--config', bad], env);
    expect(mapping.code).toBe(2);
    expect(mapping.output).toContain(
      'error: pipelines.ksc-events.mapping: expected one of raw, d3, ecs, ocsf',
    );
  });
});

describe('kconnect intake with a KICS pipeline (kics.events → ocsf)', () => {
  let kics: RunningKicsEmulator;
  let dir: string;
  const PASSWORD = 'test-only-package-password-intake';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-intake-kics-'));
    kics = await startKicsEmulator({
      port: 0,
      dataDir: join(dir, 'kics'),
      devices: 20,
      events: 60,
      connectorPassword: PASSWORD,
    });
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      [
        'connections:',
        `  plant: { type: kics, package: ${kics.packageDir}, packagePasswordEnv: PLANT_PACKAGE_PASSWORD }`,
        'pipelines:',
        '  plant-events:',
        '    source: { type: kics.events, connection: plant, start: start }',
        '    mapping: ocsf',
        '    sink: { type: file, path: out/plant.ndjson }',
        'intake:',
        '  state: { file: state/intake.sqlite }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await kics?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('run --once writes every KICS event once as OCSF', async () => {
    const env = { ...process.env, PLANT_PACKAGE_PASSWORD: PASSWORD, KCONNECT_CONFIG: '' };
    const run = await kconnectRun(['intake', 'run', '--once', '--config', join(dir, 'kconnect.yaml')], env);
    expect(run.code).toBe(0);
    const documents = lines(join(dir, 'out', 'plant.ndjson'));
    expect(documents).toHaveLength(60);
    for (const document of documents) {
      expect(document['class_uid']).toEqual(expect.any(Number));
      expect(document['metadata']).toMatchObject({ version: '1.8.0' });
    }
    const status = await kconnectRun(['intake', 'status', '--config', join(dir, 'kconnect.yaml')], env);
    expect(status.code).toBe(0);
    const row = (JSON.parse(status.stdout) as { pipelines: Array<Record<string, unknown>> }).pipelines[0];
    expect(row).toMatchObject({ pipeline: 'plant-events', position: 'after id 60', totals: { records: 60 } });
  });
});
