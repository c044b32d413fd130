import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './errors.ts';
import { checkCompanions } from './connections/companions.ts';
import { KSC_ENVIRONMENT } from './connections/ksc.ts';
import {
  connectionTypeNamed,
  CONNECTION_TYPES,
  type ConnectionConfig,
  type ConnectionFlags,
} from './connections/registry.ts';
import {
  ConnectionSettings,
  environmentLayer,
  fileLayer,
  flagsLayer,
  merge,
  nonBlank,
  type ConfigFileSystem,
  type Env,
  type FlagValues,
  type Layer,
} from './connections/settings.ts';
import type { ConnectionType } from './connections/type.ts';
import { resolveDirectory } from './directory.ts';
import { resolveIntake, resolvePipelines } from './pipelines.ts';
import { SINK_TYPES } from '../intake/sinks/index.ts';
import { MAPPING_NAMES, SOURCE_TYPES } from '../intake/types.ts';
import { CONNECTION_NAME, configFileSchema, type ConfigFile, type KconnectConfig } from './schema.ts';

export type { ConfigFileSystem } from './connections/settings.ts';
export type { ConnectionFlags } from './connections/registry.ts';

/** The YAML parser is loaded only when there is a file to parse: most one-off runs have none. */
const requireModule = createRequire(import.meta.url);
const yaml = (): typeof Yaml => requireModule('yaml') as typeof Yaml;

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

/** The environment variables of a selected KSC connection, by setting (the table is `KSC_ENVIRONMENT`). */
export const CONNECTION_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  KSC_ENVIRONMENT.map(({ setting, variable }) => [setting, variable]),
);

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

  const requestedBy =
    flags.connection !== undefined
      ? { name: flags.connection, field: '--connection' }
      : nonBlank(env['KCONNECT_CONNECTION']) !== undefined
        ? { name: env['KCONNECT_CONNECTION'] as string, field: 'KCONNECT_CONNECTION' }
        : undefined;
  const chosen = requestedBy?.name ?? parsed.defaultConnection ?? (names.length === 1 ? names[0] : undefined);
  // The variables and flags are read as the chosen connection's type has them; a new connection is of the
  // default type.
  const chosenSection =
    chosen !== undefined && Object.hasOwn(fileConnections, chosen) ? fileConnections[chosen] : undefined;
  const chosenType = typeOf(chosen ?? 'default', chosenSection?.type);
  const envLayer = environmentLayer(chosenType.environment, chosenType.secrets, env, cwd);
  const flagLayer = flagsLayer(chosenType.flags, chosenType.secrets, flags as FlagValues, cwd);
  const overridden = envLayer.size > 0 || flagLayer.size > 0;

  if (requestedBy !== undefined && !CONNECTION_NAME.test(requestedBy.name)) {
    throw new ConfigError(requestedBy.field, 'a connection name: letters, digits, "_", "." and "-"');
  }
  const selected = chosen ?? (overridden ? 'default' : undefined);

  const connections: Record<string, ConnectionConfig> = {};
  for (const name of names) {
    const section = fileConnections[name];
    const layers = [fileLayer(name, section ?? {}, file === undefined ? cwd : dirname(file))];
    if (name === selected) layers.push(envLayer, flagLayer);
    const type = typeOf(name, section?.type);
    connections[name] = connectionFrom(name, type, merge(layers, type.secrets), env, fs);
  }
  if (selected !== undefined && !Object.hasOwn(fileConnections, selected)) {
    const merged = merge([envLayer, flagLayer], chosenType.secrets);
    if (requestedBy !== undefined && !merged.has('url')) {
      throw new ConfigError(requestedBy.field, `no connection named "${selected}"${known(names)}`);
    }
    if (merged.size > 0) connections[selected] = connectionFrom(selected, chosenType, merged, env, fs);
  }

  checkCompanions(connections);
  const base = file === undefined ? cwd : dirname(file);
  const intake = resolveIntake(parsed.intake, base, env);
  // Dead-letter files sit beside a SQLite state file; beside the configuration with a PostgreSQL state.
  const stateDir = intake.state.file !== undefined ? dirname(intake.state.file) : join(base, '.kconnect');

  return Object.freeze({
    file,
    connections: Object.freeze(connections),
    defaultConnection: selected !== undefined && Object.hasOwn(connections, selected) ? selected : undefined,
    service: parsed.service,
    mcp: parsed.mcp,
    pipelines: resolvePipelines(parsed.pipelines ?? {}, connections, base, env, stateDir),
    intake,
    directory: resolveDirectory(parsed.directory, base, env),
  });
}

function known(names: readonly string[]): string {
  return names.length === 0 ? ' (none configured)' : ` (configured: ${names.join(', ')})`;
}

/** The type of a connection by its `type` setting; the file's schema already refused unknown ones. */
function typeOf(name: string, type: string | undefined): ConnectionType<ConnectionConfig> {
  const found = connectionTypeNamed(type);
  if (found === undefined) throw new ConfigError(`connections.${name}.type`, unknownType(type));
  return found;
}

function unknownType(type: unknown): string {
  return `unknown connection type ${JSON.stringify(type)} (known types: ${CONNECTION_TYPES.map((t) => t.type).join(', ')})`;
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
  if (issue.code === 'invalid_union' && issue.discriminator === 'type' && issue.path[0] === 'connections') {
    return unknownType(valueAt(data, issue.path));
  }
  if (
    issue.code === 'invalid_union' &&
    issue.discriminator === 'type' &&
    issue.path[0] === 'pipelines' &&
    (issue.path[2] === 'sink' || issue.path[2] === 'sinks')
  ) {
    return `unknown sink type ${JSON.stringify(valueAt(data, issue.path))} (known types: ${SINK_TYPES.join(', ')})`;
  }
  if (issue.code === 'invalid_union' && issue.discriminator === 'type' && issue.path[0] === 'pipelines') {
    return `unknown source type ${JSON.stringify(valueAt(data, issue.path))} (known types: ${SOURCE_TYPES.join(', ')})`;
  }
  if (issue.code === 'invalid_union' && issue.path[0] === 'pipelines' && issue.path.at(-1) === 'mapping') {
    return `expected one of ${MAPPING_NAMES.join(', ')}, or { type, options }${mappingDetail(issue)}`;
  }
  if (issue.code === 'invalid_union') return 'not one of the accepted forms';
  return issue.message;
}

/** Why a mapping with a known `type` was refused: the first problem of the branch of that type. */
function mappingDetail(issue: z.core.$ZodIssueInvalidUnion): string {
  const branch = issue.errors.find(
    (problems) => problems.length > 0 && !problems.some((p) => p.path.length === 1 && p.path[0] === 'type'),
  );
  const first = branch?.find((p) => p.path.length > 0 || p.code === 'unrecognized_keys');
  if (first === undefined) return '';
  const where =
    first.code === 'unrecognized_keys' ? pathText([...first.path, ...first.keys]) : pathText(first.path);
  return `: ${where} ${first.code === 'unrecognized_keys' ? 'is an unknown setting' : first.message}`;
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

/** The merged settings of one connection as a checked, typed connection of its type. */
function connectionFrom(
  name: string,
  type: ConnectionType<ConnectionConfig>,
  merged: Layer,
  env: Env,
  fs: ConfigFileSystem,
): ConnectionConfig {
  return type.build(new ConnectionSettings(name, merged, env, fs));
}
