import { gfMultiply, gfPow } from './gf256.ts';

/**
 * The generator polynomial of `degree` error correction codewords, (x − α^0)(x − α^1)…(x − α^(degree−1)), as its
 * coefficients from the highest power down, the leading 1 left out (ISO/IEC 18004, 7.5.2 and Annex A).
 */
export function generatorPolynomial(degree: number): Uint8Array {
  const coefficients = new Uint8Array(degree);
  coefficients[degree - 1] = 1; // Starts as the constant 1, stored at the low end.
  let root = 1;
  for (let i = 0; i < degree; i++) {
    // Multiply by (x − root); subtraction is addition in GF(2^8).
    for (let j = 0; j < degree; j++) {
      coefficients[j] = gfMultiply(coefficients[j]!, root);
      if (j + 1 < degree) coefficients[j] = coefficients[j]! ^ coefficients[j + 1]!;
    }
    root = gfMultiply(root, gfPow(1));
  }
  return coefficients;
}

/** The error correction codewords of `data`: the remainder of data(x)·x^degree divided by the generator. */
export function errorCorrectionCodewords(data: Uint8Array, degree: number): Uint8Array {
  const generator = generatorPolynomial(degree);
  const remainder = new Uint8Array(degree);
  for (const byte of data) {
    const factor = byte ^ remainder[0]!;
    remainder.copyWithin(0, 1);
    remainder[degree - 1] = 0;
    for (let i = 0; i < degree; i++) remainder[i] = remainder[i]! ^ gfMultiply(generator[i]!, factor);
  }
  return remainder;
}
