/**
 * A pipeline as the configuration declares it, ready to run: what it is (for status and listings) and how to make
 * its parts. The parts are made when a run starts, not before — a source holds a connection, a sink its files —
 * so a configuration can be loaded, checked and listed without touching either.
 */
import type { DeadLetterWriter } from './dead-letter.ts';
import type { Mapping, MappingName, Sink, Source, SourceType } from './types.ts';

/** One of a pipeline's sinks, made for a run, with its own checkpoint. */
export interface PipelineSinkPart {
  /** Its name in the pipeline (`sinks[].name`, default `<type>` or `<type>-<n>`). */
  readonly name: string;
  /** Its checkpoint's key: the pipeline's name for a single `sink:`, `<pipeline>/<sink>` for `sinks:`. */
  readonly checkpointKey: string;
  readonly sink: Sink;
  /** Where the documents it refuses for good go (R12). */
  readonly deadLetter?: DeadLetterWriter;
}

export interface PipelineParts {
  readonly source: Source;
  readonly mapping: Mapping;
  /** The first sink (the only one of a `sink:` pipeline). */
  readonly sink: Sink;
  /** Every sink with its checkpoint key; absent: `sink` alone, checkpointed under the pipeline's name. */
  readonly sinks?: readonly PipelineSinkPart[];
}

/** One of a pipeline's sinks as listed (no parts made). */
export interface PipelineSinkDefinition {
  readonly name: string;
  readonly checkpointKey: string;
  readonly type: string;
  /** Where it writes, for people; never a secret. */
  readonly target: string;
  /** The dead-letter file, when set. */
  readonly deadLetter?: string;
}

export interface PipelineDefinition {
  /** The pipeline's name in `kconnect.yaml` (`pipelines.<name>`): also its lease's key and its checkpoint's. */
  readonly name: string;
  /** What it reads, maps to and writes, for people and status: `ksc.events`, `ecs`, `file`. */
  readonly sourceType: SourceType;
  /**
   * The connection the source reads (`pipelines.<name>.source.connection`), when it has one: the HTTP service shows
   * a pipeline only to tokens that may use this connection.
   */
  readonly connection?: string;
  readonly mappingName: MappingName;
  /** The first sink's type and target (the only sink of a `sink:` pipeline). */
  readonly sinkType: string;
  /** Where it writes, for people (`out/ksc-events.ndjson`); never a secret. */
  readonly sinkTarget: string;
  /** Every sink; absent: one, checkpointed under the pipeline's name. */
  readonly sinks?: readonly PipelineSinkDefinition[];
  /** Records per read, write and commit; the runner's default when undefined. */
  readonly batchSize?: number;
  /** The wait at the source's head before reading again; the runner's default when undefined. */
  readonly pollIntervalMs?: number;
  /** Makes the parts for one run; the caller closes the source and sink when the run ends. */
  createParts(): PipelineParts;
}

/** The sinks of a definition as listed: one named after its type under the pipeline's key when not given. */
export function sinkDefinitionsOf(definition: PipelineDefinition): readonly PipelineSinkDefinition[] {
  return (
    definition.sinks ?? [
      {
        name: definition.sinkType,
        checkpointKey: definition.name,
        type: definition.sinkType,
        target: definition.sinkTarget,
      },
    ]
  );
}

/** The checkpoint keys of a pipeline's sinks. */
export function checkpointKeysOf(definition: PipelineDefinition): string[] {
  return sinkDefinitionsOf(definition).map((s) => s.checkpointKey);
}
