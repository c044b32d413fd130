import { parentPort, workerData } from 'node:worker_threads';
import { generateWorld } from '../world/index.ts';
import { eventRow, type EventRow, type EventRowsJob, type WorkerMessage } from './event-rows.ts';

/** Worker entry of {@link eventRowsFromWorker}: generates and encodes the event history, a batch at a time. */
async function run(port: NonNullable<typeof parentPort>, job: EventRowsJob): Promise<void> {
  let credit = job.ahead;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credit++;
    wake?.();
  });
  const send = (message: WorkerMessage): void => port.postMessage(message);
  let batch: EventRow[] = [];
  for (const event of generateWorld(job.world).events) {
    batch.push(eventRow(event));
    if (batch.length < job.batchSize) continue;
    while (credit === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    credit--;
    send({ rows: batch });
    batch = [];
  }
  if (batch.length > 0) send({ rows: batch });
  send({ done: true });
  port.close();
}

if (parentPort !== null) {
  const port = parentPort;
  run(port, workerData as EventRowsJob).catch((error: unknown) => {
    port.postMessage({
      error: error instanceof Error ? error.message : String(error),
    } satisfies WorkerMessage);
  });
}
