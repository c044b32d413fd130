/**
 * `sinks:` in kconnect.yaml (issue 19): the PostgreSQL entry loads as written with its password masked,
 * sinks are named and keyed for their checkpoints, dead-letter files default beside the state, and bad values name
 * the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { pipelineDefinitions } from '../../src/intake/configured.ts';

const HEAD = `connections:
  lab: { type: ksc, url: "https://ksc.example.com:13299", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
pipelines:
  ksc-to-bus:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ocsf
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-sinks-config-'));
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

const never = {
  vendorClient: () => {
    throw new Error('no client is made before a run');
  },
};

describe('sinks: in a pipeline', () => {
  it('loads the issue’s postgres entry as written, names and keys each sink, masks the password', () => {
    const config = load(`${HEAD}    sinks:
      - { type: postgres, url: "postgres://kconnect@127.0.0.1/siem", table: ksc_events }
      - { type: file, path: out/a.ndjson }
      - { type: file, path: out/b.ndjson, name: archive, deadLetter: { path: dl/archive.ndjson } }
      - { type: postgres, url: "postgres://kconnect:s3cret@127.0.0.1/siem", table: audit.ksc_events, createTable: false }
`);
    const pipeline = config.pipelines['ksc-to-bus']!;
    expect(pipeline.sinks.map((s) => [s.name, s.checkpointKey])).toEqual([
      ['postgres-1', 'ksc-to-bus/postgres-1'],
      ['file', 'ksc-to-bus/file'],
      ['archive', 'ksc-to-bus/archive'],
      ['postgres-2', 'ksc-to-bus/postgres-2'],
    ]);
    expect(pipeline.sinks[0]!.deadLetterPath).toBe(
      join(dir, '.kconnect', 'dead-letter', 'ksc-to-bus.postgres-1.ndjson'),
    );
    expect(pipeline.sinks[2]!.deadLetterPath).toBe(join(dir, 'dl', 'archive.ndjson'));
    const [definition] = pipelineDefinitions(config, never);
    expect(definition!.sinks!.map((s) => s.target)).toEqual([
      'postgres://kconnect@127.0.0.1/siem table ksc_events',
      join(dir, 'out', 'a.ndjson'),
      join(dir, 'out', 'b.ndjson'),
      'postgres://kconnect:***@127.0.0.1/siem table audit.ksc_events',
    ]);
    expect(JSON.stringify(config)).not.toContain('s3cret');
  });

  it('keeps a single sink: keyed by the pipeline, its dead-letter file beside the state file', () => {
    const config = load(`${HEAD}    sink: { type: file, path: out/a.ndjson }
intake:
  state: { file: st/intake.db }
`);
    const [only] = config.pipelines['ksc-to-bus']!.sinks;
    expect(only).toMatchObject({ name: 'file', checkpointKey: 'ksc-to-bus' });
    expect(only!.deadLetterPath).toBe(join(dir, 'st', 'dead-letter', 'ksc-to-bus.ndjson'));
  });

  it('takes urlEnv and checks it is set', () => {
    const config = load(`${HEAD}    sinks: [{ type: postgres, urlEnv: SIEM_DB, table: t }]\n`, {
      SIEM_DB: 'postgres://u:pw@db/siem',
    });
    expect(pipelineDefinitions(config, never)[0]!.sinks![0]!.target).toBe('$SIEM_DB table t');
    expect(failure(`${HEAD}    sinks: [{ type: postgres, urlEnv: SIEM_DB, table: t }]\n`)).toBe(
      'pipelines.ksc-to-bus.sinks[0].urlEnv: environment variable SIEM_DB is not set',
    );
  });

  it('names the field on errors', () => {
    expect(
      failure(`${HEAD}    sink: { type: file, path: a }\n    sinks: [{ type: file, path: b }]\n`),
    ).toMatch(/^pipelines\.ksc-to-bus\.sinks: give either sink: or sinks:, not both/);
    expect(failure(HEAD)).toMatch(/^pipelines\.ksc-to-bus\.sink: required/);
    expect(
      failure(`${HEAD}    sinks: [{ type: postgres, url: "postgres://h/db", table: "x; drop" }]\n`),
    ).toMatch(/^pipelines\.ksc-to-bus\.sinks\[0\]\.table: expected a table name/);
    expect(failure(`${HEAD}    sinks: [{ type: postgres, url: "http://h/db", table: t }]\n`)).toMatch(
      /^pipelines\.ksc-to-bus\.sinks\[0\]\.url: expected a postgres:\/\/ URL/,
    );
    expect(failure(`${HEAD}    sinks: [{ type: postgres, table: t }]\n`)).toMatch(
      /^pipelines\.ksc-to-bus\.sinks\[0\]\.url: give either url or urlEnv/,
    );
    expect(
      failure(`${HEAD}    sinks: [{ type: file, path: a, name: x }, { type: file, path: b, name: x }]\n`),
    ).toMatch(/^pipelines\.ksc-to-bus\.sinks\[1\]\.name: two sinks are named "x"/);
    expect(failure(`${HEAD}    sinks: [{ type: kafka }]\n`)).toMatch(/unknown sink type "kafka"/);
    expect(failure(`${HEAD}    sinks: [{ type: file, path: a, nmae: x }]\n`)).toMatch(
      /pipelines\.ksc-to-bus\.sinks\.0|sinks\[0\]/,
    );
  });
});
