import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { KconnectError } from '../errors.ts';
import { resolveKscConfig } from '../ksc/client/config.ts';
import { ConfigError } from './errors.ts';
import {
  CONNECTION_NAME,
  configFileSchema,
  type ConfigFile,
  type ConnectionCredentials,
  type FileRef,
  type KconnectConfig,
  type KscConnectionConfig,
} from './schema.ts';
import { Secret } from './secrets.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The YAML parser is loaded only when there is a file to parse: most one-off runs have none. */
const requireModule = createRequire(import.meta.url);
const yaml = (): typeof Yaml => requireModule('yaml') as typeof Yaml;

/** The connection flags every command takes; each beats the environment and the file. */
export interface ConnectionFlags {
  readonly connection?: string;
  readonly url?: string;
  readonly user?: string;
  readonly domain?: string;
  readonly passwordFile?: string;
  readonly passwordEnv?: string;
  readonly ca?: string;
  readonly pin?: readonly string[];
  readonly insecure?: boolean;
  readonly virtualServer?: string;
}

/** What the loader reads files with (tests pass their own). */
export interface ConfigFileSystem {
  /** The text of a file, or undefined when there is none. */
  readText(path: string): string | undefined;
  isFile(path: string): boolean;
  /** Used for secrets, later, when the client logs in. */
  readTextAsync(path: string): Promise<string>;
}

export interface LoadConfigOptions {
  /** An explicit file (`--config`); otherwise `KCONNECT_CONFIG`, otherwise `kconnect.yaml|yml|json` in `cwd`. */
  readonly file?: string;
  readonly env: Env;
  readonly flags?: ConnectionFlags;
  /** Where the file is looked for and relative paths of the environment and flags start. */
  readonly cwd?: string;
  readonly fs?: ConfigFileSystem;
}

export const CONFIG_FILE_NAMES = ['kconnect.yaml', 'kconnect.yml', 'kconnect.json'] as const;

/** The environment variables of the selected connection, by setting (documented in docs/cli.md). */
export const CONNECTION_ENV = {
  url: 'KCONNECT_URL',
  user: 'KCONNECT_USER',
  domain: 'KCONNECT_DOMAIN',
  password: 'KCONNECT_PASSWORD',
  passwordFile: 'KCONNECT_PASSWORD_FILE',
  token: 'KCONNECT_TOKEN',
  tokenFile: 'KCONNECT_TOKEN_FILE',
  tokenScheme: 'KCONNECT_TOKEN_SCHEME',
  virtualServer: 'KCONNECT_VIRTUAL_SERVER',
  'tls.caFile': 'KCONNECT_CA',
  'tls.pins': 'KCONNECT_PIN',
  'tls.insecure': 'KCONNECT_INSECURE',
  timeoutMs: 'KCONNECT_TIMEOUT_MS',
} as const;

const nodeFileSystem: ConfigFileSystem = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  isFile(path) {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  readTextAsync: (path) => readFile(path, 'utf8'),
};

/** A setting as one source gave it: the value, the field to name in errors, and where its relative paths start. */
interface Given {
  readonly value: unknown;
  readonly field: string;
  readonly base: string;
}

/** One source's settings of a connection, flattened (`tls.caFile`), so the sources merge key by key. */
type Layer = Map<string, Given>;

const PASSWORD_KEYS = ['password', 'passwordFile', 'passwordEnv'] as const;
const TOKEN_KEYS = ['token', 'tokenFile', 'tokenEnv'] as const;
const SECRET_KEYS: readonly string[] = [...PASSWORD_KEYS, ...TOKEN_KEYS];

/**
 * Loads the configuration: the file, then the `KCONNECT_*` variables, then the flags, each beating the one
 * before. The variables and flags describe the selected connection (`--connection`, `KCONNECT_CONNECTION`, the
 * file's `defaultConnection`, its only connection, or `default`), so a one-off command needs no file. Every
 * connection is checked now — shapes, URLs, pins, that files it names exist — and every error names the field
 * as the user wrote it (`connections.prod.tls.caFile: file not found: …`, `KCONNECT_URL: …`, `--pin[0]: …`).
 * Secrets are not read: the client reads them when it logs in.
 *
 * @throws {ConfigError}
 */
