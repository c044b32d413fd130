import { Worker } from 'node:worker_threads';
import { stringifyParams } from '../../../ksc/codec.ts';
import type { EventRecord, WorldOptions } from '../world/model.ts';

/** Columns of the events table in the order {@link eventRow} fills them. */
export const EVENT_COLUMNS: readonly string[] = [
  'id',
  'vserver_id',
  'host_id',
  'rise_time',
  'event_type',
  'severity',
  'attrs',
];

export type EventRow = [number, number, string | null, number, string, number, string];

/** An event as a row of the events table; its attributes become the JSON of their wire form. */
export function eventRow(event: EventRecord): EventRow {
  return [
    event.id,
    event.vserverId,
    event.hostId,
    event.riseTime,
    event.eventType,
    event.severity,
    stringifyParams(event.attributes),
  ];
}

/** What the worker posts: a batch of rows, the end, or why it failed. */
export type WorkerMessage = { rows: EventRow[] } | { done: true } | { error: string };

/** What the worker is given. */
export interface EventRowsJob {
  readonly world: WorldOptions;
  readonly batchSize: number;
  /** Batches the worker may have posted ahead of the reader: bounds memory whatever the reader's speed. */
  readonly ahead: number;
}

/**
 * Run from the sources, the worker is a .ts file and needs tsx's loader, which a worker does not inherit from a
 * loader registered at run time (bin/kconnect.js, vitest): a bootstrap registers it first. From dist it is .js.
 */
function startWorker(job: EventRowsJob): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./event-rows-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData: job });
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}

/**
 * The rows of a world's generated event history, in batches, generated and encoded in a worker thread while the caller
 * stores them: on two cores generating and storing a million events then overlap instead of adding up. The
 * worker regenerates the world from the same options, so the rows equal those of generating in-process.
 */
export async function* eventRowsFromWorker(
  world: WorldOptions,
  batchSize = 4096,
): AsyncGenerator<EventRow[]> {
  const job: EventRowsJob = { world, batchSize, ahead: 4 };
  const worker = startWorker(job);
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`event generator worker exited with code ${code}`);
    wake?.();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (message === undefined) {
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if ('error' in message) throw new Error(`event generator worker: ${message.error}`);
      if ('done' in message) return;
      worker.postMessage('more');
      yield message.rows;
    }
  } finally {
    await worker.terminate();
  }
}
