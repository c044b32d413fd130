import type { Random } from '../../core/random.ts';

/**
 * Rise times for a known number of events, produced in ascending order one at a time, so a million events
 * stream without ever being held or sorted.
 *
 * Uniform order statistics are drawn sequentially from the top (the largest of n uniforms is U^(1/n), the next
 * is that times U^(1/(n-1)), …); one minus them ascends. Each ascending value is then mapped through the
 * cumulative intensity of hourly buckets, busier during office hours (UTC) and quieter at weekends, which keeps
 * the order because the mapping is monotone.
 */

const HOUR_MS = 3_600_000;

export class EventTimeline {
  private remaining: number;
  private descending = 1;
  private bucket = 0;
  private readonly cumulative: Float64Array;
  private readonly start: number;
  private readonly end: number;

  /**
   * @param count how many times {@link next} will be called.
   * @param start window start, epoch ms (whole second).
   * @param end window end, epoch ms (whole second).
   */
  constructor(
    private readonly rng: Random,
    count: number,
    start: number,
    end: number,
  ) {
    this.remaining = count;
    this.start = start;
    this.end = end;
    const buckets = Math.max(1, Math.ceil((end - start) / HOUR_MS));
    const weights = new Float64Array(buckets);
    let total = 0;
    for (let b = 0; b < buckets; b++) {
      const at = new Date(start + b * HOUR_MS);
      const hour = at.getUTCHours();
      const day = at.getUTCDay();
      const office = hour >= 7 && hour < 19 ? 3 : 0.8;
      const weekend = day === 0 || day === 6 ? 0.4 : 1;
      const width = Math.min(HOUR_MS, end - (start + b * HOUR_MS)) / HOUR_MS;
      const weight = office * weekend * width * rng.between(0.8, 1.2);
      weights[b] = weight;
      total += weight;
    }
    this.cumulative = new Float64Array(buckets + 1);
    let sum = 0;
    for (let b = 0; b < buckets; b++) {
      sum += weights[b] ?? 0;
      this.cumulative[b + 1] = total > 0 ? sum / total : (b + 1) / buckets;
    }
    this.cumulative[buckets] = 1;
  }

  /** The next rise time (epoch ms, whole second), never smaller than the previous one and within the window. */
  next(): number {
    if (this.remaining <= 0) return this.end;
    // 1 - float() is in (0, 1], so the power never collapses the sequence to zero.
    this.descending *= Math.pow(1 - this.rng.float(), 1 / this.remaining);
    this.remaining -= 1;
    const u = 1 - this.descending;
    const cumulative = this.cumulative;
    const last = cumulative.length - 2;
    while (this.bucket < last && (cumulative[this.bucket + 1] ?? 1) <= u) this.bucket += 1;
    const low = cumulative[this.bucket] ?? 0;
    const high = cumulative[this.bucket + 1] ?? 1;
    const within = high > low ? (u - low) / (high - low) : 0;
    const time = this.start + (this.bucket + Math.min(1, Math.max(0, within))) * HOUR_MS;
    return Math.min(this.end, Math.floor(time / 1000) * 1000);
  }
}
