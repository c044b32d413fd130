/**
 * `pipelines:` and `intake:` in kconnect.yaml: issue 18's contract loads as written; every error names the field
 * and the reason; paths resolve against the file's folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { pipelineDefinitions } from '../../src/intake/configured.ts';

const CONTRACT = `connections:
  lab: { type: ksc, url: "https://ksc.example.com:13299", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
pipelines:
  ksc-events:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ecs
    sink: { type: file, path: out/ksc-events.ndjson }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-pipelines-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(text: string, env: Record<string, string> = {}) {
  writeFileSync(join(dir, 'kconnect.yaml'), text);
  return loadConfig({ env, cwd: tmpdir(), file: join(dir, 'kconnect.yaml') });
}

function failure(text: string, env: Record<string, string> = {}): string {
  try {
    load(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loaded without an error');
}

describe('pipelines in kconnect.yaml', () => {
  it('loads the contract as written: defaults filled, the sink path beside the file, checkpoints in .kconnect', () => {
    const config = load(CONTRACT);
    const pipeline = config.pipelines['ksc-events']!;
    expect(pipeline.source).toMatchObject({ type: 'ksc.events', connection: 'lab', start: 'start' });
    expect(pipeline.mapping).toBe('ecs');
    expect(pipeline.sink).toEqual({ type: 'file', path: join(dir, 'out', 'ksc-events.ndjson') });
    expect(config.intake.state).toEqual({ file: join(dir, '.kconnect', 'intake.db') });
    const [definition] = pipelineDefinitions(config, {
      vendorClient: () => {
        throw new Error('no client is made before a run');
      },
    });
    expect(definition).toMatchObject({
      name: 'ksc-events',
      sourceType: 'ksc.events',
      mappingName: 'ecs',
      sinkType: 'file',
      sinkTarget: join(dir, 'out', 'ksc-events.ndjson'),
    });
  });

  it('takes the batch size, the poll interval, the sink options and the state location', () => {
    const config = load(
      `${CONTRACT}    batchSize: 500\n    pollIntervalSeconds: 2\nintake:\n  state: { file: state/i.sqlite }\n`,
    );
    const [definition] = pipelineDefinitions(config, { vendorClient: () => undefined as never });
    expect(definition).toMatchObject({ batchSize: 500, pollIntervalMs: 2000 });
    expect(config.intake.state).toEqual({ file: join(dir, 'state', 'i.sqlite') });
    const pg = load(`${CONTRACT}intake:\n  state: { urlEnv: INTAKE_DB }\n`, {
      INTAKE_DB: 'postgres://kc:secret@db.example:5432/intake',
    });
    expect(pg.intake).toEqual({
      state: { url: 'postgres://kc:secret@db.example:5432/intake' },
      stateDescription: 'postgres://db.example:5432/intake',
    });
  });

  it('names the field and the reason', () => {
    expect(failure(CONTRACT.replace('connection: lab', 'connection: prod'))).toBe(
      'pipelines.ksc-events.source.connection: no connection named "prod" (configured: lab)',
    );
    expect(failure(CONTRACT.replace('type: ksc.events', 'type: kics.events'))).toBe(
      'pipelines.ksc-events.source.connection: "lab" is a ksc connection; a kics.events source reads a kics one',
    );
    expect(failure(CONTRACT.replace('type: ksc.events', 'type: ksc.alerts'))).toMatch(
      /^pipelines\.ksc-events\.source\.type: unknown source type "ksc\.alerts" \(known types: ksc\.events, /,
    );
    expect(failure(CONTRACT.replace('start: start', 'start: yesterday'))).toMatch(
      /^pipelines\.ksc-events\.source\.start: /,
    );
    expect(failure(CONTRACT.replace('mapping: ecs', 'mapping: cef'))).toBe(
      'pipelines.ksc-events.mapping: expected one of raw, d3, ecs, ocsf, or { type, options }',
    );
    expect(failure(CONTRACT.replace('type: file,', 'type: kafka,'))).toMatch(
      /^pipelines\.ksc-events\.sink\.type: unknown sink type "kafka" \(known types: file/,
    );
    expect(failure(CONTRACT.replace('path: out', 'gzip: yes, path: out'))).toBe(
      'pipelines.ksc-events.sink.gzip: expected boolean',
    );
    expect(failure(`${CONTRACT}    pollInterval: 5\n`)).toBe(
      'pipelines.ksc-events.pollInterval: unknown setting',
    );
    expect(failure(`${CONTRACT}intake:\n  state: { urlEnv: INTAKE_DB }\n`)).toBe(
      'intake.state.urlEnv: environment variable INTAKE_DB is not set',
    );
  });

  it('is in the JSON Schema editors read', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['pipelines', 'intake']));
  });
});
