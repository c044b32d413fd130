import { dataCodewords, interleavedCodewords, smallestVersion } from './codewords.ts';
import { bestMasked } from './mask.ts';
import { functionPatterns, placeCodewords } from './matrix.ts';

export interface QrSymbol {
  readonly version: number;
  readonly mask: number;
  readonly size: number;
  /** Row by row, 1 for a dark module. */
  readonly modules: Uint8Array;
}

/**
 * `bytes` as a QR code symbol (ISO/IEC 18004): byte mode, level M, the smallest version that holds them, the mask
 * of lowest penalty. Throws {@link QrCapacityError} past version 40's 2331 bytes.
 */
export function encodeQr(bytes: Uint8Array): QrSymbol {
  const version = smallestVersion(bytes.length);
  const grid = functionPatterns(version);
  placeCodewords(grid, interleavedCodewords(dataCodewords(bytes, version), version));
  const { grid: final, mask } = bestMasked(grid);
  return { version, mask, size: final.size, modules: final.dark };
}
