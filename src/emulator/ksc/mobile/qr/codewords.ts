import { errorCorrectionCodewords } from './reed-solomon.ts';
import { blockLayout, byteCountBits, MAX_VERSION, MIN_VERSION } from './versions.ts';

/** The input does not fit a version-40 symbol at level M (2331 bytes in byte mode). */
export class QrCapacityError extends Error {
  constructor(readonly byteLength: number) {
    super(`${byteLength} bytes do not fit a QR code of version ${MAX_VERSION} at level M`);
    this.name = 'QrCapacityError';
  }
}

/** Bits needed for `bytes` in byte mode: mode indicator, count, data. */
function bitsNeeded(byteLength: number, version: number): number {
  return 4 + byteCountBits(version) + 8 * byteLength;
}

/** The smallest version whose data capacity at level M holds `byteLength` bytes in byte mode. */
export function smallestVersion(byteLength: number): number {
  for (let version = MIN_VERSION; version <= MAX_VERSION; version++) {
    const capacity = blockLayout(version).dataCodewords * 8;
    if (bitsNeeded(byteLength, version) <= capacity && byteLength < 2 ** byteCountBits(version))
      return version;
  }
  throw new QrCapacityError(byteLength);
}

class BitWriter {
  readonly bits: number[] = [];
  put(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
}

/** The data codewords (8.4): byte mode 0100, the count, the bytes, terminator, padding to whole codewords, 0xEC 0x11. */
export function dataCodewords(bytes: Uint8Array, version: number): Uint8Array {
  const capacity = blockLayout(version).dataCodewords;
  const writer = new BitWriter();
  writer.put(0b0100, 4);
  writer.put(bytes.length, byteCountBits(version));
  for (const byte of bytes) writer.put(byte, 8);
  writer.put(0, Math.min(4, capacity * 8 - writer.bits.length));
  writer.put(0, (8 - (writer.bits.length % 8)) % 8);
  const codewords = new Uint8Array(capacity);
  for (let i = 0; i < writer.bits.length; i++)
    codewords[i >>> 3] = codewords[i >>> 3]! | (writer.bits[i]! << (7 - (i & 7)));
  for (let i = writer.bits.length / 8, pad = 0xec; i < capacity; i++, pad ^= 0xec ^ 0x11) codewords[i] = pad;
  return codewords;
}

/**
 * The final message (8.6): the data split into blocks (the short blocks first, the long ones one codeword longer),
 * each given its error correction codewords, then read column by column — data first, error correction after.
 */
export function interleavedCodewords(data: Uint8Array, version: number): Uint8Array {
  const { totalCodewords, blocks, ecPerBlock } = blockLayout(version);
  const longBlocks = totalCodewords % blocks;
  const shortDataLength = Math.floor(totalCodewords / blocks) - ecPerBlock;
  const dataBlocks: Uint8Array[] = [];
  const ecBlocks: Uint8Array[] = [];
  for (let b = 0, offset = 0; b < blocks; b++) {
    const length = shortDataLength + (b >= blocks - longBlocks ? 1 : 0);
    const block = data.subarray(offset, offset + length);
    offset += length;
    dataBlocks.push(block);
    ecBlocks.push(errorCorrectionCodewords(block, ecPerBlock));
  }
  const message: number[] = [];
  for (let i = 0; i <= shortDataLength; i++)
    for (const block of dataBlocks) if (i < block.length) message.push(block[i]!);
  for (let i = 0; i < ecPerBlock; i++) for (const block of ecBlocks) message.push(block[i]!);
  return Uint8Array.from(message);
}
