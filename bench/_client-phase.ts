/**
 * What the client benchmarks measure of one read through a client's iterator, and how they print it: time, CPU of
 * both processes and peak memory, sampled while the records stream by and none is kept.
 */
import os from 'node:os';
import { cpuSeconds } from './_emulator-process.ts';

const SAMPLE_MS = 50;
export const MB = 1024 * 1024;

export interface PhaseResult {
  readonly count: number;
  readonly seconds: number;
  readonly clientCpu: number;
  readonly emulatorCpu: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
  /** Memory outside the JS heap that V8 knows of (the HTTP layer's buffers): part of the RSS beyond the heap. */
  readonly peakExternalMb: number;
}

/**
 * Iterates `records` to the end, keeping none, sampling memory on a timer; `onRecord` sees each record with its
 * 1-based position (to check it was decoded, or take a heap figure at a mark). The iterators await the network
 * between pages, so the timer gets its turns; a sample at the end catches a peak that fell after the last tick.
 */
export async function measurePhase<T>(
  records: AsyncIterable<T>,
  emulatorPid: number,
  onRecord: (record: T, count: number) => void,
): Promise<PhaseResult> {
  let peakRss = 0;
  let peakHeap = 0;
  let peakExternal = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakExternal = Math.max(peakExternal, usage.external);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const emulatorCpuBefore = cpuSeconds(emulatorPid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  try {
    for await (const record of records) onRecord(record, ++count);
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  sample();
  return {
    count,
    seconds,
    clientCpu: (cpu.user + cpu.system) / 1e6,
    emulatorCpu: cpuSeconds(emulatorPid) - emulatorCpuBefore,
    peakRssMb: peakRss / MB,
    peakHeapMb: peakHeap / MB,
    peakExternalMb: peakExternal / MB,
  };
}

/** Heap in use once garbage is gone: what the client actually holds at this point. Needs `--expose-gc`. */
export function settledHeapMb(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run with --expose-gc (npm run bench does)');
  gc();
  return process.memoryUsage().heapUsed / MB;
}

/**
 * The heap after a full GC when the read reaches 10 % and 50 % of `total` records (while the iterator holds its
 * current page, as it would in real use); `done` adds the figure at 100 %.
 */
export function heapMarks(total: number): {
  readonly onRecord: (count: number) => void;
  readonly done: () => ReadonlyMap<string, number>;
} {
  const marks = new Map([
    [Math.max(1, Math.round(total * 0.1)), '10 %'],
    [Math.max(1, Math.round(total * 0.5)), '50 %'],
  ]);
  const heapAtMark = new Map<string, number>();
  return {
    onRecord: (count) => {
      const mark = marks.get(count);
      if (mark !== undefined) heapAtMark.set(mark, settledHeapMb());
    },
    done: () => heapAtMark.set('100 %', settledHeapMb()),
  };
}

export const line = (name: string, value: string, note = ''): void =>
  console.log(`${name.padEnd(58)} ${value.padStart(16)}   ${note}`.trimEnd());
const rate = (n: number, seconds: number): string => `${Math.round(n / seconds).toLocaleString('en-US')} /s`;
export const mb = (value: number): string => `${value.toFixed(1)} MB`;

/** Prints a phase: records and rate, CPU of both sides, and the sampled peaks. */
export function reportPhase(name: string, what: string, result: PhaseResult): void {
  line(
    `${name}: ${result.count} ${what}`,
    `${result.seconds.toFixed(2)} s`,
    rate(result.count, result.seconds),
  );
  line(
    '  CPU: client / emulator',
    `${result.clientCpu.toFixed(1)} / ${result.emulatorCpu.toFixed(1)} s`,
    `${os.cpus().length} cores shared`,
  );
  line('  peak RSS (sampled every 50 ms)', mb(result.peakRssMb));
  line('  peak heapUsed (sampled)', mb(result.peakHeapMb));
  line('  peak external (sampled)', mb(result.peakExternalMb));
}
