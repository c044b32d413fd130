/**
 * Symbol versions 1–40 at error correction level M (ISO/IEC 18004, Table 9): the emulator draws every code at M,
 * the level the standard recommends for general use; the reference names no level.
 */

export const MIN_VERSION = 1;
export const MAX_VERSION = 40;

/** Error correction codewords per block at level M, by version (index 0 unused). */
const EC_CODEWORDS_PER_BLOCK = [
  0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
] as const;

/** Error correction blocks at level M, by version (index 0 unused). */
const EC_BLOCKS = [
  0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
  31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
] as const;

export function symbolSize(version: number): number {
  return 4 * version + 17;
}

/** Centre coordinates of the alignment patterns along either axis (Annex E): the first is 6, the last size − 7. */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  // Even steps, as equal as possible, the odd remainder taken by the first gap (which is why version 32's is 26).
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const positions = [6];
  for (let position = symbolSize(version) - 7; positions.length < count; position -= step)
    positions.splice(1, 0, position);
  return positions;
}

/** Modules left for codewords once the function patterns, format and version information are placed. */
function dataModules(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const count = Math.floor(version / 7) + 2;
    modules -= (25 * count - 10) * count - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
}

export interface BlockLayout {
  /** Every codeword of the symbol, data and error correction. */
  readonly totalCodewords: number;
  readonly blocks: number;
  readonly ecPerBlock: number;
  /** Data codewords of the symbol. */
  readonly dataCodewords: number;
}

export function blockLayout(version: number): BlockLayout {
  const totalCodewords = Math.floor(dataModules(version) / 8);
  const blocks = EC_BLOCKS[version]!;
  const ecPerBlock = EC_CODEWORDS_PER_BLOCK[version]!;
  return { totalCodewords, blocks, ecPerBlock, dataCodewords: totalCodewords - blocks * ecPerBlock };
}

/** Bits of the character count indicator in byte mode (Table 3). */
export function byteCountBits(version: number): number {
  return version <= 9 ? 8 : 16;
}
