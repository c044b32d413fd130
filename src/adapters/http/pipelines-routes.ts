import type { Context, Hono } from 'hono';
import type { PipelineSample, SupervisedPipelineStatus, Supervisor } from '../../intake/supervisor.ts';
import type { ServiceEnv } from './app.ts';
import { allowsConnection, type Principal } from './auth.ts';
import type { Authorise, ErrorAnswer } from './console-routes.ts';

/** A pipeline's status as the API answers it: what it is, what it is doing, how far it got, what went wrong. */
export function pipelineJson(status: SupervisedPipelineStatus) {
  return {
    name: status.pipeline,
    source: { type: status.sourceType, connection: status.connection ?? null },
    mapping: status.mappingName,
    sink: { type: status.sinkType, target: status.sinkTarget },
    state: status.state,
    generation: status.generation,
    lagSeconds: status.lagSeconds,
    behind: status.behind ?? null,
    lastBatch: status.lastBatch ?? null,
    totals: status.totals,
    startedAt: status.startedAt,
    restarts: status.restarts,
    restartAt: status.restartAt ?? null,
    lastFailure: status.lastFailure ?? null,
    errors: status.errors,
    gaps: status.recentGaps,
    // Each sink with its own checkpoint (issue 19); one entry for a pipeline with a single `sink:`.
    sinks: status.sinkDefinitions.map((definition) => {
      const run =
        status.sinks?.find((s) => s.sink === definition.name) ??
        (status.sinks === undefined ? status : undefined);
      return {
        name: definition.name,
        type: definition.type,
        target: definition.target,
        checkpoint: definition.checkpointKey,
        state: run?.state ?? 'starting',
        generation: run?.generation ?? 0,
        totals: run?.totals ?? null,
        deadLettered: run?.totals.deadLettered ?? 0,
        lastBatch: run?.lastBatch ?? null,
        retries: run?.retries ?? 0,
        blockedStage: run?.blockedStage ?? null,
        blockedSince: run?.blockedSince ?? null,
        deadLetter: definition.deadLetter ?? null,
      };
    }),
  };
}

function sampleJson(sample: PipelineSample) {
  return { ...sample, at: new Date(sample.at).toISOString() };
}

/**
 * Whether a token may see a pipeline: a token limited to some connections sees only the pipelines that read one
 * of them (a pipeline's status names hosts and files of its connection's server).
 */
function visible(principal: Principal, status: SupervisedPipelineStatus): boolean {
  if (principal.connections === undefined) return true;
  return status.connection !== undefined && allowsConnection(principal, status.connection);
}

/**
 * `GET /v1/pipelines` and `GET /v1/pipelines/{name}`: the status of the pipelines the service runs (none when it
 * runs none), the second with the pipeline's history of samples for a chart of lag and throughput.
 */
export function registerPipelineRoutes(
  app: Hono<ServiceEnv>,
  supervisor: Supervisor | undefined,
  authorise: Authorise,
  error: (c: Context<ServiceEnv>) => ErrorAnswer,
): void {
  app.get('/v1/pipelines', async (c) => {
    const principal = await authorise(c, 'read');
    if (principal instanceof Response) return principal;
    const statuses = supervisor?.status() ?? [];
    return c.json({ pipelines: statuses.filter((s) => visible(principal, s)).map(pipelineJson) });
  });

  app.get('/v1/pipelines/:name', async (c) => {
    const principal = await authorise(c, 'read');
    if (principal instanceof Response) return principal;
    const name = c.req.param('name');
    const status = supervisor?.status().find((s) => s.pipeline === name);
    const history = supervisor?.history(name);
    // A pipeline the token may not see is answered as one that does not exist: the list does not show it either.
    if (status === undefined || history === undefined || !visible(principal, status)) {
      return error(c)('NOT_FOUND', `No pipeline named ${JSON.stringify(name)}`, 404);
    }
    return c.json({ ...pipelineJson(status), history: history.map(sampleJson) });
  });
}
