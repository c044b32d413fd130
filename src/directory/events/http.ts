import { HTTP } from 'cloudevents';
import type { DirectoryEvent } from '../types.ts';
import { checkDirectoryEvent } from './check.ts';
import { DirectoryEventError } from './errors.ts';

/** The three CloudEvents HTTP content modes. */
export type HttpEventMode = 'structured' | 'batch' | 'binary';

/** One event of a message: checked, or the reason it was refused. */
export type ReceivedEvent =
  | { readonly ok: true; readonly event: DirectoryEvent }
  | { readonly ok: false; readonly error: DirectoryEventError };

export interface ReceivedMessage {
  readonly mode: HttpEventMode;
  readonly events: readonly ReceivedEvent[];
}

const STRUCTURED_TYPE = 'application/cloudevents+json';
const BATCH_TYPE = 'application/cloudevents-batch+json';

type Attributes = Record<string, unknown>;

function isObject(value: unknown): value is Attributes {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The SDK fills in what a publisher left out or got wrong (a random `id`, the current `time`, `specversion`
 * 1.0) and rewrites `time` to its own spelling; these are checked as they were sent, so they come from the
 * message itself.
 */
function asSent(event: Attributes, sent: { id: unknown; time: unknown; specversion: unknown }): Attributes {
  return { ...event, id: sent.id, time: sent.time, specversion: sent.specversion };
}

function sdkFailure(error: unknown, sent: Attributes): DirectoryEventError {
  const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return new DirectoryEventError('event', `not a CloudEvent: ${reason}`, {
    eventId: typeof sent['id'] === 'string' ? sent['id'] : undefined,
    eventType: typeof sent['type'] === 'string' ? sent['type'] : undefined,
  });
}

/** One structured event (alone, or an item of a batch) through the SDK, then checked. */
function structuredEvent(raw: unknown): ReceivedEvent {
  if (!isObject(raw)) {
    return { ok: false, error: new DirectoryEventError('event', 'expected a CloudEvent object') };
  }
  let event: Attributes;
  try {
    event = { ...HTTP.toEvent({ headers: { 'content-type': STRUCTURED_TYPE }, body: raw }) } as Attributes;
  } catch (error) {
    return { ok: false, error: sdkFailure(error, raw) };
  }
  return checked(asSent(event, { id: raw['id'], time: raw['time'], specversion: raw['specversion'] }));
}

function checked(event: Attributes): ReceivedEvent {
  try {
    return { ok: true, event: checkDirectoryEvent(event) };
  } catch (error) {
    if (error instanceof DirectoryEventError) return { ok: false, error };
    throw error;
  }
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new DirectoryEventError('body', `${what}: not valid JSON`);
  }
}

/**
 * The directory events of an HTTP request in any CloudEvents mode, each decoded by the `cloudevents` SDK and
 * checked: structured (`application/cloudevents+json`, one event), batched (`application/cloudevents-batch+json`,
 * a JSON array: each item is decoded and checked on its own, so one bad event does not hide the others), or
 * binary (attributes in `ce-*` headers, `data` the body). `headers` have lower-case names.
 *
 * @throws {DirectoryEventError} for a request that is no CloudEvent at all (attribute `content-type`), a body that
 *   is not JSON (`body`), or a batch with more than `maxBatch` events (`body`, reason starting "more than").
 */
export function receiveHttpMessage(
  headers: Readonly<Record<string, string>>,
  body: string,
  options: { readonly maxBatch: number },
): ReceivedMessage {
  const contentType = (headers['content-type'] ?? '').trim().toLowerCase();
  if (contentType.startsWith(BATCH_TYPE)) {
    const items = parseJson(body, 'a batch');
    if (!Array.isArray(items))
      throw new DirectoryEventError('body', 'a batch: expected a JSON array of events');
    if (items.length > options.maxBatch) {
      throw new DirectoryEventError('body', `more than ${options.maxBatch} events in one batch`);
    }
    return { mode: 'batch', events: items.map(structuredEvent) };
  }
  if (contentType.startsWith(STRUCTURED_TYPE)) {
    return { mode: 'structured', events: [structuredEvent(parseJson(body, 'a structured event'))] };
  }
  const sent = {
    id: headers['ce-id'],
    time: headers['ce-time'],
    specversion: headers['ce-specversion'],
    type: headers['ce-type'],
    source: headers['ce-source'],
  };
  if (sent.id === undefined) {
    if (Object.keys(headers).some((name) => name.startsWith('ce-'))) {
      return { mode: 'binary', events: [checked(sent)] };
    }
    throw new DirectoryEventError(
      'content-type',
      `expected ${STRUCTURED_TYPE}, ${BATCH_TYPE}, or a binary-mode event (ce-* headers)`,
    );
  }
  let event: Attributes;
  try {
    event = { ...HTTP.toEvent({ headers, body: body === '' ? undefined : body }) } as Attributes;
  } catch (error) {
    // The SDK parses a JSON `data` itself: a body that is not JSON is the data's fault.
    if (error instanceof SyntaxError) {
      return {
        mode: 'binary',
        events: [checked({ ...sent, data: body, datacontenttype: 'application/json' })],
      };
    }
    return { mode: 'binary', events: [{ ok: false, error: sdkFailure(error, sent) }] };
  }
  return { mode: 'binary', events: [checked(asSent(event, sent))] };
}
