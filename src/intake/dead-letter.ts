/**
 * The dead-letter file of a pipeline's sink (R12): documents the receiver refused for good, one JSON line each
 * with the record's key, the reason, the sink and the time, synced before the checkpoint that moves past them is
 * committed — so every record is either at the sink or here.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MappedDocument } from './types.ts';

/** One line of a dead-letter file. */
export interface DeadLetterEntry {
  /** The key of the record the document came from. */
  readonly key: string;
  /** Why the receiver refused it, in its words; never a secret. */
  readonly reason: string;
  readonly pipeline: string;
  readonly sink: string;
  /** When it was dead-lettered, ISO 8601. */
  readonly at: string;
  readonly document: MappedDocument;
}

/** Where refused documents go: appends and syncs before resolving. */
export interface DeadLetterWriter {
  /** Where the entries go, for people and logs. */
  readonly target: string;
  append(entries: readonly DeadLetterEntry[]): Promise<void>;
}

const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * An NDJSON dead-letter file (mode 0600, its folder 0700 when created). A crash between the append and the
 * commit leaves entries that the replayed batch appends again: at-least-once here, keyed by `key` for whoever
 * reads it.
 */
export class DeadLetterFile implements DeadLetterWriter {
  constructor(readonly target: string) {}

  async append(entries: readonly DeadLetterEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await mkdir(dirname(this.target), { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
    const handle = await open(this.target, 'a', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
