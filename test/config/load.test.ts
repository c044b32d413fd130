import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError, configFileSchema, loadConfig, type LoadConfigOptions } from '../../src/config/index.ts';
import type { ConnectionConfig } from '../../src/config/connections/registry.ts';
import type { KscConnectionConfig } from '../../src/config/connections/ksc.ts';

/** Placeholder secrets; never real. */
const FILE_PASSWORD = 'file-only-password-7781';
const ENV_PASSWORD = 'env-only-password-9923';
const PIN_A = `sha256/${Buffer.alloc(32, 1).toString('base64')}`;
const PIN_B = `sha256/${Buffer.alloc(32, 2).toString('base64')}`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function load(options: Partial<LoadConfigOptions> = {}) {
  return loadConfig({ env: {}, cwd: dir, ...options });
}

/** The error `run` throws; fails the test when it throws none or another kind. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const TWO_CONNECTIONS = `
defaultConnection: prod
connections:
  prod:
    type: ksc
    url: https://ksc.example.com:13299
    user: svc-kconnect
    passwordFile: secrets/prod-password
    domain: CORP
    tls:
      caFile: certs/klserver.cer
      pins: ['${PIN_A}', '${PIN_B}']
    timeoutMs: 30000
    connections: 2
  lab:
    url: http://127.0.0.1:13299
    user: admin
    passwordEnv: LAB_PASSWORD
    virtualServer: vs-branch
service:
  port: 8080
  somethingTheServiceAdds: true
mcp:
  allowDestructive: false
`;

function twoConnections(): string {
  mkdirSync(join(dir, 'secrets'));
  mkdirSync(join(dir, 'certs'));
  write('secrets/prod-password', `${FILE_PASSWORD}\n`);
  write('certs/klserver.cer', 'not read while loading');
  return write('kconnect.yaml', TWO_CONNECTIONS);
}

/** A connection that must be a KSC one (the assertions read KSC-only settings). */
function kscConnection(connection: ConnectionConfig | undefined): KscConnectionConfig | undefined {
  if (connection !== undefined && connection.type !== 'ksc')
    throw new Error(`not a KSC connection: ${connection.type}`);
  return connection;
}

