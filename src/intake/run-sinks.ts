/**
 * Runs a pipeline's parts, one sink or several (issue 19): each sink is a {@link runPipeline} with its own
 * checkpoint over a view of one {@link SharedSource}, so the fastest sink does not wait for the slowest and the
 * source is read again from the slowest sink's position. A sink whose run fails stops the others (the pipeline
 * fails as one and is restarted as one); a sink that is down and retried only holds its own run back.
 */
import type { PipelineParts, PipelineSinkPart } from './pipeline.ts';
import { runPipeline, type RunPipelineOptions } from './runner.ts';
import { SharedSource } from './shared-source.ts';
import type { PipelineStatus } from './status.ts';

export type RunPipelinePartsOptions = Omit<
  RunPipelineOptions,
  'source' | 'mapping' | 'sink' | 'sinkName' | 'checkpointKey' | 'deadLetter'
> & {
  readonly parts: PipelineParts;
};

/** The sinks of a run's parts: the single `sink` under the pipeline's key when `sinks` is absent. */
export function sinkPartsOf(name: string, parts: PipelineParts): readonly PipelineSinkPart[] {
  return parts.sinks ?? [{ name: parts.sink.type, checkpointKey: name, sink: parts.sink }];
}

/**
 * Runs every sink of `parts` until stopped (or, `once`, until each is at the head). Resolves with each sink's last
 * status, in the sinks' order. A pipeline with one `sink:` runs exactly as {@link runPipeline} does.
 *
 * @throws the first sink's failure (the others are stopped first, committing their batch in hand).
 */
export async function runPipelineParts(options: RunPipelinePartsOptions): Promise<PipelineStatus[]> {
  const { parts, ...common } = options;
  const sinks = sinkPartsOf(options.name, parts);
  const [only] = sinks;
  if (sinks.length === 1 && only!.checkpointKey === options.name) {
    // A `sink:` pipeline: its status and checkpoint are exactly issue 18's.
    return [
      await runPipeline({
        ...common,
        source: parts.source,
        mapping: parts.mapping,
        sink: only!.sink,
        ...(only!.deadLetter === undefined ? {} : { deadLetter: only!.deadLetter }),
      }),
    ];
  }
  const shared = new SharedSource(parts.source, { capacity: sinks.length + 1 });
  const stopAll = new AbortController();
  const outer = options.signal;
  const onOuter = () => stopAll.abort(outer?.reason);
  if (outer?.aborted === true) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  const views = sinks.map(() => shared.view());
  try {
    const runs = sinks.map(async (part, i) => {
      try {
        return await runPipeline({
          ...common,
          source: views[i]!,
          mapping: parts.mapping,
          sink: part.sink,
          sinkName: part.name,
          checkpointKey: part.checkpointKey,
          ...(part.deadLetter === undefined ? {} : { deadLetter: part.deadLetter }),
          signal: stopAll.signal,
        });
      } catch (error) {
        stopAll.abort(error);
        throw error;
      }
    });
    const results = await Promise.allSettled(runs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<PipelineStatus>).value);
  } finally {
    outer?.removeEventListener('abort', onOuter);
    // A run that failed before its loop may not have closed its view: the source closes with the last one.
    await Promise.all(views.map((view) => view.close().catch(() => undefined)));
  }
}
