import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FaultSettings {
  /** Added to every API call before it runs (ms). */
  readonly latencyMs?: number | undefined;
  /** Share of API calls (0–1) whose TCP connection is reset before they run. */
  readonly resetRate?: number | undefined;
  /** Seed of the reset lottery, so a test sees the same sequence every run. */
  readonly seed?: number | undefined;
}

/** A small seeded generator: fault sequences must be repeatable. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Faults the control API can switch on: latency and connection resets. A reset destroys the socket before the
 * call runs, so the call has no effect and a client may safely retry a read.
 */
export class FaultInjector {
  private settings: FaultSettings = {};
  private random: () => number = mulberry32(1);
  readonly counters = { calls: 0, resets: 0 };

  configure(settings: FaultSettings): void {
    const rate = settings.resetRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError('resetRate must be between 0 and 1');
    if (settings.latencyMs !== undefined && !(settings.latencyMs >= 0))
      throw new RangeError('latencyMs must be ≥ 0');
    this.settings = { ...settings };
    this.random = mulberry32(settings.seed ?? 1);
  }

  clear(): void {
    this.settings = {};
  }

  current(): FaultSettings {
    return { ...this.settings };
  }

  async before(socket: Socket | undefined): Promise<'continue' | 'reset'> {
    this.counters.calls++;
    const { latencyMs = 0, resetRate = 0 } = this.settings;
    if (latencyMs > 0) await sleep(latencyMs);
    if (resetRate > 0 && socket !== undefined && this.random() < resetRate) {
      this.counters.resets++;
      socket.resetAndDestroy();
      return 'reset';
    }
    return 'continue';
  }
}
