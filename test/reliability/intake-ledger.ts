/** The intake end of the reliability scenarios: `ksc.events` → raw → file sink, and a ledger by event key. */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { runPipeline } from '../../src/intake/runner.ts';
import { FileSink } from '../../src/intake/sinks/file/index.ts';
import { KscEventsSource, kscEventsOptions } from '../../src/intake/sources/ksc-events.ts';
import type { PipelineStatus } from '../../src/intake/status.ts';
import type { Mapping } from '../../src/intake/types.ts';
import type { KscClient } from '../../src/ksc/client/client.ts';

const keyOnly: Mapping = { name: 'raw', map: (record) => [{ key: record.key, kind: record.kind }] };

/** Runs the pipeline once to the head through `client`, retrying transient errors (fast). */
export async function runIntakeOnce(
  client: KscClient,
  dir: string,
  store: CheckpointStore,
  extra: { readonly maxAttempts?: number; readonly sleep?: (ms: number) => Promise<void> } = {},
): Promise<PipelineStatus> {
  return runPipeline({
    name: 'reliability',
    source: new KscEventsSource(
      client,
      kscEventsOptions.parse({ type: 'ksc.events', connection: 'lab', start: 'start', pageSize: 100 }),
    ),
    mapping: keyOnly,
    sink: new FileSink({ path: path.join(dir, 'events.ndjson') }),
    checkpoints: store,
    batchSize: 100,
    once: true,
    retry: { maxAttempts: extra.maxAttempts ?? 50, baseMs: 5, capMs: 50 },
    sleep: (ms) => (extra.sleep ?? ((t: number) => new Promise((r) => setTimeout(r, Math.min(t, 50)))))(ms),
  });
}

/** Keys delivered to the file sink, and how many were delivered more than once. */
export function ledger(dir: string): { keys: Set<string>; lines: number; duplicates: number } {
  const file = path.join(dir, 'events.ndjson');
  const lines = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
  const keys = new Set<string>();
  let duplicates = 0;
  for (const line of lines) {
    const key = (JSON.parse(line) as { key: string }).key;
    if (keys.has(key)) duplicates++;
    keys.add(key);
  }
  return { keys, lines: lines.length, duplicates };
}
