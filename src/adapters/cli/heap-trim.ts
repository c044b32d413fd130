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

/** The old generation's growth V8 lets through after a collection, in % of its live set (`serve`, `intake run`). */
export const HEAP_GROWTH_PERCENT = 20;

/**
 * Keeps a long-running process's heap near its live set. `kconnect serve` under bursts (B5/R10): with 1000 requests
 * open, each waits long enough for its short-lived state to be promoted to the old generation, and V8 lets that
 * garbage pile up to 120+ MB before its first mark-compact although the live set stays near 50 MB (a heap snapshot
 * mid-burst, decisions/0069). `kconnect intake run` while pages stream through (B4): a live set near 20 MB, a heap
 * of 125 MB. V8 sets its next collection's trigger from the live set after each collection, times a growing factor
 * it picks itself (1.1–4); this fixes the factor at 1 + `percent` / 100, so the collector's own incremental,
 * concurrent marking starts earlier — pauses of a few ms — instead of the full stop-the-world collections a timer
 * would ask for (decision 0081). V8 reads the factor at every collection, so unlike the young generation's size it
 * takes effect when set from inside the process. For the processes that own their heap (the CLI's `serve` and
 * `intake run`), never for a library user's process.
 */
export function limitHeapGrowth(percent: number = HEAP_GROWTH_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
