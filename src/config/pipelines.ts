/**
 * The intake's part of `kconnect.yaml` (issue 18): `pipelines:` beside `connections:`, each a source, a mapping
 * and a sink, and `intake:`, where their checkpoints live. The source and mapping schemas are the intake's own
 * (`sourceConfig`, `mappingConfigSchema`), so the file and the library accept the same options.
 */
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { mappingConfigSchema, type MappingConfig } from '../intake/mappings/index.ts';
import { resolveNatsConnection } from '../intake/nats/connection.ts';
import {
  resolveSinkConfig,
  sinkConfigSchema,
  type ResolvedSinkConfig,
  type SinkConfig,
} from '../intake/sinks/index.ts';
import { sourceConfig, type SourceConfig } from '../intake/sources/index.ts';
import type { DatabaseLocation } from '../store/database.ts';
import type { ConnectionConfig } from './connections/registry.ts';
import { nonEmpty } from './connections/tls.ts';
import { ConfigError } from './errors.ts';

/** A pipeline name: also its checkpoint's key and a command-line argument. */
export const PIPELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Where checkpoints live when `intake.state` is not given: beside the configuration file. */
export const DEFAULT_INTAKE_STATE_FILE = '.kconnect/intake.db';

/** A sink's name within its pipeline: part of its checkpoint's key and of its dead-letter file's name. */
export const SINK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const deadLetterSchema = z
  .strictObject({
    path: nonEmpty.describe('An NDJSON file; relative paths start at the configuration file’s folder'),
  })
  .describe(
    'Where documents the sink refuses for good go (default <state dir>/dead-letter/<pipeline>[.<sink>].ndjson)',
  );

/** What every entry of `sinks:` may carry besides its kind's options. */
const sinkEntryOptions = {
  name: z
    .string()
    .regex(SINK_NAME, 'a sink name: letters, digits, "_", "." and "-"')
    .optional()
    .describe('The sink’s name in the pipeline (default its type, or <type>-<n> when the type repeats)'),
  deadLetter: deadLetterSchema.optional(),
};

type SinkEntry = SinkConfig & {
  readonly name?: string | undefined;
  readonly deadLetter?: { readonly path: string } | undefined;
};

/** A `sinks:` entry: a sink kind's options plus a name and a dead-letter file. */
const sinkEntrySchema = z.discriminatedUnion(
  'type',
  sinkConfigSchema.options.map((option) => option.extend(sinkEntryOptions)) as unknown as [
    (typeof sinkConfigSchema.options)[number],
  ],
) as unknown as z.ZodType<SinkEntry>;

