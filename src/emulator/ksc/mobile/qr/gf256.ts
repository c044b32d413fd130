/**
 * Arithmetic in GF(2^8) with the QR code's primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and generator
 * α = 2 (ISO/IEC 18004, 7.5.2), through exponent and logarithm tables.
 */

const PRIMITIVE = 0x11d;

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= PRIMITIVE;
  }
  // Doubled so a product's exponent sum never needs reducing modulo 255.
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

/** α^n. */
export function gfPow(n: number): number {
  return EXP[n % 255]!;
}

export function gfMultiply(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}
