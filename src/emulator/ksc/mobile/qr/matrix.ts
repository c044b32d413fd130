import { alignmentPositions, symbolSize } from './versions.ts';

/** A square of modules, row by row; `dark` 1 is a dark module, `reserved` 1 a function module. */
export interface ModuleGrid {
  readonly size: number;
  readonly dark: Uint8Array;
  readonly reserved: Uint8Array;
}

function setFunction(grid: ModuleGrid, row: number, col: number, dark: boolean): void {
  grid.dark[row * grid.size + col] = dark ? 1 : 0;
  grid.reserved[row * grid.size + col] = 1;
}

/** A finder pattern (7 × 7) centred at (row, col), with its light separator where it lies inside the symbol. */
function drawFinder(grid: ModuleGrid, row: number, col: number): void {
  for (let dr = -4; dr <= 4; dr++)
    for (let dc = -4; dc <= 4; dc++) {
      const r = row + dr;
      const c = col + dc;
      if (r < 0 || r >= grid.size || c < 0 || c >= grid.size) continue;
      const ring = Math.max(Math.abs(dr), Math.abs(dc));
      setFunction(grid, r, c, ring !== 2 && ring !== 4);
    }
}

function drawAlignment(grid: ModuleGrid, row: number, col: number): void {
  for (let dr = -2; dr <= 2; dr++)
    for (let dc = -2; dc <= 2; dc++)
      setFunction(grid, row + dr, col + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
}

/** The 15 format bits of level M and `mask` (7.9): BCH(15,5) with generator 0x537, XORed with 0x5412. */
export function formatBits(mask: number): number {
  const data = (0b00 << 3) | mask; // Level M is 00.
  let remainder = data;
  for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | remainder) ^ 0x5412;
}

/** The 18 version bits (7.10): BCH(18,6) with generator 0x1F25. */
export function versionBits(version: number): number {
  let remainder = version;
  for (let i = 0; i < 12; i++) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  return (version << 12) | remainder;
}

const bit = (value: number, index: number) => ((value >>> index) & 1) === 1;

/** Both copies of the format information (Figure 25); bit 0 is the least significant. */
export function drawFormat(grid: ModuleGrid, mask: number): void {
  const bits = formatBits(mask);
  const size = grid.size;
  // Around the top-left finder: bits 0–7 down column 8 (skipping the timing row), bits 8–14 leftwards along row 8.
  for (let i = 0; i <= 5; i++) setFunction(grid, i, 8, bit(bits, i));
  setFunction(grid, 7, 8, bit(bits, 6));
  setFunction(grid, 8, 8, bit(bits, 7));
  setFunction(grid, 8, 7, bit(bits, 8));
  for (let i = 9; i < 15; i++) setFunction(grid, 8, 14 - i, bit(bits, i));
  // The second copy: bits 0–7 along row 8 from the right edge, bits 8–14 up column 8 from the bottom.
  for (let i = 0; i < 8; i++) setFunction(grid, 8, size - 1 - i, bit(bits, i));
  for (let i = 8; i < 15; i++) setFunction(grid, size - 15 + i, 8, bit(bits, i));
  setFunction(grid, size - 8, 8, true); // The dark module.
}

/** An empty grid of `version` with every function pattern, the format area reserved (drawn for mask 0). */
export function functionPatterns(version: number): ModuleGrid {
  const size = symbolSize(version);
  const grid: ModuleGrid = { size, dark: new Uint8Array(size * size), reserved: new Uint8Array(size * size) };
  for (let i = 0; i < size; i++) {
    setFunction(grid, 6, i, i % 2 === 0);
    setFunction(grid, i, 6, i % 2 === 0);
  }
  drawFinder(grid, 3, 3);
  drawFinder(grid, 3, size - 4);
  drawFinder(grid, size - 4, 3);
  const positions = alignmentPositions(version);
  const last = positions.length - 1;
  for (let i = 0; i <= last; i++)
    for (let j = 0; j <= last; j++) {
      // The three corners a finder pattern occupies get none.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
      drawAlignment(grid, positions[i]!, positions[j]!);
    }
  drawFormat(grid, 0);
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      setFunction(grid, b, a, bit(bits, i)); // Left of the top-right finder…
      setFunction(grid, a, b, bit(bits, i)); // …and, transposed, above the bottom-left one.
    }
  }
  return grid;
}

/**
 * The order codeword bits fill the free modules (7.7.3): two-module columns from the right edge, alternately
 * upwards and downwards, skipping the vertical timing column. Yields module indexes.
 */
export function* placementOrder(grid: ModuleGrid): Generator<number> {
  const size = grid.size;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (let j = 0; j < 2; j++) {
        const index = row * size + right - j;
        if (grid.reserved[index] === 0) yield index;
      }
    }
  }
}

/** Places the codewords, most significant bit first; modules beyond them (remainder bits) stay light. */
export function placeCodewords(grid: ModuleGrid, codewords: Uint8Array): void {
  let i = 0;
  for (const index of placementOrder(grid)) {
    if (i >= codewords.length * 8) break;
    grid.dark[index] = (codewords[i >>> 3]! >>> (7 - (i & 7))) & 1;
    i++;
  }
}
