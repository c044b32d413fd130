import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { splitPath } from './records.ts';
import type { ListItem } from './items.ts';

/**
 * Precedes the file in its packed form (`bNeedPacked`): the real agent hands out a malicious file wrapped so that
 * nothing on the way runs or quarantines it; its format is not public, so the emulator's is this header and the
 * file (decisions/0062).
 */
export const PACKED_HEADER = Buffer.from('KLNLPCK\u0000', 'latin1');

/** Largest chunk one call returns; a client asking for more gets this much and asks again. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

const BLOCK = 32;

/**
 * The bytes of an item's file, `from` to `to` (exclusive), of its `size`: a keystream of the world's seed and
 * the item (HMAC-SHA256 in counter mode), so every call, on either backend, reads the same file, and any range
 * is computed without building the whole file.
 */
function fileBytes(seed: number, item: ListItem, from: number, to: number): Buffer {
  const end = Math.min(to, item.size);
  if (from >= end) return Buffer.alloc(0);
  const key = `kconnect-emulator-${seed}-list-item-${item.id}`;
  const first = Math.floor(from / BLOCK);
  const last = Math.floor((end - 1) / BLOCK);
  const blocks: Buffer[] = [];
  for (let block = first; block <= last; block++)
    blocks.push(createHmac('sha256', key).update(String(block)).digest());
  const start = from - first * BLOCK;
  return Buffer.concat(blocks).subarray(start, start + (end - from));
}

/** `pFileInfo` of an item's file, plain or packed. */
export function fileInfo(item: ListItem, packed: boolean): { name: string; size: number } {
  const { file } = splitPath(item.path);
  return packed
    ? { name: `${file}.klpck`, size: item.size + PACKED_HEADER.length }
    : { name: file, size: item.size };
}

/** Up to `count` bytes of the file (plain or packed) from `start`; empty past its end. */
export function fileChunk(
  seed: number,
  item: ListItem,
  packed: boolean,
  start: number,
  count: number,
): Uint8Array {
  const total = fileInfo(item, packed).size;
  const end = Math.min(total, start + Math.min(count, MAX_CHUNK_BYTES));
  if (start >= end) return new Uint8Array(0);
  if (!packed) return new Uint8Array(fileBytes(seed, item, start, end));
  const header = PACKED_HEADER.subarray(
    Math.min(start, PACKED_HEADER.length),
    Math.min(end, PACKED_HEADER.length),
  );
  const offset = PACKED_HEADER.length;
  const body = fileBytes(seed, item, Math.max(0, start - offset), Math.max(0, end - offset));
  return new Uint8Array(Buffer.concat([header, body]));
}
