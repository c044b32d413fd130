/**
 * How the soak (R21) tells a leak from a garbage collector's saw-tooth (decision 0071). A Node process's RSS
 * rises as V8 lets the old generation fill up to its limit, then falls at a full GC: a saw-tooth of ~150 MB with
 * a period of 30–100 s at the soak's rate. A least-squares line through RSS over a few minutes measures where
 * the teeth happen to cut the window, not growth (+764 MB/h in one 2-minute run, −1,490 MB/h in a 4-minute one,
 * with the same flat live heap). What a leak grows is the memory still retained after a full GC, which V8
 * reports itself with `--trace-gc`; its slope, with the interval the run's length allows, is the figure.
 */

/** One full (mark-compact) GC: when, in hours since the start, and the heap it left, in MB. */
export interface FullGc {
  readonly atHours: number;
  readonly liveMb: number;
}

// `[pid:0x…]   79058 ms: Mark-Compact (reduce) 190.9 (216.8) -> 47.4 (117.9) MB, …`
const MARK_COMPACT = /\s(\d+) ms: Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) /;

/** The full GC a `--trace-gc` line reports (its time is the process's uptime), or undefined for any other line. */
export function parseFullGc(
  line: string,
): { readonly uptimeMs: number; readonly liveMb: number } | undefined {
  const match = MARK_COMPACT.exec(line);
  if (match === null) return undefined;
  return { uptimeMs: Number(match[1]), liveMb: Number(match[2]) };
}

/** A least-squares slope and the half-width of its 95 % confidence interval (same unit). */
export interface Trend {
  readonly slope: number;
  readonly halfWidth95: number;
  readonly points: number;
}

// Student's t at 97.5 % for 1–30 degrees of freedom; beyond, the normal's 1.96 is within 3 %.
const T_975 = [
  12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Least-squares slope of y over x with its 95 % interval; fewer than 3 points give an infinite interval. */
export function trend(points: readonly (readonly [number, number])[]): Trend {
  const n = points.length;
  if (n < 2) return { slope: 0, halfWidth95: Infinity, points: n };
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  if (sxx === 0) return { slope: 0, halfWidth95: Infinity, points: n };
  const slope = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
  if (n < 3) return { slope, halfWidth95: Infinity, points: n };
  const intercept = my - slope * mx;
  const residuals = points.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0);
  const standardError = Math.sqrt(residuals / (n - 2) / sxx);
  const t = T_975[n - 3] ?? 1.96;
  return { slope, halfWidth95: t * standardError, points: n };
}

/**
 * Whether a run shows growth of at least `limit` per unit: only when the whole 95 % interval lies at or above
 * it. A short run cannot prove a slope below 1 MB/h (its interval is wider than that); it can show that
 * whatever grows, grows too slowly to stand out of the noise, and the figure says how wide the interval was.
 */
export function growsAtLeast(t: Trend, limit: number): boolean {
  return t.slope - t.halfWidth95 >= limit;
}