export function loadConfig(options: LoadConfigOptions): KconnectConfig {
  const fs = options.fs ?? nodeFileSystem;
  const cwd = options.cwd ?? process.cwd();
  const env = options.env;
  const flags = options.flags ?? {};

  const file = findConfigFile(options.file, env, cwd, fs);
  const parsed = file === undefined ? {} : parseConfigFile(file, fs);
  const fileConnections = parsed.connections ?? {};
  const names = Object.keys(fileConnections);

  if (parsed.defaultConnection !== undefined && !Object.hasOwn(fileConnections, parsed.defaultConnection)) {
    throw new ConfigError(
      'defaultConnection',
      `no connection named "${parsed.defaultConnection}"${known(names)}`,
    );
  }

  const envLayer = environmentLayer(env, cwd);
  const flagLayer = flagsLayer(flags, cwd);
  const overridden = envLayer.size > 0 || flagLayer.size > 0;

  const requestedBy =
    flags.connection !== undefined
      ? { name: flags.connection, field: '--connection' }
      : nonBlank(env['KCONNECT_CONNECTION']) !== undefined
        ? { name: env['KCONNECT_CONNECTION'] as string, field: 'KCONNECT_CONNECTION' }
        : undefined;
  if (requestedBy !== undefined && !CONNECTION_NAME.test(requestedBy.name)) {
    throw new ConfigError(requestedBy.field, 'a connection name: letters, digits, "_", "." and "-"');
  }
  const selected =
    requestedBy?.name ??
    parsed.defaultConnection ??
    (names.length === 1 ? names[0] : undefined) ??
    (overridden ? 'default' : undefined);

  const connections: Record<string, KscConnectionConfig> = {};
  for (const name of names) {
    const layers = [fileLayer(name, fileConnections[name] ?? {}, file === undefined ? cwd : dirname(file))];
    if (name === selected) layers.push(envLayer, flagLayer);
    connections[name] = connectionFrom(name, merge(layers), env, fs);
  }
  if (selected !== undefined && !Object.hasOwn(fileConnections, selected)) {
    const merged = merge([envLayer, flagLayer]);
    if (requestedBy !== undefined && !merged.has('url')) {
      throw new ConfigError(requestedBy.field, `no connection named "${selected}"${known(names)}`);
    }
    if (merged.size > 0) connections[selected] = connectionFrom(selected, merged, env, fs);
  }

  return Object.freeze({
    file,
    connections: Object.freeze(connections),
    defaultConnection: selected !== undefined && Object.hasOwn(connections, selected) ? selected : undefined,
    service: parsed.service,
    mcp: parsed.mcp,
  });
}