describe('loadConfig: the file', () => {
  it('finds kconnect.yaml in the working directory and reads every connection, paths relative to the file', () => {
    const file = twoConnections();
    const config = load();
    expect(config.file).toBe(file);
    expect(Object.keys(config.connections)).toEqual(['prod', 'lab']);
    expect(config.defaultConnection).toBe('prod');
    const prod = config.connections['prod']!;
    expect(prod.url).toBe('https://ksc.example.com:13299');
    expect(prod.tls.caFile?.path).toBe(join(dir, 'certs/klserver.cer'));
    expect(prod.tls.pins).toEqual([PIN_A, PIN_B]);
    expect(prod.timeoutMs).toBe(30000);
    expect(prod.connections).toBe(2);
    expect(prod.credentials).toMatchObject({ user: 'svc-kconnect', domain: 'CORP' });
    expect(kscConnection(config.connections['lab'])?.virtualServer).toBe('vs-branch');
    // The other surfaces' sections pass through, unknown keys included.
    expect(config.service).toEqual({ port: 8080, somethingTheServiceAdds: true });
    expect(config.mcp).toEqual({ allowDestructive: false });
  });

  it('reads kconnect.json and kconnect.yml as well, and refuses two files at once', () => {
    write(
      'kconnect.json',
      JSON.stringify({ connections: { a: { url: 'https://a:1', user: 'u', password: 'x' } } }),
    );
    expect(load().connections['a']?.url).toBe('https://a:1');
    expect(load().defaultConnection).toBe('a'); // the only connection
    write('kconnect.yml', 'connections: {}\n');
    expect(configError(() => load()).message).toMatch(/kconnect\.yml and .*kconnect\.json both exist/);
  });

  it('takes --config before KCONNECT_CONFIG before the working directory, and names the one that is missing', () => {
    write('kconnect.yaml', 'connections: { here: { url: "https://here:1", user: u, password: x } }\n');
    const other = write(
      'other.yaml',
      'connections: { other: { url: "https://other:1", user: u, password: x } }\n',
    );
    const third = write(
      'third.yaml',
      'connections: { third: { url: "https://third:1", user: u, password: x } }\n',
    );
    expect(Object.keys(load({ env: { KCONNECT_CONFIG: other } }).connections)).toEqual(['other']);
    expect(Object.keys(load({ env: { KCONNECT_CONFIG: other }, file: third }).connections)).toEqual([
      'third',
    ]);
    expect(configError(() => load({ file: 'nope.yaml' })).message).toBe(
      `--config: file not found: ${join(dir, 'nope.yaml')}`,
    );
    expect(configError(() => load({ env: { KCONNECT_CONFIG: 'gone.yaml' } })).field).toBe('KCONNECT_CONFIG');
  });

  it('names the field of every problem, as a path in the file', () => {
    write(
      'kconnect.yaml',
      [
        'connections:',
        '  prod:',
        '    url: https://ksc:13299',
        '    user: svc',
        '    password: x',
        '    tsl: { insecure: true }',
        '    timeoutMs: soon',
        '    tls: { pins: [1] }',
        'servce: {}',
      ].join('\n'),
    );
    const error = configError(() => load());
    expect(error.message).toContain('connections.prod.tsl: unknown setting');
    expect(error.message).toContain('connections.prod.timeoutMs: expected number');
    expect(error.message).toContain('connections.prod.tls.pins[0]: expected string');
    expect(error.message).toContain('servce: unknown setting');
  });

  it('says a referenced file is missing, naming the field and the resolved path', () => {
    twoConnections();
    rmSync(join(dir, 'certs/klserver.cer'));
    const error = configError(() => load());
    expect(error.field).toBe('connections.prod.tls.caFile');
    expect(error.message).toBe(
      `connections.prod.tls.caFile: file not found: ${join(dir, 'certs/klserver.cer')}`,
    );
  });

  it('applies the client’s own rules, in the configuration’s words', () => {
    write('kconnect.yaml', `connections:\n  a:\n    url: ftp://ksc\n    user: u\n    password: x\n`);
    expect(configError(() => load()).message).toBe('connections.a.url: must be https:// or http://');
    write(
      'kconnect.yaml',
      `connections:\n  a:\n    url: https://ksc\n    user: u\n    password: x\n    tls: { pins: ['${PIN_A}', 'sha256/short'] }\n`,
    );
    expect(configError(() => load()).message).toBe(
      'connections.a.tls.pins[1]: expected sha256/<base64 of 32 bytes>',
    );
    write(
      'kconnect.yaml',
      `connections:\n  a:\n    url: https://ksc\n    user: u\n    password: x\n    tls: { pins: ['${PIN_A}'], insecure: true }\n`,
    );
    expect(configError(() => load()).message).toBe(
      'connections.a.tls.insecure: cannot be combined with tls.ca or tls.pins',
    );
  });

  it('needs a URL, a user with a password, and one secret source', () => {
    write('kconnect.yaml', 'connections:\n  a:\n    user: u\n    password: x\n');
    expect(configError(() => load()).message).toMatch(/^connections\.a\.url: required/);
    write('kconnect.yaml', 'connections:\n  a:\n    url: https://a\n    password: x\n');
    expect(configError(() => load()).message).toMatch(/^connections\.a\.user: required with a password/);
    write('kconnect.yaml', 'connections:\n  a:\n    url: https://a\n    user: u\n');
    expect(configError(() => load()).field).toBe('connections.a.password');
    write(
      'kconnect.yaml',
      'connections:\n  a:\n    url: https://a\n    user: u\n    password: x\n    passwordEnv: X\n',
    );
    expect(configError(() => load()).message).toBe(
      'connections.a.password, connections.a.passwordEnv: give only one of them',
    );
    write('kconnect.yaml', 'connections:\n  a:\n    url: https://a\n    user: u\n    token: t\n');
    expect(configError(() => load()).message).toBe('connections.a.user: a token login has no user');
  });

  it('reads a token connection, KSCWT unless the scheme says otherwise', () => {
    write(
      'kconnect.yaml',
      'connections:\n  a: { url: "https://a", tokenEnv: A_TOKEN }\n  b: { url: "https://b", token: t, tokenScheme: KSCT }\n',
    );
    const config = load();
    expect(config.connections['a']?.credentials).toMatchObject({ scheme: 'KSCWT' });
    expect(config.connections['b']?.credentials).toMatchObject({ scheme: 'KSCT' });
    expect(config.defaultConnection).toBeUndefined(); // two, none named the default
  });

  it('refuses a defaultConnection that does not exist and a connection name that cannot be one', () => {
    write(
      'kconnect.yaml',
      'defaultConnection: prd\nconnections:\n  prod: { url: "https://a", user: u, password: x }\n',
    );
    expect(configError(() => load()).message).toBe(
      'defaultConnection: no connection named "prd" (configured: prod)',
    );
    write('kconnect.yaml', 'connections:\n  "bad name": { url: "https://a", user: u, password: x }\n');
    expect(configError(() => load()).field).toBe('connections.bad name');
  });

  it('keeps a password out of YAML syntax errors', () => {
    for (const text of [
      `connections:\n  a:\n    password: ${FILE_PASSWORD}: more\n`,
      `connections:\n  a:\n    password: "${FILE_PASSWORD}\n`,
      `connections:\n  - ${FILE_PASSWORD}\n  b: c ${FILE_PASSWORD}\n`,
    ]) {
      write('kconnect.yaml', text);
      const error = configError(() => load());
      expect(error.message).toMatch(/kconnect\.yaml:\d+:\d+: not valid YAML/);
      expect(error.message).not.toContain(FILE_PASSWORD);
    }
  });
});

