/**
 * The intake's part of `kconnect.yaml` (issue 18): `pipelines:` beside `connections:`, each a source, a mapping
 * and a sink, and `intake:`, where their checkpoints live. The source and mapping schemas are the intake's own
 * (`sourceConfig`, `mappingConfigSchema`), so the file and the library accept the same options.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { mappingConfigSchema, type MappingConfig } from '../intake/mappings/index.ts';
import { resolveNatsConnection } from '../intake/nats/connection.ts';
import { resolveSinkConfig, sinkConfigSchema, type ResolvedSinkConfig } from '../intake/sinks/index.ts';
import { sourceConfig, type SourceConfig } from '../intake/sources/index.ts';
import type { DatabaseLocation } from '../store/database.ts';
import type { ConnectionConfig } from './connections/registry.ts';
import { nonEmpty } from './connections/tls.ts';
import { ConfigError } from './errors.ts';

/** A pipeline name: also its checkpoint's key and a command-line argument. */
export const PIPELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Where checkpoints live when `intake.state` is not given: beside the configuration file. */
export const DEFAULT_INTAKE_STATE_FILE = '.kconnect/intake.db';

export const pipelineFileSchema = z.strictObject({
  source: sourceConfig,
  mapping: mappingConfigSchema,
  sink: sinkConfigSchema,
  batchSize: z.number().int().min(1).max(100_000).optional().describe('Records per read, write and commit'),
  pollIntervalSeconds: z
    .number()
    .min(0.1)
    .max(86_400)
    .optional()
    .describe('The wait at the head of the source before reading again (default 5)'),
});

/** `intake:` — where the checkpoints (and the asset streams' fingerprints) are kept. */
export const intakeSectionSchema = z.strictObject({
  state: z
    .union([
      z.strictObject({
        file: nonEmpty.describe('A SQLite file; relative to the configuration file’s folder'),
      }),
      z.strictObject({ url: nonEmpty.describe('A postgres:// URL, for several workers') }),
      z.strictObject({ urlEnv: nonEmpty.describe('The environment variable holding the postgres:// URL') }),
    ])
    .optional()
    .describe(`Default: a SQLite file ${DEFAULT_INTAKE_STATE_FILE} beside the configuration file`),
});

export type PipelineFile = z.output<typeof pipelineFileSchema>;
export type IntakeSection = z.output<typeof intakeSectionSchema>;

/** A checked pipeline of the configuration: its connection exists and is of the source's vendor. */
export interface PipelineConfig {
  readonly name: string;
  readonly source: SourceConfig;
  readonly mapping: MappingConfig;
  /** Resolved: paths absolute, secrets as `Secret`s. */
  readonly sink: ResolvedSinkConfig;
  readonly batchSize?: number;
  readonly pollIntervalSeconds?: number;
}

/** Where the intake keeps its state, resolved. */
export interface IntakeConfig {
  readonly state: DatabaseLocation;
  /** For people: the file, or the URL's host without credentials. */
  readonly stateDescription: string;
}

/** The connection type a source reads through: the vendor before the dot (`ksc.events` → `ksc`). */
export function sourceVendor(type: Exclude<SourceConfig['type'], 'nats'>): string {
  return type.slice(0, type.indexOf('.'));
}

/**
 * The file's pipelines, checked against the connections (after the environment and flags were applied), with
 * relative sink paths resolved against `base` (the configuration file's folder).
 *
 * @throws {ConfigError} naming `pipelines.<name>.source.connection` for a connection that is missing or of the
 *   wrong type.
 */
export function resolvePipelines(
  pipelines: Readonly<Record<string, PipelineFile>>,
  connections: Readonly<Record<string, ConnectionConfig>>,
  base: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Readonly<Record<string, PipelineConfig>> {
  const out: Record<string, PipelineConfig> = {};
  for (const [name, pipeline] of Object.entries(pipelines)) {
    out[name] = Object.freeze({
      name,
      source: resolveSource(name, pipeline.source, mappingNameOf(pipeline.mapping), connections, base, env),
      mapping: pipeline.mapping,
      sink: resolveSinkConfig(pipeline.sink, { base, env, field: `pipelines.${name}.sink` }),
      ...(pipeline.batchSize === undefined ? {} : { batchSize: pipeline.batchSize }),
      ...(pipeline.pollIntervalSeconds === undefined
        ? {}
        : { pollIntervalSeconds: pipeline.pollIntervalSeconds }),
    });
  }
  return Object.freeze(out);
}

function mappingNameOf(mapping: MappingConfig): string {
  return typeof mapping === 'string' ? mapping : mapping.type;
}

/**
 * A pipeline's source, checked: a vendor source's connection exists and is of its vendor; a `nats` source carries
 * its server in the block itself (no connection), checked like a nats sink's, with its creds file made absolute.
 */
function resolveSource(
  name: string,
  source: SourceConfig,
  mappingName: string,
  connections: Readonly<Record<string, ConnectionConfig>>,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
): SourceConfig {
  if (source.type === 'nats') {
    if (mappingName !== 'raw')
      throw new ConfigError(
        `pipelines.${name}.mapping`,
        `a nats source delivers documents another pipeline already mapped: use raw, not ${mappingName}`,
      );
    const settings = resolveNatsConnection(source, { field: `pipelines.${name}.source`, base, env });
    return settings.auth?.kind === 'creds' ? { ...source, credsFile: settings.auth.file } : source;
  }
  const field = `pipelines.${name}.source.connection`;
  const wanted = source.connection;
  const names = Object.keys(connections);
  const connection = Object.hasOwn(connections, wanted) ? connections[wanted] : undefined;
  if (connection === undefined) {
    throw new ConfigError(
      field,
      `no connection named "${wanted}" (configured: ${names.length === 0 ? 'none' : names.join(', ')})`,
    );
  }
  const vendor = sourceVendor(source.type);
  if (connection.type !== vendor) {
    throw new ConfigError(
      field,
      `"${wanted}" is a ${connection.type} connection; a ${source.type} source reads a ${vendor} one`,
    );
  }
  return source;
}

/**
 * Where the intake keeps its state: the section's file (relative to `base`) or URL, else
 * {@link DEFAULT_INTAKE_STATE_FILE} in `base`.
 *
 * @throws {ConfigError} naming `intake.state.urlEnv` when the variable is not set.
 */
export function resolveIntake(
  section: IntakeSection | undefined,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
): IntakeConfig {
  const state = section?.state;
  if (state === undefined || 'file' in state) {
    const file = state === undefined ? join(base, DEFAULT_INTAKE_STATE_FILE) : resolve(base, state.file);
    return { state: { file }, stateDescription: file };
  }
  const url = 'url' in state ? state.url : env[state.urlEnv];
  const field = 'url' in state ? 'intake.state.url' : 'intake.state.urlEnv';
  if (url === undefined || url.trim() === '')
    throw new ConfigError(field, `environment variable ${(state as { urlEnv: string }).urlEnv} is not set`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(field, 'not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new ConfigError(field, 'expected a postgres:// URL (or use file: for SQLite)');
  return { state: { url }, stateDescription: `postgres://${parsed.host}${parsed.pathname}` };
}