export const pipelineFileSchema = z.strictObject({
  source: sourceConfig,
  mapping: mappingConfigSchema,
  sink: sinkConfigSchema.optional().describe('The pipeline’s one sink (or sinks:, not both)'),
  sinks: z
    .array(sinkEntrySchema)
    .min(1, 'at least one sink')
    .optional()
    .describe('Several sinks, each with its own checkpoint (or sink:, not both)'),
  deadLetter: deadLetterSchema.optional(),
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

/** One of a pipeline's sinks, resolved. */
export interface ConfiguredSink {
  /** Its name in the pipeline: the type for a `sink:`, `name` or `<type>[-<n>]` for `sinks:`. */
  readonly name: string;
  /** Its checkpoint's key: the pipeline's name for a `sink:` (checkpoints of issue 18 keep working), else `<pipeline>/<name>`. */
  readonly checkpointKey: string;
  /** Resolved: paths absolute, secrets as `Secret`s. */
  readonly config: ResolvedSinkConfig;
  /** The dead-letter file, absolute. */
  readonly deadLetterPath: string;
}

/** A checked pipeline of the configuration: its connection exists and is of the source's vendor. */
export interface PipelineConfig {
  readonly name: string;
  readonly source: SourceConfig;
  readonly mapping: MappingConfig;
  /** The first sink, resolved: paths absolute, secrets as `Secret`s (the only one of a `sink:` pipeline). */
  readonly sink: ResolvedSinkConfig;
  /** Every sink, in the file's order; one for a `sink:`. */
  readonly sinks: readonly ConfiguredSink[];
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
  stateDir: string = join(base, dirname(DEFAULT_INTAKE_STATE_FILE)),
): Readonly<Record<string, PipelineConfig>> {
  const out: Record<string, PipelineConfig> = {};
  for (const [name, pipeline] of Object.entries(pipelines)) {
    const sinks = resolveSinks(name, pipeline, base, env, stateDir);
    out[name] = Object.freeze({
      name,
      source: resolveSource(name, pipeline.source, mappingNameOf(pipeline.mapping), connections, base, env),
      mapping: pipeline.mapping,
      sink: sinks[0]!.config,
      sinks,
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

/** The names of `sinks:` entries: given, else the type, numbered from 1 when unnamed ones of the type repeat. */
function sinkNames(entries: readonly SinkEntry[], field: string): string[] {
  const perType = new Map<string, number>();
  for (const entry of entries)
    if (entry.name === undefined) perType.set(entry.type, (perType.get(entry.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  const names = entries.map((entry) => {
    if (entry.name !== undefined) return entry.name;
    if (perType.get(entry.type) === 1) return entry.type;
    const n = (seen.get(entry.type) ?? 0) + 1;
    seen.set(entry.type, n);
    return `${entry.type}-${n}`;
  });
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      throw new ConfigError(
        `${field}[${i}].name`,
        `two sinks are named "${name}"; give each a distinct name`,
      );
  });
  return names;
}

/** A pipeline's `sink:` or `sinks:` (exactly one of them), resolved with names, keys and dead-letter files. */
function resolveSinks(
  pipeline: string,
  file: PipelineFile,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
  stateDir: string,
): ConfiguredSink[] {
  const field = `pipelines.${pipeline}`;
  if (file.sink !== undefined && file.sinks !== undefined)
    throw new ConfigError(`${field}.sinks`, 'give either sink: or sinks:, not both');
  const deadLetterOf = (own: { readonly path: string } | undefined, suffix: string) => {
    const chosen = own ?? file.deadLetter;
    if (chosen === undefined) return join(stateDir, 'dead-letter', `${pipeline}${suffix}.ndjson`);
    const path = resolve(base, chosen.path);
    // A pipeline-wide file shared by several sinks: one per sink, so their appends never interleave.
    return own === undefined && suffix !== '' ? path.replace(/(\.ndjson)?$/, `${suffix}$1`) : path;
  };
  if (file.sink !== undefined) {
    return [
      {
        name: file.sink.type,
        checkpointKey: pipeline,
        config: resolveSinkConfig(file.sink, { base, env, field: `${field}.sink` }),
        deadLetterPath: deadLetterOf(undefined, ''),
      },
    ];
  }
  if (file.sinks === undefined) throw new ConfigError(`${field}.sink`, 'required (or sinks:)');
  const names = sinkNames(file.sinks, `${field}.sinks`);
  return file.sinks.map((entry, i) => {
    const { name: _name, deadLetter, ...config } = entry;
    return {
      name: names[i]!,
      checkpointKey: `${pipeline}/${names[i]!}`,
      config: resolveSinkConfig(config as SinkConfig, { base, env, field: `${field}.sinks[${i}]` }),
      deadLetterPath: deadLetterOf(deadLetter, `.${names[i]!}`),
    };
  });
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
  if (state === undefined) {
    const file = join(base, DEFAULT_INTAKE_STATE_FILE);
    return { state: { file }, stateDescription: file };
  }
  const resolved = resolveStateLocation(state, base, env, 'intake.state');
  return { state: resolved.location, stateDescription: resolved.description };
}

/** A `state:` setting (`file`, `url` or `urlEnv`) as a database location; `field` names it in errors. */
export type StateSetting = NonNullable<IntakeSection['state']>;

/**
 * Where a `state:` setting points: its file (relative to `base`) or its URL (given or read from the variable).
 *
 * @throws {ConfigError} naming `<field>.urlEnv` when the variable is not set, `<field>.url…` for a bad URL.
 */
export function resolveStateLocation(
  state: StateSetting,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
  field: string,
): { readonly location: { file: string } | { url: string }; readonly description: string } {
  if ('file' in state) {
    const file = resolve(base, state.file);
    return { location: { file }, description: file };
  }
  const url = 'url' in state ? state.url : env[state.urlEnv];
  const named = 'url' in state ? `${field}.url` : `${field}.urlEnv`;
  if (url === undefined || url.trim() === '')
    throw new ConfigError(named, `environment variable ${(state as { urlEnv: string }).urlEnv} is not set`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(named, 'not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new ConfigError(named, 'expected a postgres:// URL (or use file: for SQLite)');
  return { location: { url }, description: `postgres://${parsed.host}${parsed.pathname}` };
}
