import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * The image `GenerateQRCode` answers: a PNG of the requested size (8-bit greyscale) laid out as a QR code of
 * version 2 (25 × 25 modules, the three finder patterns, a quiet zone of 4 modules) whose data modules are derived
 * from a hash of the input. It is not a decodable QR code (no Reed–Solomon encoding): the coverage says so.
 */

const MODULES = 25;
const QUIET = 4;

function finder(row: number, col: number): boolean | undefined {
  for (const [top, left] of [
    [0, 0],
    [0, MODULES - 7],
    [MODULES - 7, 0],
  ] as const) {
    const r = row - top;
    const c = col - left;
    if (r >= -1 && r <= 7 && c >= -1 && c <= 7) {
      if (r < 0 || r > 6 || c < 0 || c > 6) return false; // The separator.
      const ring = Math.min(r, c, 6 - r, 6 - c);
      return ring !== 1;
    }
  }
  return undefined;
}

function moduleMatrix(input: string): boolean[][] {
  const bits: number[] = [];
  for (let block = 0; bits.length < MODULES * MODULES; block++) {
    const bytes = createHash('sha256').update(`${block}\u0000${input}`).digest();
    for (const byte of bytes) for (let b = 7; b >= 0; b--) bits.push((byte >> b) & 1);
  }
  return Array.from({ length: MODULES }, (_, row) =>
    Array.from({ length: MODULES }, (_, col) => {
      const fixed = finder(row, col);
      if (fixed !== undefined) return fixed;
      if (row === 6 || col === 6) return (row + col) % 2 === 0; // Timing patterns.
      return bits[row * MODULES + col] === 1;
    }),
  );
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A `size` × `size` PNG of the code of `input`. */
export function qrCodePng(input: string, size: number): Uint8Array {
  const matrix = moduleMatrix(input);
  const span = MODULES + 2 * QUIET;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(size + 1); // Filter byte 0, then one grey byte per pixel.
    const my = Math.floor((y * span) / size) - QUIET;
    for (let x = 0; x < size; x++) {
      const mx = Math.floor((x * span) / size) - QUIET;
      const dark = my >= 0 && my < MODULES && mx >= 0 && mx < MODULES && matrix[my]![mx]!;
      row[x + 1] = dark ? 0 : 255;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // Bit depth.
  header[9] = 0; // Greyscale.
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return new Uint8Array(png);
}
