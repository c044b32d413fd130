/**
 * The pipelines of a loaded configuration as {@link PipelineDefinition}s: what the CLI and the service run. The
 * configuration was checked at load (connections exist and match the sources' vendors); the parts are made only
 * when a run asks for them.
 */
import type { ContextFactory } from '../config/context.ts';
import type { KconnectConfig } from '../config/schema.ts';
import type { PipelineConfig } from '../config/pipelines.ts';
import type { StateStore } from '../store/state.ts';
import { DeadLetterFile } from './dead-letter.ts';
import { createMapping } from './mappings/index.ts';
import type { PipelineDefinition, PipelineParts } from './pipeline.ts';
import type { PipelineLogger } from './runner.ts';
import { createSink, sinkTarget } from './sinks/index.ts';
import { createSource } from './sources/index.ts';
import type { MappingName, Source } from './types.ts';
import type { DirectoryQueries } from '../directory/queries.ts';
import { withIdentityLookups } from './identity-lookups.ts';

export interface PipelineDependencies {
  /** Where asset streams (`ksc.hosts`, `kics.devices`) keep their fingerprints; needed only by them. */
  readonly store?: StateStore;
  /** Where sinks say what the operator should know (a webhook sink told not to check certificates). */
  readonly logger?: PipelineLogger;
  /** Milliseconds since the epoch, for the sinks (the file sink's rotation). Default `Date.now`. */
  readonly now?: () => number;
  /**
   * The IAM directory: `ksc.events` pipelines mapped to ecs or ocsf add the directory identity of the user an
   * event names (decision 0064). Without it the user fields are what the event says.
   */
  readonly directory?: DirectoryQueries;
}

function mappingNameOf(config: PipelineConfig['mapping']): MappingName {
  return typeof config === 'string' ? config : config.type;
}

/** The source of one configured pipeline, with its connection's client from `contexts`. */
export function configuredSource(
  pipeline: PipelineConfig,
  contexts: Pick<ContextFactory, 'vendorClient'>,
  deps: PipelineDependencies = {},
): Source {
  const { source } = pipeline;
  return createSource(source, {
    // A nats source carries its server in its own block; the others read through a configured connection.
    client: source.type === 'nats' ? undefined : contexts.vendorClient(source.connection),
    pipeline: pipeline.name,
    ...(deps.store === undefined ? {} : { store: deps.store }),
  });
}

function definitionOf(
  pipeline: PipelineConfig,
  contexts: Pick<ContextFactory, 'vendorClient'>,
  deps: PipelineDependencies,
): PipelineDefinition {
  const { sink } = pipeline;
  const sinkDeps = {
    pipeline: pipeline.name,
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  };
  return {
    name: pipeline.name,
    ...(pipeline.source.type === 'nats' ? {} : { connection: pipeline.source.connection }),
    sourceType: pipeline.source.type,
    mappingName: mappingNameOf(pipeline.mapping),
    sinkType: sink.type,
    sinkTarget: sinkTarget(sink),
    sinks: pipeline.sinks.map((s) => ({
      name: s.name,
      checkpointKey: s.checkpointKey,
      type: s.config.type,
      target: sinkTarget(s.config),
      deadLetter: s.deadLetterPath,
    })),
    ...(pipeline.batchSize === undefined ? {} : { batchSize: pipeline.batchSize }),
    ...(pipeline.pollIntervalSeconds === undefined
      ? {}
      : { pollIntervalMs: Math.round(pipeline.pollIntervalSeconds * 1000) }),
    createParts(): PipelineParts {
      const sinks = pipeline.sinks.map((s) => ({
        name: s.name,
        checkpointKey: s.checkpointKey,
        sink: createSink(s.config, sinkDeps),
        deadLetter: new DeadLetterFile(s.deadLetterPath),
      }));
      const source = configuredSource(pipeline, contexts, deps);
      const mappingName = mappingNameOf(pipeline.mapping);
      const enriched =
        deps.directory !== undefined &&
        pipeline.source.type === 'ksc.events' &&
        (mappingName === 'ecs' || mappingName === 'ocsf')
          ? withIdentityLookups(source, deps.directory, deps.now === undefined ? {} : { now: deps.now })
          : undefined;
      return {
        source: enriched?.source ?? source,
        mapping: createMapping(pipeline.mapping, enriched?.lookups),
        sink: sinks[0]!.sink,
        sinks,
      };
    },
  };
}

/**
 * Every configured pipeline, in the file's order.
 *
 * @example
 * const contexts = createContextFactory(config);
 * for (const definition of pipelineDefinitions(config, contexts, { store })) {
 *   const parts = definition.createParts();
 *   await runPipeline({ name: definition.name, ...parts, checkpoints, once: true });
 * }
 */
export function pipelineDefinitions(
  config: Pick<KconnectConfig, 'pipelines'>,
  contexts: Pick<ContextFactory, 'vendorClient'>,
  deps: PipelineDependencies = {},
): PipelineDefinition[] {
  return Object.values(config.pipelines).map((pipeline) => definitionOf(pipeline, contexts, deps));
}

/** Whether a pipeline's source keeps state beside its checkpoint (the asset streams' fingerprints). */
export function needsStateStore(pipeline: Pick<PipelineConfig, 'source'>): boolean {
  return pipeline.source.type === 'ksc.hosts' || pipeline.source.type === 'kics.devices';
}
