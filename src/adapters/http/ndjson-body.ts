import { CommandStreamError } from '../../commands/core/execute.ts';
import type { CommandErrorEntry, PlainJson } from '../../commands/core/types.ts';

/** The media type of a streamed answer: one JSON object per line. */
export const NDJSON_TYPE = 'application/x-ndjson';

/** How a streamed body ended, once: every record sent, a failure (its final line), or the client gone. */
export type NdjsonEnding =
  | { readonly kind: 'complete'; readonly records: number }
  | { readonly kind: 'failed'; readonly records: number; readonly error: CommandErrorEntry }
  | { readonly kind: 'cancelled'; readonly records: number };

/** Bytes gathered into one chunk at most: fewer, larger writes than a line each, and still flat memory. */
const CHUNK_CHARS = 64 * 1024;
const WAITING = Symbol('waiting');

/** Whether the caller asked for `application/x-ndjson` (a plain media-range match; `*\/*` is not a request). */
export function acceptsNdjson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept
    .split(',')
    .map((part) => part.split(';'))
    .some(([type, ...params]) => {
      if (type?.trim().toLowerCase() !== NDJSON_TYPE) return false;
      // `q=0` means "not this one".
      return !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/i.test(p));
    });
}

/**
 * A response body of `records` as NDJSON: one record per line, written as the source yields them. The stream
 * pulls: the next record is asked for only when the client has taken what came before (backpressure reaches the
 * vendor's pages). Records already at hand go out together in chunks of up to 64 KiB; a chunk is sent as soon as
 * the source has to wait (for its next page), so a line never waits for a page behind it. A failure of the source
 * ends the body with one final line `{"error": {...}}` — an object whose only member is `error`, holding the
 * error entry a result would — and a closed connection cancels the source (which releases its result set).
 * `onEnd` is called once, when the body is complete, failed or cancelled; `unexpected` hears of a failure that
 * is not the command's (a bug), which the final line reports as INTERNAL.
 */
export function ndjsonBody(
  records: AsyncIterator<PlainJson>,
  options: {
    readonly onEnd: (ending: NdjsonEnding) => Promise<void> | void;
    readonly unexpected: (error: unknown) => CommandErrorEntry;
  },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = 0;
  let ended = false;
  let pending: Promise<IteratorResult<PlainJson>> | undefined;
  const end = async (ending: NdjsonEnding): Promise<void> => {
    if (ended) return;
    ended = true;
    await options.onEnd(ending);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = '';
      // One macrotask turn: once it has passed, the source is waiting on I/O and what is at hand goes out.
      const turn = new Promise<typeof WAITING>((resolve) => setImmediate(() => resolve(WAITING)));
      try {
        for (;;) {
          const next = pending ?? records.next();
          pending = undefined;
          const ready = chunk === '' ? await next : await Promise.race([next, turn]);
          // Cancelled while the source was reading: the stream takes nothing more.
          if (ended) return;
          if (ready === WAITING) {
            pending = next;
            break;
          }
          if (ready.done === true) {
            if (chunk !== '') controller.enqueue(encoder.encode(chunk));
            controller.close();
            await end({ kind: 'complete', records: sent });
            return;
          }
          chunk += `${JSON.stringify(ready.value)}\n`;
          sent++;
          if (chunk.length >= CHUNK_CHARS) break;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        if (ended) return;
        const entry =
          error instanceof CommandStreamError && error.errors[0] !== undefined
            ? error.errors[0]
            : options.unexpected(error);
        controller.enqueue(encoder.encode(`${chunk}${JSON.stringify({ error: entry })}\n`));
        controller.close();
        await end({ kind: 'failed', records: sent, error: entry });
      }
    },
    async cancel() {
      // The client went away: stop reading pages (the source releases its result set on return).
      await end({ kind: 'cancelled', records: sent });
      await records.return?.(undefined).catch(() => undefined);
    },
  });
}
