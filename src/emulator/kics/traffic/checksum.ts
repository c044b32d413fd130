/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words.
 * IPv4 headers carry it over the header; TCP over a pseudo-header (addresses, protocol, length) and the segment.
 */

/** Adds the 16-bit big-endian words of `data[start, end)` to `sum` (an odd last byte is padded with zero). */
export function addWords(sum: number, data: Uint8Array, start = 0, end = data.length): number {
  let total = sum;
  let i = start;
  for (; i + 1 < end; i += 2) total += ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
  if (i < end) total += (data[i] ?? 0) << 8;
  return total;
}

/** Folds the carries of a running sum into 16 bits and complements it. */
export function finishChecksum(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return ~folded & 0xffff;
}

/** The Internet checksum of `data[start, end)`. */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length): number {
  return finishChecksum(addWords(0, data, start, end));
}
