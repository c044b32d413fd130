import { deflateSync } from 'node:zlib';
import type { QrSymbol } from './encode.ts';

/** The quiet zone the standard requires around the symbol, in modules. */
export const QUIET_ZONE = 4;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Which module each pixel along an axis shows, or −1 for the quiet zone. When the image holds at least one pixel
 * per module every module is the same whole number of pixels, centred (the spare pixels widen the quiet zone), so
 * scanners see crisp modules; below that the modules are sampled (the image is then too small to scan, as any
 * generator's would be).
 */
function pixelToModule(pixels: number, symbolSize: number): Int32Array {
  const span = symbolSize + 2 * QUIET_ZONE;
  const map = new Int32Array(pixels);
  const scale = Math.floor(pixels / span);
  if (scale >= 1) {
    const offset = Math.floor((pixels - scale * symbolSize) / 2);
    for (let p = 0; p < pixels; p++) {
      const m = Math.floor((p - offset) / scale);
      map[p] = p >= offset && m < symbolSize ? m : -1;
    }
  } else {
    for (let p = 0; p < pixels; p++) {
      const m = Math.floor((p * span) / pixels) - QUIET_ZONE;
      map[p] = m >= 0 && m < symbolSize ? m : -1;
    }
  }
  return map;
}

/** `symbol` as a `pixels` × `pixels` 8-bit greyscale PNG: dark modules black, the rest white. */
export function symbolPng(symbol: QrSymbol, pixels: number): Uint8Array {
  const map = pixelToModule(pixels, symbol.size);
  const rows: Buffer[] = [];
  for (let y = 0; y < pixels; y++) {
    const row = Buffer.alloc(pixels + 1, 255);
    row[0] = 0; // Filter type None.
    const my = map[y]!;
    for (let x = 0; x < pixels; x++) {
      const mx = map[x]!;
      if (my >= 0 && mx >= 0 && symbol.modules[my * symbol.size + mx] === 1) row[x + 1] = 0;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(pixels, 0);
  header.writeUInt32BE(pixels, 4);
  header[8] = 8; // Bit depth.
  header[9] = 0; // Greyscale.
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.concat(rows))),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}