function known(names: readonly string[]): string {
  return names.length === 0 ? ' (none configured)' : ` (configured: ${names.join(', ')})`;
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function findConfigFile(
  explicit: string | undefined,
  env: Env,
  cwd: string,
  fs: ConfigFileSystem,
): string | undefined {
  const given =
    explicit !== undefined
      ? { path: explicit, field: '--config' }
      : nonBlank(env['KCONNECT_CONFIG']) !== undefined
        ? { path: env['KCONNECT_CONFIG'] as string, field: 'KCONNECT_CONFIG' }
        : undefined;
  if (given !== undefined) {
    const path = resolve(cwd, given.path);
    if (!fs.isFile(path)) throw new ConfigError(given.field, `file not found: ${path}`);
    return path;
  }
  const found = CONFIG_FILE_NAMES.map((n) => join(cwd, n)).filter((p) => fs.isFile(p));
  if (found.length > 1) {
    throw new ConfigError(
      'configuration file',
      `${found.join(' and ')} both exist: keep one, or choose with --config or KCONNECT_CONFIG`,
    );
  }
  return found[0];
}

/**
 * Parses YAML (JSON is YAML too). Parser messages quote the offending line, which may hold a password, so an
 * error keeps only the parser's own words and the position.
 */
function parseConfigFile(path: string, fs: ConfigFileSystem): ConfigFile {
  const text = fs.readText(path);
  if (text === undefined) throw new ConfigError(path, 'file not found');
  const document = yaml().parseDocument(text);
  const problem = document.errors[0];
  if (problem !== undefined) {
    const where = problem.linePos?.[0];
    const what = (problem.message.split(' at line')[0] ?? '').split(': ')[0] ?? '';
    throw new ConfigError(
      where === undefined ? path : `${path}:${where.line}:${where.col}`,
      `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${what}`,
    );
  }
  const data: unknown = document.toJS() ?? {};
  const checked = configFileSchema.safeParse(data);
  if (!checked.success) throw issuesError(checked.error.issues, data);
  return checked.data;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function issueReason(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code === 'invalid_type') {
    return valueAt(data, issue.path) === undefined ? 'required' : `expected ${issue.expected}`;
  }
  if (issue.code === 'invalid_value')
    return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  if (issue.code === 'invalid_union') return 'not one of the accepted forms';
  return issue.message;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** All problems of the file at once, each naming its field; the first one is the error's `field`. */
function issuesError(issues: readonly z.core.$ZodIssue[], data: unknown): ConfigError {
  const problems = issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: pathText([...issue.path, key]), reason: 'unknown setting' }));
    }
    return [{ field: pathText(issue.path) || 'configuration', reason: issueReason(issue, data) }];
  });
  const [first, ...rest] = problems;
  if (first === undefined) return new ConfigError('configuration', 'not valid');
  const error = new ConfigError(first.field, first.reason);
  if (rest.length > 0) {
    error.message = [error.message, ...rest.map((p) => `${p.field}: ${p.reason}`)].join('; ');
  }
  return error;
}

function fileLayer(name: string, connection: Readonly<Record<string, unknown>>, base: string): Layer {
  const layer: Layer = new Map();
  const prefix = `connections.${name}`;
  for (const [key, value] of Object.entries(connection)) {
    if (value === undefined) continue;
    if (key === 'tls' && value !== null && typeof value === 'object') {
      for (const [tlsKey, tlsValue] of Object.entries(value)) {
        if (tlsValue !== undefined) {
          layer.set(`tls.${tlsKey}`, { value: tlsValue, field: `${prefix}.tls.${tlsKey}`, base });
        }
      }
    } else {
      layer.set(key, { value, field: `${prefix}.${key}`, base });
    }
  }
  return layer;
}

function booleanText(field: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(field, 'expected true or false');
}

