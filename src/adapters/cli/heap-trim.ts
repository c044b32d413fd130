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