describe('loadConfig: connection types', () => {
  it('reads a connection without type as ksc, and one with type: ksc the same', () => {
    write(
      'kconnect.yaml',
      'connections:\n  a: { url: "https://a", user: u, password: x }\n  b: { type: ksc, url: "https://b", user: u, password: x }\n',
    );
    const config = load();
    expect(config.connections['a']?.type).toBe('ksc');
    expect(config.connections['b']?.type).toBe('ksc');
    expect(
      load({ env: { KCONNECT_URL: 'https://c', KCONNECT_TOKEN: 't' } }).connections['default']?.type,
    ).toBe('ksc'); // a new connection is of the default type
  });

  it('refuses a type it does not know, naming the field and the known types', () => {
    write(
      'kconnect.yaml',
      'connections:\n  ok: { url: "https://a", user: u, password: x }\n  lab: { type: kuma, url: "https://kuma", tokenFile: t }\n',
    );
    const error = configError(() => load());
    expect(error.field).toBe('connections.lab.type');
    expect(error.message).toBe(
      'connections.lab.type: unknown connection type "kuma" (known types: ksc, kics)',
    );
    write('kconnect.yaml', 'connections:\n  lab: { type: 3, url: "https://a" }\n');
    expect(configError(() => load()).message).toBe(
      'connections.lab.type: unknown connection type 3 (known types: ksc, kics)',
    );
  });

  it('maps the client’s errors by their fields, with the item of a list', () => {
    const pin = configError(() =>
      load({ flags: { url: 'https://a', user: 'u', passwordEnv: 'P', pin: ['nope'] } }),
    );
    expect([pin.field, pin.index, pin.reason]).toEqual(['--pin', 0, 'expected sha256/<base64 of 32 bytes>']);
    write(
      'kconnect.yaml',
      `connections:\n  a:\n    url: https://ksc\n    user: u\n    password: x\n    tls: { pins: ['${PIN_A}', 'sha256/short'] }\n`,
    );
    const inFile = configError(() => load());
    expect([inFile.field, inFile.index]).toEqual(['connections.a.tls.pins', 1]);
    write(
      'kconnect.yaml',
      `connections:\n  a: { url: "https://ksc", user: u, password: x, proxy: "socks5://p:1" }\n`,
    );
    expect(configError(() => load()).message).toBe('connections.a.proxy: only http:// proxies are supported');
  });

  it('names a proxy variable the client refuses as the variable', () => {
    // Before the client's errors had fields, this read `connections.default: HTTPS_PROXY: only http:// …`.
    const error = configError(() =>
      load({
        env: {
          KCONNECT_URL: 'https://ksc:13299',
          KCONNECT_USER: 'u',
          KCONNECT_PASSWORD: 'p',
          HTTPS_PROXY: 'socks5://p:1',
        },
      }),
    );
    expect(error.field).toBe('HTTPS_PROXY');
    expect(error.message).toBe('HTTPS_PROXY: only http:// proxies are supported');
  });
});

