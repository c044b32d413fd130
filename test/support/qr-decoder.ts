import { Buffer } from 'node:buffer';
import { inflateSync } from 'node:zlib';

/**
 * A small QR code reader for tests, written apart from the encoder (src/emulator/ksc/mobile/qr/) so it checks it
 * rather than repeats it: it knows level M only, reads an axis-aligned 8-bit greyscale PNG, and relies on the
 * standard's tables typed in here, not on the encoder's.
 */

/** GF(2^8) product by shift and add (no log tables, unlike the encoder), modulo 0x11D. */
export function gfTimes(a: number, b: number): number {
  let product = 0;
  while (b > 0) {
    if (b & 1) product ^= a;
    a <<= 1;
    if (a & 0x100) a ^= 0x11d;
    b >>= 1;
  }
  return product;
}

export function gfPower(n: number): number {
  let x = 1;
  for (let i = 0; i < n; i++) x = gfTimes(x, 2);
  return x;
}

/** The error correction codewords by long division of data(x)·x^n by ∏(x − α^i), i < n, coefficients high first. */
export function remainderByDivision(data: readonly number[], n: number): number[] {
  let generator = [1];
  for (let i = 0; i < n; i++) {
    const root = gfPower(i);
    const next = new Array<number>(generator.length + 1).fill(0);
    generator.forEach((c, k) => {
      next[k] = next[k]! ^ c;
      next[k + 1] = next[k + 1]! ^ gfTimes(c, root);
    });
    generator = next;
  }
  const work = [...data, ...new Array<number>(n).fill(0)];
  for (let i = 0; i < data.length; i++) {
    const factor = work[i]!;
    if (factor !== 0) generator.forEach((c, k) => (work[i + k] = work[i + k]! ^ gfTimes(c, factor)));
  }
  return work.slice(data.length);
}

/** The syndromes of a received block: the block polynomial evaluated at α^0 … α^(n−1); all zero when intact. */
export function syndromes(block: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const x = gfPower(i);
    return block.reduce((acc, c) => gfTimes(acc, x) ^ c, 0);
  });
}

/** ISO/IEC 18004 Annex E: alignment pattern centres by version. */
export const ALIGNMENT_TABLE: Record<number, number[]> = {
  1: [],
  2: [6, 18],
  3: [6, 22],
  4: [6, 26],
  5: [6, 30],
  6: [6, 34],
  7: [6, 22, 38],
  8: [6, 24, 42],
  9: [6, 26, 46],
  10: [6, 28, 50],
  11: [6, 30, 54],
  12: [6, 32, 58],
  13: [6, 34, 62],
  14: [6, 26, 46, 66],
  15: [6, 26, 48, 70],
  16: [6, 26, 50, 74],
  17: [6, 30, 54, 78],
  18: [6, 30, 56, 82],
  19: [6, 30, 58, 86],
  20: [6, 34, 62, 90],
  21: [6, 28, 50, 72, 94],
  22: [6, 26, 50, 74, 98],
  23: [6, 30, 54, 78, 102],
  24: [6, 28, 54, 80, 106],
  25: [6, 32, 58, 84, 110],
  26: [6, 30, 58, 86, 114],
  27: [6, 34, 62, 90, 118],
  28: [6, 26, 50, 74, 98, 122],
  29: [6, 30, 54, 78, 102, 126],
  30: [6, 26, 52, 78, 104, 130],
  31: [6, 30, 56, 82, 108, 134],
  32: [6, 34, 60, 86, 112, 138],
  33: [6, 30, 58, 86, 114, 142],
  34: [6, 34, 62, 90, 118, 146],
  35: [6, 30, 54, 78, 102, 126, 150],
  36: [6, 24, 50, 76, 102, 128, 154],
  37: [6, 28, 54, 80, 106, 132, 158],
  38: [6, 32, 58, 84, 110, 136, 162],
  39: [6, 26, 54, 82, 110, 138, 166],
  40: [6, 30, 58, 86, 114, 142, 170],
};

