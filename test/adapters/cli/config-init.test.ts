/** `kconnect config init` and `config schema`: a starter file the loader accepts, and the schema it is checked by. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { configFileSchema } from '../../../src/config/schema.ts';
import { runCli } from './support.ts';

describe('kconnect config init and schema', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a commented starter the loader accepts, with its schema beside it, and never overwrites unasked', async () => {
    const first = await runCli(['config', 'init'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const text = readFileSync(path.join(dir, 'kconnect.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./kconnect.schema.json');
    expect(configFileSchema.safeParse(parse(text)).success).toBe(true);
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.defaultConnection).toBe('lab');
    expect(config.connections['lab']).toMatchObject({ type: 'ksc', url: 'https://ksc.example.com:13299' });
    const schema = JSON.parse(readFileSync(path.join(dir, 'kconnect.schema.json'), 'utf8')) as {
      title: string;
    };
    expect(schema.title).toContain('kconnect.yaml');

    const modified = statSync(path.join(dir, 'kconnect.yaml')).mtimeMs;
    const again = await runCli(['config', 'init'], { cwd: dir });
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('kconnect.yaml: exists already; --force overwrites it');
    expect(statSync(path.join(dir, 'kconnect.yaml')).mtimeMs).toBe(modified);
    expect((await runCli(['config', 'init', '--force'], { cwd: dir })).code).toBe(0);
  });

  it('prints a JSON Schema that knows every section and refuses what the loader refuses', async () => {
    const run = await runCli(['config', 'schema'], { cwd: dir });
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as {
      $schema: string;
      additionalProperties: boolean;
      properties: Record<
        string,
        { additionalProperties?: { oneOf?: Array<{ properties: Record<string, unknown> }> } }
      >;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toEqual([
      'defaultConnection',
      'connections',
      'pipelines',
      'intake',
      'service',
      'mcp',
      'directory',
    ]);
    expect(schema.additionalProperties).toBe(false);
    const ksc = schema.properties['connections']!.additionalProperties!.oneOf![0]!;
    expect(Object.keys(ksc.properties)).toEqual(
      expect.arrayContaining(['type', 'url', 'user', 'passwordEnv', 'tls']),
    );
  });
});
