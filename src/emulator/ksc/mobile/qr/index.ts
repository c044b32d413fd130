/**
 * A QR code encoder of our own (no dependency may be added): byte mode, level M, versions 1–40, written as PNG.
 * `GenerateQRCode` draws its images with it; see decisions/0078.
 */
export { QrCapacityError } from './codewords.ts';
export { encodeQr, type QrSymbol } from './encode.ts';
export { QUIET_ZONE, symbolPng } from './png.ts';

import { encodeQr } from './encode.ts';
import { symbolPng } from './png.ts';

/** A `pixels` × `pixels` PNG of the QR code of `text`, encoded as UTF-8. */
export function qrCodePng(text: string, pixels: number): Uint8Array {
  return symbolPng(encodeQr(new TextEncoder().encode(text)), pixels);
}
