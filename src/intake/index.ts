/**
 * `kconnect/intake`: continuous, checkpointed event intake as a library — run a pipeline (source → mapping →
 * sink) with `runPipeline`, or build the pipelines a `kconnect.yaml` declares with `pipelineDefinitions`.
 */
export * from './types.ts';
export type { PipelineDefinition, PipelineParts } from './pipeline.ts';
export {
  PipelineFailedError,
  runPipeline,
  type PipelineCheckpoints,
  type PipelineLogger,
  type RunPipelineOptions,
} from './runner.ts';
export type {
  PipelineBatchSummary,
  PipelineErrorEntry,
  PipelineStage,
  PipelineState,
  PipelineStatus,
} from './status.ts';
export { resetPipeline, type ResetTarget, type RewindableSource } from './reset.ts';
export * from './checkpoints/index.ts';
export * from './sinks/file/index.ts';
export * from './sources/index.ts';
export * from './mappings/index.ts';
export { pipelineDefinitions, type PipelineDependencies } from './configured.ts';