describe('loadConfig: environment and flags', () => {
  it('makes a connection from the environment alone, named default, with the password read from the variable later', async () => {
    const env = { KCONNECT_URL: 'https://ksc:1', KCONNECT_USER: 'admin', KCONNECT_PASSWORD: ENV_PASSWORD };
    const config = load({ env });
    expect(config.defaultConnection).toBe('default');
    const credentials = config.connections['default']!.credentials;
    if (!('user' in credentials)) throw new Error('expected a password login');
    expect(credentials.password.kind).toBe('env');
    expect(credentials.password.ref).toBe('KCONNECT_PASSWORD');
    expect(await credentials.password.read()).toBe(ENV_PASSWORD);
  });

  it('makes one from flags alone, with a password file and pins', () => {
    const passwordFile = write('pw', FILE_PASSWORD);
    const config = load({
      flags: { url: 'https://ksc:13299', user: 'admin', passwordFile: 'pw', pin: [`${PIN_A},${PIN_B}`] },
    });
    const connection = config.connections['default']!;
    expect(connection.tls.pins).toEqual([PIN_A, PIN_B]);
    expect(connection.sources).toMatchObject({
      url: '--url',
      passwordFile: '--password-file',
      'tls.pins': '--pin',
    });
    const credentials = connection.credentials;
    expect('user' in credentials && credentials.password.ref).toBe(passwordFile);
  });

  it('lets the environment beat the file and the flags beat both, setting by setting', () => {
    twoConnections();
    const envPasswordFile = write('env-pw', ENV_PASSWORD);
    const env = {
      KCONNECT_URL: 'https://from-env:13299',
      KCONNECT_USER: 'env-user',
      KCONNECT_PASSWORD_FILE: envPasswordFile,
      KCONNECT_TIMEOUT_MS: '5000',
    };
    const fromEnv = load({ env }).connections['prod']!;
    expect(fromEnv.url).toBe('https://from-env:13299');
    expect(fromEnv.timeoutMs).toBe(5000);
    expect('user' in fromEnv.credentials && fromEnv.credentials.user).toBe('env-user');
    expect('user' in fromEnv.credentials && fromEnv.credentials.password.ref).toBe(envPasswordFile);
    expect('user' in fromEnv.credentials && fromEnv.credentials.domain).toBe('CORP'); // the file's, untouched
    expect(fromEnv.sources).toMatchObject({ url: 'KCONNECT_URL', domain: 'connections.prod.domain' });

    const fromFlags = load({ env, flags: { url: 'https://from-flag:13299', passwordEnv: 'OTHER' } })
      .connections['prod']!;
    expect(fromFlags.url).toBe('https://from-flag:13299');
    expect('user' in fromFlags.credentials && fromFlags.credentials.user).toBe('env-user');
    expect('user' in fromFlags.credentials && fromFlags.credentials.password.ref).toBe('OTHER');
    expect(fromFlags.timeoutMs).toBe(5000);
    // The other connection is only the file's.
    expect(load({ env }).connections['lab']?.url).toBe('http://127.0.0.1:13299');
  });

  it('applies the environment and flags to the connection chosen with --connection or KCONNECT_CONNECTION', () => {
    twoConnections();
    const byEnv = load({ env: { KCONNECT_CONNECTION: 'lab', KCONNECT_VIRTUAL_SERVER: 'vs-other' } });
    expect(byEnv.defaultConnection).toBe('lab');
    expect(kscConnection(byEnv.connections['lab'])?.virtualServer).toBe('vs-other');
    expect(kscConnection(byEnv.connections['prod'])?.virtualServer).toBeUndefined();
    const byFlag = load({ env: { KCONNECT_CONNECTION: 'lab' }, flags: { connection: 'prod' } });
    expect(byFlag.defaultConnection).toBe('prod');
    expect(configError(() => load({ flags: { connection: 'stage' } })).message).toBe(
      '--connection: no connection named "stage" (configured: prod, lab)',
    );
    expect(configError(() => load({ flags: { connection: 'toString' } })).message).toBe(
      '--connection: no connection named "toString" (configured: prod, lab)',
    );
    // A new name with a URL is a one-off connection beside the file's.
    const adHoc = load({
      flags: { connection: 'stage', url: 'https://stage:1', user: 'u', passwordEnv: 'S' },
    });
    expect(Object.keys(adHoc.connections)).toEqual(['prod', 'lab', 'stage']);
  });

  it('lets --insecure replace the file’s CA and pins, and a pin replace insecure mode', () => {
    twoConnections();
    const insecure = load({ flags: { insecure: true } }).connections['prod']!;
    expect(insecure.tls).toEqual({ insecure: true });
    write(
      'kconnect.yaml',
      'connections:\n  a: { url: "https://a", user: u, password: x, tls: { insecure: true } }\n',
    );
    const pinned = load({ env: { KCONNECT_PIN: PIN_A } }).connections['a']!;
    expect(pinned.tls).toEqual({ pins: [PIN_A], insecure: false });
  });

  it('names the variable or flag a bad value came from', () => {
    expect(
      configError(() =>
        load({ env: { KCONNECT_URL: 'ksc:13299', KCONNECT_USER: 'u', KCONNECT_PASSWORD: 'p' } }),
      ).message,
    ).toBe('KCONNECT_URL: must be https:// or http://');
    expect(
      configError(() => load({ flags: { url: 'https://a', user: 'u', passwordEnv: 'P', pin: ['nope'] } }))
        .message,
    ).toBe('--pin[0]: expected sha256/<base64 of 32 bytes>');
    expect(configError(() => load({ env: { KCONNECT_INSECURE: 'maybe' } })).message).toBe(
      'KCONNECT_INSECURE: expected true or false',
    );
    expect(configError(() => load({ env: { KCONNECT_TIMEOUT_MS: '1.5' } })).field).toBe(
      'KCONNECT_TIMEOUT_MS',
    );
    expect(
      configError(() => load({ env: { KCONNECT_PASSWORD: 'a', KCONNECT_PASSWORD_FILE: 'b' } })).message,
    ).toBe('KCONNECT_PASSWORD, KCONNECT_PASSWORD_FILE: give only one of them');
    expect(
      configError(() => load({ flags: { url: 'https://a', user: 'u', ca: 'missing.pem', passwordEnv: 'P' } }))
        .message,
    ).toBe(`--ca: file not found: ${join(dir, 'missing.pem')}`);
    expect(configError(() => load({ flags: { url: 'https://a', passwordEnv: 'P' } })).message).toMatch(
      /^connections\.default\.user: required with a password/,
    );
  });

  it('has no connection at all without a file, variables or flags', () => {
    const config = load();
    expect(config.connections).toEqual({});
    expect(config.defaultConnection).toBeUndefined();
  });
});

