import { drawFormat, type ModuleGrid } from './matrix.ts';

/** The eight data mask conditions (Table 10), with i the row and j the column: true inverts the module. */
const MASKS: readonly ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

export function maskApplies(mask: number, row: number, col: number): boolean {
  return MASKS[mask]!(row, col);
}

/** A copy of `grid` with `mask` applied to the data modules and its format information drawn. */
export function masked(grid: ModuleGrid, mask: number): ModuleGrid {
  const result: ModuleGrid = { size: grid.size, dark: grid.dark.slice(), reserved: grid.reserved };
  for (let row = 0; row < grid.size; row++)
    for (let col = 0; col < grid.size; col++) {
      const index = row * grid.size + col;
      if (grid.reserved[index] === 0 && maskApplies(mask, row, col))
        result.dark[index] = result.dark[index]! ^ 1;
    }
  drawFormat(result, mask);
  return result;
}

const FINDER_LIKE = [1, 0, 1, 1, 1, 0, 1];

/** Penalty of one line (a row or a column): runs of five or more (N1 = 3) and finder-like patterns (N3 = 40). */
function linePenalty(line: readonly number[]): number {
  let penalty = 0;
  for (let start = 0; start < line.length;) {
    let end = start;
    while (end < line.length && line[end] === line[start]) end++;
    if (end - start >= 5) penalty += 3 + (end - start - 5);
    start = end;
  }
  // 1:1:3:1:1 with four light modules on one side; the quiet zone beyond the symbol counts as light.
  const padded = [0, 0, 0, 0, ...line, 0, 0, 0, 0];
  for (let i = 0; i + 7 <= padded.length; i++) {
    if (!FINDER_LIKE.every((v, k) => padded[i + k] === v)) continue;
    const lightBefore = i >= 4 && [1, 2, 3, 4].every((k) => padded[i - k] === 0);
    const lightAfter = i + 11 <= padded.length && [0, 1, 2, 3].every((k) => padded[i + 7 + k] === 0);
    if (lightBefore || lightAfter) penalty += 40;
  }
  return penalty;
}

/** The evaluation of 7.8.3: the four penalty rules, lower is better. */
export function penalty(grid: ModuleGrid): number {
  const { size, dark } = grid;
  let total = 0;
  for (let r = 0; r < size; r++) {
    total += linePenalty(Array.from({ length: size }, (_, c) => dark[r * size + c]!));
    total += linePenalty(Array.from({ length: size }, (_, c) => dark[c * size + r]!));
  }
  for (let r = 0; r + 1 < size; r++)
    for (let c = 0; c + 1 < size; c++) {
      const v = dark[r * size + c];
      if (
        v === dark[r * size + c + 1] &&
        v === dark[(r + 1) * size + c] &&
        v === dark[(r + 1) * size + c + 1]
      )
        total += 3; // N2, each 2 × 2 block of one colour.
    }
  let darkCount = 0;
  for (const v of dark) darkCount += v;
  // N4 = 10 for each full 5 % the dark proportion departs from 50 %.
  total += 10 * Math.floor(Math.abs(darkCount * 100 - size * size * 50) / (size * size * 5));
  return total;
}

/** The mask with the lowest penalty (the first on ties), applied. */
export function bestMasked(grid: ModuleGrid): { grid: ModuleGrid; mask: number } {
  let best: { grid: ModuleGrid; mask: number; penalty: number } | undefined;
  for (let mask = 0; mask < MASKS.length; mask++) {
    const candidate = masked(grid, mask);
    const score = penalty(candidate);
    if (best === undefined || score < best.penalty) best = { grid: candidate, mask, penalty: score };
  }
  return { grid: best!.grid, mask: best!.mask };
}