/** Table C.1: the 15-bit format information of level M, by mask. */
export const FORMAT_M = [
  0b101010000010010, 0b101000100100101, 0b101111001111100, 0b101101101001011, 0b100010111111001,
  0b100000011001110, 0b100111110010111, 0b100101010100000,
];

/** Table D.1 (a few rows): the 18-bit version information. */
export const VERSION_INFO: Record<number, number> = {
  7: 0x07c94,
  8: 0x085bc,
  9: 0x09a99,
  10: 0x0a4d3,
  20: 0x149a6,
  40: 0x28c69,
};

/** Table 9 (the versions the tests reach): error correction blocks and codewords per block at level M. */
export const BLOCKS_M: Record<number, { blocks: number; ecPerBlock: number }> = {
  1: { blocks: 1, ecPerBlock: 10 },
  2: { blocks: 1, ecPerBlock: 16 },
  3: { blocks: 1, ecPerBlock: 26 },
  4: { blocks: 2, ecPerBlock: 18 },
  5: { blocks: 2, ecPerBlock: 24 },
  10: { blocks: 5, ecPerBlock: 26 },
  40: { blocks: 49, ecPerBlock: 28 },
};

const MASK_CONDITIONS: ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

/** The pixels of an 8-bit greyscale PNG, filter type 0 on every row (what the emulator writes). */
export function readGreyPng(png: Buffer): {
  width: number;
  height: number;
  pixel: (x: number, y: number) => number;
} {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (png[24] !== 8 || png[25] !== 0) throw new Error('not 8-bit greyscale');
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(parts));
  return {
    width,
    height,
    pixel: (x, y) => {
      if (raw[y * (width + 1)] !== 0) throw new Error('unexpected PNG filter');
      return raw[y * (width + 1) + 1 + x]!;
    },
  };
}

export interface DecodedQr {
  version: number;
  mask: number;
  /** Module size in pixels and the quiet zone left of the symbol, in modules. */
  scale: number;
  quietModules: number;
  modules: boolean[][];
  versionInfo?: number;
  blocks: number[][];
  payload: Buffer;
}

