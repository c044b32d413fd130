import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap growth above the last collection's live set that is let through before collecting. */
const SLACK_BYTES = 24 * 1024 * 1024;
/** Records between two looks at the heap: a look costs microseconds, a page of KSC records is 1000. */
const CHECK_EVERY = 250;

/**
 * Keeps a streaming CLI process's heap near its live set. V8 sizes the old generation for long-lived servers:
 * a stream of pages whose garbage (each page's response text, its decoded records) reaches the old generation
 * lets the heap grow to 100+ MB of dead pages before it compacts, although the live set stays near 20 MB. A
 * one-shot process whose memory is the point (issue 15: flat memory at any size) asks for a full collection
 * instead whenever the heap has grown by {@link SLACK_BYTES} since the last one — a few milliseconds for a
 * small live set. The collector is reached the way `--expose-gc` would expose it, for this process only;
 * where that is refused, nothing is trimmed and the stream goes on.
 */
export function heapTrimmer(): () => void {
  const collect = exposedGc();
  if (collect === undefined) return () => undefined;
  let seen = 0;
  let floor = getHeapStatistics().used_heap_size;
  return () => {
    if (++seen % CHECK_EVERY !== 0) return;
    if (getHeapStatistics().used_heap_size < floor + SLACK_BYTES) return;
    collect();
    floor = getHeapStatistics().used_heap_size;
  };
}

function exposedGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

export interface HeapPacerOptions {
  /** Heap growth above the last collection's live set let through before collecting. Default 32 MB. */
  readonly slackBytes?: number;
  /** Time between two looks at the heap (ms). Default 100. */
  readonly checkEveryMs?: number;
  /** The shortest time between two collections this asks for (ms), whatever the growth. Default 1000. */
  readonly minGapMs?: number;
}

export interface HeapPacer {
  /** Collections asked for so far. */
  readonly collections: () => number;
  stop(): void;
}

/**
 * Keeps a long-running server's heap near its live set under bursts (`kconnect serve`, B5/R10). With 1000 requests
 * open, each waits long enough for its short-lived state to be promoted to the old generation, and V8 lets that
 * garbage pile up to 120+ MB before its first mark-compact although the live set stays near 50 MB (a heap snapshot
 * mid-burst, decisions/0069): the peak RSS is V8's pacing, not what the requests hold. The V8 option that helps
 * (`--max-semi-space-size`) is read once when the heap is made, so it cannot be set from inside the process. This
 * looks at the heap on a timer and asks for a full collection when it has grown by `slackBytes` since the last
 * one, at most once per `minGapMs`; an idle or steady server grows nothing and is never collected. For the
 * process that owns the heap (the CLI's `serve`), never for a library user's process.
 */
export function heapPacer(options: HeapPacerOptions = {}): HeapPacer {
  const { slackBytes = 32 * 1024 * 1024, checkEveryMs = 100, minGapMs = 1000 } = options;
  const collect = exposedGc();
  let collections = 0;
  if (collect === undefined) return { collections: () => collections, stop: () => undefined };
  let floor = getHeapStatistics().used_heap_size;
  let last = -Infinity;
  const timer = setInterval(() => {
    if (getHeapStatistics().used_heap_size < floor + slackBytes) return;
    const now = performance.now();
    if (now - last < minGapMs) return;
    collect();
    collections++;
    last = performance.now();
    floor = getHeapStatistics().used_heap_size;
  }, checkEveryMs);
  // Never the reason a process stays up.
  timer.unref();
  return { collections: () => collections, stop: () => clearInterval(timer) };
}
