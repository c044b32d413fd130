import { readBoundedBody } from './request-body.ts';
import type { Context, Hono } from 'hono';
import {
  receiveHttpMessage,
  rejectionReason,
  type DirectoryEventError,
  type ReceivedEvent,
} from '../../directory/events/index.ts';
import { DirectoryEventError as EventError } from '../../directory/events/errors.ts';
import type { ApplyOutcome, DirectoryApplier, DirectoryEvent } from '../../directory/types.ts';
import type { ServiceEnv, ServiceLogger } from './app.ts';
import type { Authorise, ErrorAnswer } from './console-routes.ts';

/** The largest request body the receiver reads: a batch of a thousand full user events fits with room. */
export const MAX_DIRECTORY_BODY_BYTES = 4 << 20;
/** The most events one batch may carry: one batch is applied within one request, so it is bounded. */
export const MAX_DIRECTORY_BATCH = 1000;

const JSON_TYPE = 'application/json; charset=utf-8';

/** A request the receiver refuses before looking at its events, with the status to answer. */
class BodyRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body as text, no more than `limit` bytes, within `timeoutMs`. */
async function readBody(request: Request, limit: number, timeoutMs: number): Promise<string> {
  const tooLarge = () => new BodyRefusal(413, `The request body is larger than ${limit} bytes`);
  if (Number(request.headers.get('Content-Length') ?? '0') > limit) throw tooLarge();
  return readBoundedBody(request, limit, timeoutMs, {
    tooLarge,
    timedOut: (seconds) => new BodyRefusal(400, `The request body did not arrive within ${seconds} s`),
  });
}

/** The error member of an answer about one event: the service's `{ code, message }` and where the event failed. */
function eventErrorJson(error: DirectoryEventError) {
  return {
    code: error.code,
    message: error.message,
    eventId: error.eventId ?? null,
    eventType: error.eventType ?? null,
    attribute: error.attribute,
  };
}

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': JSON_TYPE } });
}

/** The outcome of each event, invalid ones included, in the order they came. */
function batchReport(events: readonly ReceivedEvent[], outcomes: readonly ApplyOutcome[]) {
  let next = 0;
  const results = events.map((item) => {
    if (item.ok) return { id: item.event.id, type: item.event.type, outcome: outcomes[next++] ?? null };
    return {
      id: item.error.eventId ?? null,
      type: item.error.eventType ?? null,
      error: eventErrorJson(item.error),
    };
  });
  const rejected = events.filter((e) => !e.ok).length;
  return { accepted: events.length - rejected, rejected, results };
}

/**
 * Counts refusals in the directory's store for `directory_status`. A failure to count is logged, never turned into
 * the publisher's problem: its answer says which events were refused either way.
 */
async function countRejected(
  applier: DirectoryApplier,
  errors: readonly DirectoryEventError[],
  log: ServiceLogger,
  requestId: string,
): Promise<void> {
  if (errors.length === 0 || applier.countRejected === undefined) return;
  try {
    await applier.countRejected('http', errors.map(rejectionReason));
  } catch (thrown) {
    log({
      level: 'error',
      message: 'directory store failed to count rejected events',
      requestId,
      error: thrown instanceof Error ? thrown.message : String(thrown),
    });
  }
}

/**
 * `POST /v1/directory/events`: seed 003's directory events in any CloudEvents HTTP mode, checked and handed to the
 * directory's applier. One event: 202 `{ id, outcome }`, or 400 naming the event and the attribute. A batch: 200
 * with a report per event; the valid ones are applied (each whole), the invalid ones reported. Needs the `ingest`
 * scope; 503 when the service has no directory store.
 */
export function registerDirectoryRoutes(
  app: Hono<ServiceEnv>,
  deps: {
    readonly directory?: DirectoryApplier | undefined;
    readonly requestTimeoutMs?: number | undefined;
    readonly log: ServiceLogger;
  },
  authorise: Authorise,
  error: (c: Context<ServiceEnv>) => ErrorAnswer,
): void {
  app.post('/v1/directory/events', async (c) => {
    const principal = await authorise(c, 'ingest');
    if (principal instanceof Response) return principal;
    const fail = error(c);
    const requestId = c.get('requestId');
    const applier = deps.directory;
    if (applier === undefined) return fail('UPSTREAM_UNAVAILABLE', 'no directory store configured', 503);
    let body: string;
    try {
      body = await readBody(c.req.raw, MAX_DIRECTORY_BODY_BYTES, deps.requestTimeoutMs ?? 30_000);
    } catch (thrown) {
      if (thrown instanceof BodyRefusal) return fail('INVALID_INPUT', thrown.message, thrown.status);
      return fail('CANCELLED', 'The client went away before its request body arrived', 499);
    }
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    let message;
    try {
      message = receiveHttpMessage(headers, body, { maxBatch: MAX_DIRECTORY_BATCH });
    } catch (thrown) {
      if (!(thrown instanceof EventError)) throw thrown;
      await countRejected(applier, [thrown], deps.log, requestId);
      const status = thrown.reason.startsWith('more than') ? 413 : 400;
      return json({ error: eventErrorJson(thrown), requestId }, status);
    }
    const valid: DirectoryEvent[] = message.events.flatMap((item) => (item.ok ? [item.event] : []));
    await countRejected(
      applier,
      message.events.flatMap((item) => (item.ok ? [] : [item.error])),
      deps.log,
      requestId,
    );
    let outcomes: readonly ApplyOutcome[];
    try {
      outcomes = valid.length === 0 ? [] : await applier.apply(valid);
    } catch (thrown) {
      // Redelivery is safe (events are idempotent by source and id): the publisher retries the whole message.
      deps.log({
        level: 'error',
        message: 'directory store failed to apply events',
        requestId,
        error: thrown instanceof Error ? thrown.message : String(thrown),
      });
      return fail('UPSTREAM_UNAVAILABLE', 'The directory store failed; retry the delivery', 503);
    }
    if (message.mode === 'batch') {
      const report = batchReport(message.events, outcomes);
      deps.log({
        level: 'info',
        message: `directory events: ${report.accepted} accepted, ${report.rejected} rejected`,
        requestId,
      });
      return json(report, 200);
    }
    const only = message.events[0]!;
    if (!only.ok) {
      deps.log({ level: 'info', message: `directory event rejected: ${only.error.message}`, requestId });
      return json({ error: eventErrorJson(only.error), requestId }, 400);
    }
    return json({ id: only.event.id, outcome: outcomes[0] ?? null }, 202);
  });
}
