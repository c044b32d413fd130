/**
 * What a kind of sink brings to the intake: the schema of its part of `kconnect.yaml`, how that part is resolved at
 * load (relative paths, secrets from the environment, addresses checked), and how a sink is made for one run. The
 * registry (`./index.ts`) lists the kinds; the configuration, the CLI and the service know sinks only through it.
 */
import type { z } from 'zod';
import type { PipelineLogger } from '../runner.ts';
import type { Sink } from '../types.ts';

/** What `resolve` needs to know of where the configuration came from. */
export interface SinkLoadContext {
  /** The configuration file's folder: relative paths start there. */
  readonly base: string;
  /** The environment, for `…Env` settings (read when the sink is made; their presence checked at load). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where this sink sits in the file, for errors: `pipelines.siem.sink`, `pipelines.siem.sinks[2]`. */
  readonly field: string;
}

/** What a sink gets from the process that runs it. */
export interface SinkDependencies {
  /** The pipeline's name: a subject, a table column or a log field may carry it. */
  readonly pipeline: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  readonly logger?: PipelineLogger;
}

/**
 * One kind of sink. `Config` is what the file says (checked by `schema`); `Resolved` is what a run needs (absolute
 * paths, `Secret`s rather than variable names) and is kept in the loaded configuration, so it must never hold a
 * secret's value in plain text — `Secret` keeps it out of logs and `config show`.
 */
export interface SinkKind<
  Config extends { readonly type: string },
  Resolved extends { readonly type: string },
> {
  readonly type: Config['type'];
  readonly schema: z.ZodType<Config>;
  /** @throws {ConfigError} naming the field (`<context.field>.url`) and the reason. */
  resolve(config: Config, context: SinkLoadContext): Resolved;
  /** Where it writes, for people and status (`out/ksc-events.ndjson`, `tcp://siem:6514`): never a secret. */
  target(resolved: Resolved): string;
  create(resolved: Resolved, deps: SinkDependencies): Sink;
}
