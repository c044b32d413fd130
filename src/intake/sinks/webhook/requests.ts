/**
 * How a batch becomes HTTP requests: documents serialised once, cut into requests of at most `maxDocuments` and
 * `maxBytes` (a document larger than `maxBytes` goes alone: the receiver judges it), each with the body bytes the
 * signature covers and an idempotency key a receiver can deduplicate a repeated request by.
 */
import { createHash } from 'node:crypto';
import type { MappedDocument } from '../../types.ts';

export type WebhookFormat = 'json' | 'ndjson';

/** A run of documents `[start, end)` of the batch, sent as one request. */
export interface RequestSlice {
  readonly start: number;
  readonly end: number;
}

export interface SliceLimits {
  readonly maxDocuments: number;
  readonly maxBytes: number;
}

/** Each document as its JSON text and its length in UTF-8 bytes. */
export interface SerialisedBatch {
  readonly texts: readonly string[];
  readonly bytes: readonly number[];
}

export function serialise(documents: readonly MappedDocument[]): SerialisedBatch {
  const texts = documents.map((document) => JSON.stringify(document));
  return { texts, bytes: texts.map((text) => Buffer.byteLength(text)) };
}

/** Consecutive slices covering the batch; the framing (`[`, `,`, `]`, `\n`) counts towards `maxBytes`. */
export function sliceBatch(batch: SerialisedBatch, limits: SliceLimits): RequestSlice[] {
  const slices: RequestSlice[] = [];
  let start = 0;
  let size = 1; // `[` or nothing, plus `]` or `\n`: one byte of framing per document and one around
  for (let i = 0; i < batch.texts.length; i++) {
    const added = batch.bytes[i]! + 1;
    const full = i - start >= limits.maxDocuments || (i > start && size + added > limits.maxBytes);
    if (full) {
      slices.push({ start, end: i });
      start = i;
      size = 1;
    }
    size += added;
  }
  if (start < batch.texts.length) slices.push({ start, end: batch.texts.length });
  return slices;
}

/** The exact bytes of one request: a JSON array, or one JSON text per line each ending in `\n`. */
export function bodyOf(batch: SerialisedBatch, slice: RequestSlice, format: WebhookFormat): Buffer {
  const texts = batch.texts.slice(slice.start, slice.end);
  return Buffer.from(format === 'json' ? `[${texts.join(',')}]` : `${texts.join('\n')}\n`);
}

export const CONTENT_TYPES: Readonly<Record<WebhookFormat, string>> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

/**
 * The same documents give the same key on every attempt and after a restart (the runner resends a batch from the
 * committed cursor, and slices are cut the same way): the pipeline, the first and last record keys, and the count.
 */
export function idempotencyKey(pipeline: string, keys: readonly string[], slice: RequestSlice): string {
  const hash = createHash('sha256');
  hash.update(`${pipeline}\n${keys[slice.start]!}\n${keys[slice.end - 1]!}\n${slice.end - slice.start}`);
  return `kconnect-${hash.digest('hex').slice(0, 32)}`;
}
