/**
 * A pipeline as the configuration declares it, ready to run: what it is (for status and listings) and how to make
 * its parts. The parts are made when a run starts, not before — a source holds a connection, a sink its files —
 * so a configuration can be loaded, checked and listed without touching either.
 */
import type { Mapping, MappingName, Sink, Source, SourceType } from './types.ts';

export interface PipelineParts {
  readonly source: Source;
  readonly mapping: Mapping;
  readonly sink: Sink;
}

export interface PipelineDefinition {
  /** The pipeline's name in `kconnect.yaml` (`pipelines.<name>`): also its checkpoint's key. */
  readonly name: string;
  /** What it reads, maps to and writes, for people and status: `ksc.events`, `ecs`, `file`. */
  readonly sourceType: SourceType;
  /**
   * The connection the source reads (`pipelines.<name>.source.connection`), when it has one: the HTTP service shows
   * a pipeline only to tokens that may use this connection.
   */
  readonly connection?: string;
  readonly mappingName: MappingName;
  readonly sinkType: string;
  /** Where it writes, for people (`out/ksc-events.ndjson`); never a secret. */
  readonly sinkTarget: string;
  /** Records per read, write and commit; the runner's default when undefined. */
  readonly batchSize?: number;
  /** The wait at the source's head before reading again; the runner's default when undefined. */
  readonly pollIntervalMs?: number;
  /** Makes the parts for one run; the caller closes the source and sink when the run ends. */
  createParts(): PipelineParts;
}
