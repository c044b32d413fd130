/**
 * Plain `http://` to another machine would carry `KSCBasic` credentials in clear: refused by the configuration
 * (naming where the URL was given) and by the library client, unless the host is this machine or it is allowed
 * explicitly, which then warns as `tls.insecure` does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createContextFactory,
  loadConfig,
  type LoadConfigOptions,
} from '../../src/config/index.ts';
import { KscClient } from '../../src/ksc/index.ts';
import type { ClientLogger } from '../../src/vendor-client.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-insecure-http-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(options: Partial<LoadConfigOptions> = {}) {
  return loadConfig({ env: {}, cwd: dir, ...options });
}

function fileWith(url: string, extra = ''): void {
  writeFileSync(
    join(dir, 'kconnect.yaml'),
    `connections:\n  lab:\n    url: ${url}\n    user: u\n    password: x\n${extra}`,
  );
}

function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The warnings a client made from the configuration logs when it starts. */
function warnings(config: ReturnType<typeof load>, name?: string): string[] {
  const lines: string[] = [];
  const logger: ClientLogger = (record) => {
    if (record.level === 'warn') lines.push(record.message);
  };
  createContextFactory(config, { logger }).client(name);
  return lines;
}

const REASON =
  'plain http:// would send the credentials of connection "lab" to ksc.lab in clear: use https://, or for a lab ' +
  'set allowInsecureHttp: true in the connection (KCONNECT_ALLOW_INSECURE_HTTP=1, --allow-insecure-http)';

describe('the configuration refuses plain http:// to another machine', () => {
  it('names connections.<name>.url and the reason', () => {
    fileWith('http://ksc.lab:13299');
    const error = refusal(() => load());
    expect(error.field).toBe('connections.lab.url');
    expect(error.reason).toBe(REASON);
    expect(error.message).toBe(`connections.lab.url: ${REASON}`);
  });

  it('names the variable or flag that gave the URL', () => {
    const env = { KCONNECT_URL: 'http://10.1.2.3:13299', KCONNECT_USER: 'u', KCONNECT_PASSWORD: 'x' };
    expect(refusal(() => load({ env })).field).toBe('KCONNECT_URL');
    expect(
      refusal(() => load({ flags: { url: 'http://[fd00::5]:13299', user: 'u', passwordEnv: 'P' } })).field,
    ).toBe('--url');
  });

  it('accepts loopback hosts without a setting, and warns about none', () => {
    for (const url of [
      'http://127.0.0.1:13299',
      'http://127.8.9.10',
      'http://localhost:1',
      'http://[::1]:1',
    ]) {
      fileWith(url);
      const config = load();
      expect(config.connections['lab']?.url).toBe(url);
      expect(warnings(config)).toEqual([]);
    }
  });

  it('accepts another host when allowed in the file, the environment or by the flag, and the client warns', () => {
    fileWith('http://ksc.lab:13299', '    allowInsecureHttp: true\n');
    const byFile = load();
    expect(byFile.connections['lab']).toMatchObject({ allowInsecureHttp: true });
    expect(byFile.connections['lab']?.sources['allowInsecureHttp']).toBe('connections.lab.allowInsecureHttp');
    expect(warnings(byFile)).toEqual([
      'plain HTTP to http://ksc.lab:13299: the credentials and results cross the network in clear',
    ]);

    fileWith('http://ksc.lab:13299');
    const byEnv = load({ env: { KCONNECT_ALLOW_INSECURE_HTTP: '1' } });
    expect(byEnv.connections['lab']?.sources['allowInsecureHttp']).toBe('KCONNECT_ALLOW_INSECURE_HTTP');
    expect(warnings(byEnv)).toHaveLength(1);

    const byFlag = load({ flags: { allowInsecureHttp: true } });
    expect(byFlag.connections['lab']?.sources['allowInsecureHttp']).toBe('--allow-insecure-http');

    fileWith('http://ksc.lab:13299', '    allowInsecureHttp: false\n');
    expect(refusal(() => load()).field).toBe('connections.lab.url');
  });
});

describe('the library client refuses plain http:// to another machine', () => {
  const credentials = { user: 'u', password: 'x' };

  it('throws naming url unless allowInsecureHttp, and warns when allowed', async () => {
    expect(() => new KscClient({ url: 'http://ksc.example.com:13299', credentials })).toThrow(
      'url: plain http:// would send the credentials to ksc.example.com in clear: use https://, ' +
        'or set allowInsecureHttp: true for a lab',
    );
    const lines: string[] = [];
    const allowed = new KscClient(
      { url: 'http://ksc.example.com:13299', credentials, allowInsecureHttp: true },
      { logger: (record) => lines.push(`${record.level}: ${record.message}`) },
    );
    expect(allowed.config.insecureHttp).toBe(true);
    expect(lines).toEqual([
      'warn: plain HTTP to http://ksc.example.com:13299: the credentials and results cross the network in clear',
    ]);
    await allowed.close();
  });

  it('always accepts loopback, and https', async () => {
    for (const url of [
      'http://127.0.0.1:1',
      'http://127.255.0.1',
      'http://localhost',
      'http://[::1]:1',
      'https://ksc.example.com',
    ]) {
      const lines: string[] = [];
      const client = new KscClient({ url, credentials }, { logger: (record) => lines.push(record.message) });
      expect(client.config.insecureHttp).toBe(false);
      expect(lines).toEqual([]);
      await client.close();
    }
  });
});

describe('kconnect as users start it', () => {
  it('refuses a plain http:// URL from the environment before it sends anything', () => {
    const run = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('../../bin/kconnect.js', import.meta.url)), 'mcp'],
      {
        cwd: dir,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: dir,
          KCONNECT_URL: 'http://10.0.0.5:13299',
          KCONNECT_USER: 'admin',
          KCONNECT_PASSWORD: 'placeholder-password-4471',
        },
        input: '',
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'KCONNECT_URL: plain http:// would send the credentials of connection "default"',
    );
    expect(run.stdout).toBe('');
  });
});
