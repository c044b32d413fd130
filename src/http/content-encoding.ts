import type { Readable } from 'node:stream';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';

/** A body the server sent in an encoding the client did not ask for and cannot read. */
export class UnsupportedContentEncodingError extends Error {
  readonly code = 'UNSUPPORTED_CONTENT_ENCODING';
  constructor(readonly encoding: string) {
    super(`the server answered in Content-Encoding ${encoding}, which the client does not decode`);
  }
}

function decoderFor(encoding: string): Gunzip | Inflate | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    default:
      return undefined;
  }
}

/**
 * Reads a response body to text, undoing `Content-Encoding` (gzip, deflate) while it arrives: the compressed
 * bytes pass through the decoder chunk by chunk, so neither the compressed nor a second copy of the plain body is
 * ever held whole — only the text the caller asked for. Without the header (a server that ignored
 * `Accept-Encoding`), the body is read as it is.
 *
 * @throws {UnsupportedContentEncodingError} for an encoding other than identity, gzip or deflate
 */
export async function decodedBodyText(
  body: Readable & { text(): Promise<string> },
  contentEncoding: string | string[] | undefined,
): Promise<string> {
  const encodings = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : (contentEncoding ?? ''))
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
  if (encodings.length === 0) return body.text();
  let stream: Readable = body;
  // Encodings are listed in the order they were applied: undo them from the last.
  for (const encoding of encodings.reverse()) {
    const decoder = decoderFor(encoding);
    if (decoder === undefined) {
      body.destroy();
      throw new UnsupportedContentEncodingError(encoding);
    }
    // A failure of the raw body (reset, timeout) must reach the reader with its own code, not as a stalled decoder.
    const source = stream;
    source.on('error', (error) => decoder.destroy(error));
    stream = source.pipe(decoder);
  }
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