/** Reads the modules back from the image, checks the format information, unmasks, de-interleaves and reads byte mode. */
export function decodeQrPng(png: Buffer): DecodedQr {
  const image = readGreyPng(png);
  const dark = (x: number, y: number) => image.pixel(x, y) < 128;
  let top = -1;
  let left = image.width;
  for (let y = 0; y < image.height && top < 0; y++)
    for (let x = 0; x < image.width; x++)
      if (dark(x, y)) {
        top = y;
        left = x;
        break;
      }
  let finderWidth = 0;
  while (dark(left + finderWidth, top)) finderWidth++;
  const scale = finderWidth / 7;
  let right = image.width - 1;
  while (!dark(right, top)) right--;
  const size = (right - left + 1) / scale;
  const version = (size - 17) / 4;
  if (!Number.isInteger(scale) || !Number.isInteger(version)) throw new Error('not a QR symbol');
  const modules = Array.from({ length: size }, (_, r) =>
    Array.from({ length: size }, (_, c) =>
      dark(left + c * scale + Math.floor(scale / 2), top + r * scale + Math.floor(scale / 2)),
    ),
  );
  const at = (r: number, c: number) => (modules[r]![c]! ? 1 : 0);

  // Format information, first copy: bits 14…0 along row 8 then up column 8, skipping the timing modules.
  const formatCells: [number, number][] = [
    [8, 0],
    [8, 1],
    [8, 2],
    [8, 3],
    [8, 4],
    [8, 5],
    [8, 7],
    [8, 8],
    [7, 8],
    [5, 8],
    [4, 8],
    [3, 8],
    [2, 8],
    [1, 8],
    [0, 8],
  ];
  const format = formatCells.reduce((acc, [r, c]) => (acc << 1) | at(r, c), 0);
  const secondCells: [number, number][] = [
    ...Array.from({ length: 7 }, (_, i): [number, number] => [size - 1 - i, 8]),
    ...Array.from({ length: 8 }, (_, i): [number, number] => [8, size - 8 + i]),
  ];
  const second = secondCells.reduce((acc, [r, c]) => (acc << 1) | at(r, c), 0);
  const mask = FORMAT_M.indexOf(format);
  if (mask < 0 || second !== format)
    throw new Error(`format information ${format.toString(2)} is not level M`);

  let versionInfo: number | undefined;
  if (version >= 7) {
    // Top-right block: bit k at row floor(k/3), column size − 11 + k mod 3, bit 0 the least significant.
    versionInfo = 0;
    for (let k = 17; k >= 0; k--)
      versionInfo = (versionInfo << 1) | at(Math.floor(k / 3), size - 11 + (k % 3));
  }

  // Which modules carry data: everything but finders, separators, format areas, timing, alignment, version.
  const isFunction = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const mark = (r0: number, c0: number, h: number, w: number) => {
    for (let r = r0; r < r0 + h; r++) for (let c = c0; c < c0 + w; c++) isFunction[r]![c] = true;
  };
  mark(0, 0, 9, 9);
  mark(0, size - 8, 9, 8);
  mark(size - 8, 0, 8, 9);
  mark(6, 0, 1, size);
  mark(0, 6, size, 1);
  const centres = ALIGNMENT_TABLE[version]!;
  const last = centres.length - 1;
  centres.forEach((r, i) =>
    centres.forEach((c, j) => {
      // None where a finder pattern sits (the other corners).
      if ((i === 0 && (j === 0 || j === last)) || (i === last && j === 0)) return;
      mark(r - 2, c - 2, 5, 5);
    }),
  );
  if (version >= 7) {
    mark(0, size - 11, 6, 3);
    mark(size - 11, 0, 3, 6);
  }

  // Codeword bits: two-column strips from the right, the direction turning at each edge, column 6 skipped.
  const bits: number[] = [];
  let upward = true;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (let k = 0; k < size; k++) {
      const r = upward ? size - 1 - k : k;
      for (const c of [col, col - 1])
        if (!isFunction[r]![c]) bits.push(at(r, c) ^ (MASK_CONDITIONS[mask]!(r, c) ? 1 : 0));
    }
    upward = !upward;
  }
  const codewords: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8)
    codewords.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));

  const { blocks: blockCount, ecPerBlock } = BLOCKS_M[version] ?? { blocks: 0, ecPerBlock: 0 };
  if (blockCount === 0) throw new Error(`no block table for version ${version} in the test`);
  const dataTotal = codewords.length - blockCount * ecPerBlock;
  const shortData = Math.floor(dataTotal / blockCount);
  const longCount = dataTotal % blockCount;
  const blocks: number[][] = Array.from({ length: blockCount }, () => []);
  let next = 0;
  for (let i = 0; i < shortData + 1; i++)
    for (let b = 0; b < blockCount; b++) {
      const length = shortData + (b >= blockCount - longCount ? 1 : 0);
      if (i < length) blocks[b]!.push(codewords[next++]!);
    }
  for (let i = 0; i < ecPerBlock; i++)
    for (let b = 0; b < blockCount; b++) blocks[b]!.push(codewords[next++]!);

  const data = blocks.flatMap((block) => block.slice(0, block.length - ecPerBlock));
  const stream = data.flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> (7 - i)) & 1));
  const read = (from: number, length: number) =>
    stream.slice(from, from + length).reduce((a, b) => (a << 1) | b, 0);
  if (read(0, 4) !== 0b0100) throw new Error('not byte mode');
  const countBits = version <= 9 ? 8 : 16;
  const count = read(4, countBits);
  const payload = Buffer.from(Array.from({ length: count }, (_, i) => read(4 + countBits + 8 * i, 8)));
  return {
    version,
    mask,
    scale,
    quietModules: left / scale,
    modules,
    ...(versionInfo === undefined ? {} : { versionInfo }),
    blocks,
    payload,
  };
}
