/** Reading a request body within bounds: the routes that take a body share one reader and keep their own errors. */

/** What a route answers when a body breaks a bound; each returns the error to throw. */
export interface BodyRefusals {
  /** The body grew past `limit` bytes (a chunked body has no length to check first). */
  readonly tooLarge: () => Error;
  /** The body did not arrive within `timeoutMs`: the caller's fault. */
  readonly timedOut: (seconds: number) => Error;
  /** The caller went away mid-body; without it the stream's own error is thrown. */
  readonly closed?: (cause: unknown) => Error;
}

/** The body as text, reading no more than `limit` bytes for no longer than `timeoutMs`. */
export async function readBoundedBody(
  request: Request,
  limit: number,
  timeoutMs: number,
  refusals: BodyRefusals,
): Promise<string> {
  const length = request.headers.get('Content-Length');
  if (length !== null && request.headers.get('Transfer-Encoding') === null && /^\d+$/.test(length)) {
    if (Number(length) > limit) throw refusals.tooLarge();
    return readDeclaredBody(request, timeoutMs, refusals);
  }
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>> | 'timeout';
      try {
        next = await Promise.race([reader.read(), timedOut]);
      } catch (error) {
        throw refusals.closed === undefined ? error : refusals.closed(error);
      }
      if (next === 'timeout') {
        await reader.cancel().catch(() => undefined);
        throw refusals.timedOut(Math.round(timeoutMs / 1000));
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw refusals.tooLarge();
      }
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A body whose length the headers declare (and the HTTP parser enforces), read in one piece by the server's own
 * reader: asking for `request.body` instead would turn the server's lightweight request into a full web Request
 * with a stream, a good part of a small call's CPU.
 */
async function readDeclaredBody(
  request: Request,
  timeoutMs: number,
  refusals: BodyRefusals,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  // An object, not a string: a body may say anything.
  const late = { timedOut: true } as const;
  const deadline = new Promise<typeof late>((resolve) => {
    timer = setTimeout(() => resolve(late), timeoutMs);
  });
  const reading = request.text();
  let text: string | typeof late;
  try {
    text = await Promise.race([reading, deadline]);
  } catch (error) {
    throw refusals.closed === undefined ? error : refusals.closed(error);
  } finally {
    clearTimeout(timer);
  }
  if (typeof text !== 'string') {
    // The read ends with the connection the refusal closes; nobody waits for it any more.
    reading.catch(() => undefined);
    throw refusals.timedOut(Math.round(timeoutMs / 1000));
  }
  return text;
}
