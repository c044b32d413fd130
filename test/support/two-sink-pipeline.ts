/**
 * A `sinks:` pipeline for service tests: the KSC emulator's events, mapped to ECS, into a file (`archive`) and a
 * webhook (`siem`, with a dead-letter file) posting to a real {@link WebhookReceiver} in the test's process. The
 * receiver's {@link SiemSwitch} decides how it answers: down (503, the sink's writes are retried and the source is
 * held back for it), or up while refusing a few documents for good (400 until each stands alone: dead-lettered).
 */
import path from 'node:path';
import { DeadLetterFile } from '../../src/intake/dead-letter.ts';
import { createMapping } from '../../src/intake/mappings/index.ts';
import type { PipelineDefinition } from '../../src/intake/pipeline.ts';
import { FileSink } from '../../src/intake/sinks/file/index.ts';
import { WebhookSink } from '../../src/intake/sinks/webhook/index.ts';
import { createSource, sourceConfig } from '../../src/intake/sources/index.ts';
import { KscClient } from '../../src/ksc/client/client.ts';
import { documentsOf, type WebhookReceiver } from './webhook-receiver.ts';

/** How the test's SIEM answers: `down` while an outage is wanted; refuses `poisoned` documents for good. */
export class SiemSwitch {
  down = false;
  /** The first `refuse` documents the receiver ever sees (as JSON text): refused each time they come. */
  readonly poisoned = new Set<string>();

  constructor(
    receiver: WebhookReceiver,
    private readonly refuse: number,
  ) {
    receiver.reply = (request) => {
      if (this.down) return { status: 503, body: 'maintenance' };
      const documents = documentsOf(request).map((d) => JSON.stringify(d));
      for (const d of documents) if (this.poisoned.size < this.refuse) this.poisoned.add(d);
      return documents.some((d) => this.poisoned.has(d))
        ? { status: 400, body: 'document refused' }
        : { status: 200 };
    };
  }
}

export interface TwoSinkPipelineOptions {
  readonly name: string;
  /** The emulator's URL; the pipeline signs in as `admin` with `password`. */
  readonly kscUrl: string;
  readonly password: string;
  readonly connection: string;
  readonly receiver: WebhookReceiver;
  /** Where the archive and the dead-letter file go. */
  readonly dir: string;
  /** The clients made, for the caller to close. */
  readonly clients: KscClient[];
}

/** The pipeline; its files are `<dir>/<name>.ndjson` and `<dir>/<name>.dead-letter.ndjson`. */
export function twoSinkPipeline(options: TwoSinkPipelineOptions): PipelineDefinition {
  const { name, receiver, dir } = options;
  const archive = path.join(dir, `${name}.ndjson`);
  const deadLetter = path.join(dir, `${name}.dead-letter.ndjson`);
  const url = `${receiver.origin}/ingest`;
  return {
    name,
    sourceType: 'ksc.events',
    connection: options.connection,
    mappingName: 'ecs',
    sinkType: 'file',
    sinkTarget: archive,
    sinks: [
      { name: 'archive', checkpointKey: `${name}/archive`, type: 'file', target: archive },
      { name: 'siem', checkpointKey: `${name}/siem`, type: 'webhook', target: url, deadLetter },
    ],
    batchSize: 50,
    pollIntervalMs: 200,
    createParts() {
      const client = new KscClient({
        url: options.kscUrl,
        credentials: { user: 'admin', password: options.password },
      });
      options.clients.push(client);
      const file = new FileSink({ path: archive });
      return {
        source: createSource(
          sourceConfig.parse({ type: 'ksc.events', connection: options.connection, start: 'start' }),
          { client, pipeline: name },
        ),
        mapping: createMapping('ecs'),
        sink: file,
        sinks: [
          { name: 'archive', checkpointKey: `${name}/archive`, sink: file },
          {
            name: 'siem',
            checkpointKey: `${name}/siem`,
            // One attempt per write: the runner's retries are the ones the status and metrics count.
            sink: new WebhookSink({
              url,
              pipeline: name,
              policy: { allowLoopback: true },
              ca: receiver.caPem,
              maxAttempts: 1,
              backoff: { baseMs: 1, capMs: 5 },
            }),
            deadLetter: new DeadLetterFile(deadLetter),
          },
        ],
      };
    },
  };
}