/** A list given as one text: commas or spaces between the items. */
function listText(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

function environmentLayer(env: Env, cwd: string): Layer {
  const layer: Layer = new Map();
  for (const [key, variable] of Object.entries(CONNECTION_ENV)) {
    const text = nonBlank(env[variable]);
    if (text === undefined) continue;
    let value: unknown = text;
    let setting = key;
    if (key === 'password') {
      // Named, not copied: the value is read from the environment when the client logs in.
      setting = 'passwordEnv';
      value = variable;
    } else if (key === 'token') {
      setting = 'tokenEnv';
      value = variable;
    } else if (key === 'tls.pins') {
      value = listText(text);
    } else if (key === 'tls.insecure') {
      value = booleanText(variable, text.trim());
    } else if (key === 'timeoutMs') {
      value = Number(text);
      if (!Number.isInteger(value)) throw new ConfigError(variable, 'expected an integer (milliseconds)');
    } else if (key === 'tokenScheme' && text !== 'KSCT' && text !== 'KSCWT') {
      throw new ConfigError(variable, 'expected KSCT or KSCWT');
    }
    const clash = SECRET_KEYS.includes(setting)
      ? [...layer.keys()].find((k) => SECRET_KEYS.includes(k))
      : undefined;
    if (clash !== undefined) {
      throw new ConfigError(`${layer.get(clash)?.field ?? clash}, ${variable}`, 'give only one of them');
    }
    layer.set(setting, { value, field: variable, base: cwd });
  }
  return layer;
}

function flagsLayer(flags: ConnectionFlags, cwd: string): Layer {
  const layer: Layer = new Map();
  const set = (setting: string, value: unknown, field: string): void => {
    if (value !== undefined) layer.set(setting, { value, field, base: cwd });
  };
  set('url', flags.url, '--url');
  set('user', flags.user, '--user');
  set('domain', flags.domain, '--domain');
  if (flags.passwordFile !== undefined && flags.passwordEnv !== undefined) {
    throw new ConfigError('--password-file, --password-env', 'give only one of them');
  }
  set('passwordFile', flags.passwordFile, '--password-file');
  set('passwordEnv', flags.passwordEnv, '--password-env');
  set('virtualServer', flags.virtualServer, '--virtual-server');
  set('tls.caFile', flags.ca, '--ca');
  set('tls.pins', flags.pin === undefined ? undefined : flags.pin.flatMap(listText), '--pin');
  // A flag can only switch insecure mode on; leaving it out keeps what the file or environment say.
  set('tls.insecure', flags.insecure === true ? true : undefined, '--insecure');
  for (const given of layer.values()) {
    if (typeof given.value === 'string' && given.value.trim() === '')
      throw new ConfigError(given.field, 'empty');
  }
  return layer;
}

/**
 * Merges sources key by key, later beating earlier. Two groups move as one: a source that gives any secret
 * replaces the earlier source's secret (a password file in the environment beats a token in the file), and
 * insecure mode and a CA or pins replace each other, since they cannot be combined.
 */
function merge(layers: readonly Layer[]): Layer {
  const merged: Layer = new Map();
  for (const layer of layers) {
    if ([...layer.keys()].some((k) => SECRET_KEYS.includes(k))) {
      for (const key of SECRET_KEYS) merged.delete(key);
    }
    if (layer.get('tls.insecure')?.value === true) {
      merged.delete('tls.caFile');
      merged.delete('tls.pins');
    }
    if (layer.has('tls.caFile') || layer.has('tls.pins')) merged.delete('tls.insecure');
    for (const [key, given] of layer) merged.set(key, given);
  }
  return merged;
}

function fileRef(given: Given, fs: ConfigFileSystem): FileRef {
  const path = resolve(given.base, given.value as string);
  if (!fs.isFile(path)) throw new ConfigError(given.field, `file not found: ${path}`);
  return { path, field: given.field };
}

function secretOf(key: string, given: Given, env: Env, fs: ConfigFileSystem): Secret {
  const value = given.value as string;
  if (key.endsWith('File')) {
    const ref = fileRef(given, fs);
    return Secret.file(ref.path, ref.field, (p) => fs.readTextAsync(p));
  }
  if (key.endsWith('Env')) return Secret.env(value, given.field, env);
  return Secret.value(value, given.field);
}

/** The merged settings of one connection as a checked, typed connection. */
function connectionFrom(name: string, merged: Layer, env: Env, fs: ConfigFileSystem): KscConnectionConfig {
  const prefix = `connections.${name}`;
  const get = <T>(key: string): T | undefined => merged.get(key)?.value as T | undefined;
  const fieldOf = (key: string): string => merged.get(key)?.field ?? `${prefix}.${key}`;

  const url = get<string>('url');
  if (url === undefined) {
    throw new ConfigError(`${prefix}.url`, 'required (in the configuration file, KCONNECT_URL or --url)');
  }
  const passwords = PASSWORD_KEYS.filter((k) => merged.has(k));
  const tokens = TOKEN_KEYS.filter((k) => merged.has(k));
  for (const group of [passwords, tokens]) {
    if (group.length > 1) throw new ConfigError(group.map(fieldOf).join(', '), 'give only one of them');
  }
  let credentials: ConnectionCredentials;
  const passwordKey = passwords[0];
  const tokenKey = tokens[0];
  if (passwordKey !== undefined && tokenKey !== undefined) {
    throw new ConfigError(fieldOf(tokenKey), `a token cannot be combined with ${fieldOf(passwordKey)}`);
  }
  if (tokenKey !== undefined) {
    if (merged.has('user')) throw new ConfigError(fieldOf('user'), 'a token login has no user');
    credentials = {
      scheme: get<'KSCT' | 'KSCWT'>('tokenScheme') ?? 'KSCWT',
      token: secretOf(tokenKey, merged.get(tokenKey) as Given, env, fs),
    };
  } else if (passwordKey !== undefined) {
    const user = get<string>('user');
    if (user === undefined) {
      throw new ConfigError(
        `${prefix}.user`,
        'required with a password (in the file, KCONNECT_USER or --user)',
      );
    }
    const domain = get<string>('domain');
    const internal = get<boolean>('internal');
    credentials = {
      user,
      password: secretOf(passwordKey, merged.get(passwordKey) as Given, env, fs),
      ...(domain === undefined ? {} : { domain }),
      ...(internal === undefined ? {} : { internal }),
    };
  } else {
    throw new ConfigError(
      `${prefix}.password`,
      'required: give password, passwordFile or passwordEnv (KCONNECT_PASSWORD, --password-file), or a token',
    );
  }

  const caGiven = merged.get('tls.caFile');
  const caFile = caGiven === undefined ? undefined : fileRef(caGiven, fs);
  const pins = get<string[]>('tls.pins');
  const insecure = get<boolean>('tls.insecure') === true;
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

  const connection: KscConnectionConfig = {
    name,
    type: 'ksc',
    url,
    credentials,
    ...optional('virtualServer', get<string>('virtualServer')),
    tls: { ...optional('caFile', caFile), ...optional('pins', pins), insecure },
    ...optional('timeoutMs', get<number>('timeoutMs')),
    ...optional('connections', get<number>('connections')),
    ...optional('attempts', get<number>('attempts')),
    ...optional('backoffMs', get<number>('backoffMs')),
    ...optional('login', get<'session' | 'connection'>('login')),
    ...optional('proxy', get<string | false>('proxy')),
    sources: Object.fromEntries([...merged].map(([key, given]) => [key, given.field])),
  };
  checkWithClientRules(connection, env, fieldOf);
  return connection;
}

/** The client's own checks (URL, pins, ranges, combinations), with its field names turned into the user's. */
function checkWithClientRules(
  connection: KscConnectionConfig,
  env: Env,
  fieldOf: (key: string) => string,
): void {
  const never = (): Promise<string> => Promise.reject(new Error('not read while checking'));
  try {
    resolveKscConfig(
      {
        url: connection.url,
        credentials:
          'user' in connection.credentials
            ? { user: connection.credentials.user, password: never }
            : { scheme: connection.credentials.scheme, token: never },
        ...(connection.virtualServer === undefined ? {} : { virtualServer: connection.virtualServer }),
        tls: {
          // Only whether a CA is given matters here; the file is read when the client is made.
          ...(connection.tls.caFile === undefined ? {} : { ca: 'checked later' }),
          ...(connection.tls.pins === undefined ? {} : { pins: connection.tls.pins }),
          insecure: connection.tls.insecure,
        },
        ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
        ...(connection.connections === undefined ? {} : { connections: connection.connections }),
        ...(connection.attempts === undefined ? {} : { attempts: connection.attempts }),
        ...(connection.backoffMs === undefined ? {} : { backoffMs: connection.backoffMs }),
        ...(connection.login === undefined ? {} : { login: connection.login }),
        ...(connection.proxy === undefined ? {} : { proxy: connection.proxy }),
      },
      env,
    );
  } catch (error) {
    if (!(error instanceof KconnectError)) throw error;
    const match = /^([A-Za-z.]+)(\[\d+\])?: (.*)$/s.exec(error.message);
    if (match === null) throw new ConfigError(`connections.${connection.name}`, error.message);
    const [, clientField = '', index = '', reason = ''] = match;
    const key = CLIENT_FIELDS[clientField] ?? clientField;
    const field =
      key === 'proxy' && connection.proxy === undefined ? 'HTTPS_PROXY / HTTP_PROXY' : fieldOf(key);
    throw new ConfigError(`${field}${index}`, reason);
  }
}

/** The client's option names that differ from the configuration's. */
const CLIENT_FIELDS: Readonly<Record<string, string>> = {
  'credentials.user': 'user',
  'credentials.password': 'password',
  'credentials.token': 'token',
  'tls.ca': 'tls.caFile',
};