describe('secrets in the configuration', () => {
  it('shows *** and where a secret comes from, never its value, in String, JSON and inspect', async () => {
    twoConnections();
    const config = load({ env: { LAB_PASSWORD: ENV_PASSWORD } });
    write(
      'kconnect.yaml',
      `connections:\n  v: { url: "https://v", user: u, password: "${FILE_PASSWORD}" }\n`,
    );
    const withValue = load();
    for (const view of [
      inspect(config, { depth: 10 }),
      JSON.stringify(config),
      inspect(withValue, { depth: 10 }),
      JSON.stringify(withValue),
      `${String(withValue.connections['v']!.credentials && (withValue.connections['v']!.credentials as { password: unknown }).password)}`,
    ]) {
      expect(view).toContain('***');
      expect(view).not.toContain(FILE_PASSWORD);
      expect(view).not.toContain(ENV_PASSWORD);
    }
    expect(JSON.stringify(config)).toContain(`*** (file ${join(dir, 'secrets/prod-password')})`);
    expect(JSON.stringify(config)).toContain('*** (env LAB_PASSWORD)');
    // The values are there all the same, for the client.
    const prod = config.connections['prod']!.credentials as { password: { read(): Promise<string> } };
    expect(await prod.password.read()).toBe(FILE_PASSWORD); // the file's line break is not part of it
    const lab = config.connections['lab']!.credentials as { password: { read(): Promise<string> } };
    expect(await lab.password.read()).toBe(ENV_PASSWORD);
  });

  it('reads a secret only when asked, and again each time, naming the field when it cannot', async () => {
    const env: Record<string, string> = {};
    const file = write('pw', 'first\n');
    const config = load({
      env,
      flags: { url: 'https://a', user: 'u', passwordFile: 'pw' },
    });
    const viaEnv = load({ env, flags: { url: 'https://a', user: 'u', passwordEnv: 'LATER' } });
    const password = (config.connections['default']!.credentials as { password: { read(): Promise<string> } })
      .password;
    writeFileSync(file, 'rotated\n');
    expect(await password.read()).toBe('rotated');
    rmSync(file);
    await expect(password.read()).rejects.toThrow(`--password-file: file not found: ${file}`);
    const later = (viaEnv.connections['default']!.credentials as { password: { read(): Promise<string> } })
      .password;
    await expect(later.read()).rejects.toThrow('--password-env: environment variable LATER is not set');
    env['LATER'] = 'now set';
    expect(await later.read()).toBe('now set');
  });
});

describe('docs/cli.md', () => {
  it('shows a configuration file the schema accepts', () => {
    const page = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(page)?.[1];
    expect(example).toBeDefined();
    const checked = configFileSchema.safeParse(parseYaml(example!));
    expect(checked.success, checked.error?.message).toBe(true);
    expect(Object.keys(checked.data?.connections ?? {})).toEqual(['prod', 'branch', 'lab']);
  });
});
