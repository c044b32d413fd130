/**
 * The kinds of sink a pipeline can write to, by the `type` its `sink` names. A new kind is a folder beside `file/`
 * with a {@link SinkKind}, added to {@link SINK_KINDS} and to {@link sinkConfigSchema}'s union.
 */
import { z } from 'zod';
import type { Sink } from '../types.ts';
import { fileSinkConfigSchema, fileSinkKind, type FileSinkConfig } from './file/config.ts';
import type { SinkDependencies, SinkKind, SinkLoadContext } from './kind.ts';
import { natsSinkConfigSchema, natsSinkKind, type ResolvedNatsSinkConfig } from './nats/config.ts';
import {
  postgresSinkConfigSchema,
  postgresSinkKind,
  type ResolvedPostgresSinkConfig,
} from './postgres/config.ts';
import { syslogSinkConfigSchema, syslogSinkKind, type ResolvedSyslogSinkConfig } from './syslog/config.ts';
import {
  webhookSinkConfigSchema,
  webhookSinkKind,
  type ResolvedWebhookSinkConfig,
} from './webhook/config.ts';

export type { SinkDependencies, SinkKind, SinkLoadContext } from './kind.ts';
export { fileSinkConfigSchema, fileSinkKind, type FileSinkConfig } from './file/config.ts';

/** A pipeline's `sink` as the file writes it. */
export const sinkConfigSchema = z.discriminatedUnion('type', [
  fileSinkConfigSchema,
  natsSinkConfigSchema,
  postgresSinkConfigSchema,
  syslogSinkConfigSchema,
  webhookSinkConfigSchema,
]);
export type SinkConfig = z.output<typeof sinkConfigSchema>;

/** A sink's configuration as a run needs it (see {@link SinkKind.resolve}). */
export type ResolvedSinkConfig =
  | FileSinkConfig
  | ResolvedNatsSinkConfig
  | ResolvedPostgresSinkConfig
  | ResolvedSyslogSinkConfig
  | ResolvedWebhookSinkConfig;

/** Every kind, by type. Typed loosely inside: `sinkConfigSchema` already tied each config to its kind's type. */
const SINK_KINDS: ReadonlyMap<string, SinkKind<SinkConfig, ResolvedSinkConfig>> = new Map(
  [fileSinkKind, natsSinkKind, postgresSinkKind, syslogSinkKind, webhookSinkKind].map((kind) => [
    kind.type,
    kind as SinkKind<SinkConfig, ResolvedSinkConfig>,
  ]),
);

/** The sink types kconnect knows, for help texts and errors. */
export const SINK_TYPES: readonly string[] = [...SINK_KINDS.keys()];

function kindOf(type: string): SinkKind<SinkConfig, ResolvedSinkConfig> {
  const kind = SINK_KINDS.get(type);
  if (kind === undefined) throw new Error(`unknown sink type ${type}`);
  return kind;
}

/** At load: paths, secrets and addresses of one sink. @throws {ConfigError} naming the field. */
export function resolveSinkConfig(config: SinkConfig, context: SinkLoadContext): ResolvedSinkConfig {
  return kindOf(config.type).resolve(config, context);
}

/** Where a sink writes, for people and status: never a secret. */
export function sinkTarget(config: ResolvedSinkConfig): string {
  return kindOf(config.type).target(config);
}

/** A sink for one run of a pipeline. */
export function createSink(config: ResolvedSinkConfig, deps: SinkDependencies): Sink {
  return kindOf(config.type).create(config, deps);
}
