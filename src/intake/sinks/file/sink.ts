import { createReadStream, createWriteStream } from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  truncate,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { FieldError } from '../../../errors.ts';
import { PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE } from '../../../store/private-files.ts';
import type { SinkBatch, Sink, SinkPosition, SinkWriteResult } from '../../types.ts';
import { FileSinkPositionError } from './errors.ts';
import { sinkFiles, type RotatedFile, type SinkFiles } from './names.ts';

/** When written lines are forced to disk: after every batch, at most once per interval, or when the OS likes. */
export type FsyncPolicy = 'batch' | 'interval' | 'never';

export interface FileSinkOptions {
  /** The active file, e.g. `out/ksc-events.ndjson`; rotated files go beside it. */
  readonly path: string;
  /** Rotate before a batch that would take the active file past `maxBytes`, or once it is `maxAgeSeconds` old. */
  readonly rotate?: { readonly maxBytes?: number; readonly maxAgeSeconds?: number };
  /** Compress rotated files (`.ndjson.gz`). Default false. */
  readonly gzip?: boolean;
  /**
   * Default `batch`: a batch is on disk before its checkpoint commits, so exactly-once holds across power cuts.
   * `interval` and `never` keep it across process crashes (the page cache survives a `kill -9`), not power cuts.
   */
  readonly fsync?: FsyncPolicy;
  /** For `fsync: interval`. Default 1000. */
  readonly fsyncIntervalMs?: number;
  /** Mode of the files it creates. Default 0600: events name users, hosts and files. */
  readonly mode?: number;
  /** Milliseconds since the epoch: rotation ages and names. Default `Date.now`. */
  readonly now?: () => number;
}

/** Where a file sink got to: the active file, its byte length, and its sequence number (one more per rotation). */
// A type alias, not an interface: it is also a SinkPosition (plain JSON).
export type FilePosition = {
  readonly file: string;
  readonly offset: number;
  readonly sequence: number;
};

interface ActiveState {
  readonly sequence: number;
  /** When the active file was started, for rotation by age. */
  readonly openedAt: number;
}

function isPosition(value: SinkPosition | undefined): value is FilePosition & SinkPosition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { file, offset, sequence } = value;
  return (
    typeof file === 'string' &&
    Number.isSafeInteger(offset) &&
    (offset as number) >= 0 &&
    Number.isSafeInteger(sequence) &&
    (sequence as number) >= 0
  );
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ENOENT';
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
    written += bytesWritten;
  }
}

/**
 * NDJSON files, one line per document, with rotation and exactly-once across crashes: its position is the
 * active file's sequence and byte length, and `open` cuts away whatever was written after the committed position
 * (the tail of the active file, files rotated since). Rotation happens only before a write, so a batch never spans
 * two files, and a compressed file replaces its plain original only once it is complete on disk.
 */
export class FileSink implements Sink {
  readonly type = 'file';
  private readonly files: SinkFiles;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly gzip: boolean;
  private readonly fsync: FsyncPolicy;
  private readonly fsyncIntervalMs: number;
  private readonly mode: number;
  private readonly now: () => number;
  private handle: FileHandle | undefined;
  private offset = 0;
  private active: ActiveState = { sequence: 0, openedAt: 0 };
  private lastSync = 0;
  private unsynced = false;

  constructor(options: FileSinkOptions) {
    if (options.path === '') throw new FieldError('path', 'empty');
    const maxBytes = options.rotate?.maxBytes;
    if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes > 0))
      throw new FieldError('rotate.maxBytes', 'must be a positive integer');
    const maxAge = options.rotate?.maxAgeSeconds;
    if (maxAge !== undefined && !(maxAge > 0))
      throw new FieldError('rotate.maxAgeSeconds', 'must be positive');
    this.files = sinkFiles(options.path);
    this.maxBytes = maxBytes ?? Number.POSITIVE_INFINITY;
    this.maxAgeMs = maxAge === undefined ? Number.POSITIVE_INFINITY : maxAge * 1000;
    this.gzip = options.gzip ?? false;
    this.fsync = options.fsync ?? 'batch';
    this.fsyncIntervalMs = options.fsyncIntervalMs ?? 1000;
    this.mode = options.mode ?? PRIVATE_FILE_MODE;
    this.now = options.now ?? Date.now;
  }

  /** The position after the last write (or the one `open` continued at). */
  get position(): FilePosition {
    return { file: this.files.active, offset: this.offset, sequence: this.active.sequence };
  }

  /**
   * Continues after `committed`: removes files rotated after it, cuts the active file back to its offset, and
   * finishes or redoes an interrupted compression. With nothing committed (or a position of another file), the
   * files found are kept: a non-empty active file is rotated aside and a new one started.
   *
   * @throws {FileSinkPositionError} when the files hold less than the committed position says.
   */
  async open(committed: SinkPosition | undefined, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.closeHandle();
    await mkdir(this.files.directory, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
    let rotated = await this.settleCompressions(await this.listRotated());
    let active = await this.readState();
    // Renamed but the state not yet written: the active file is already the next one.
    if (rotated.some((file) => file.sequence >= active.sequence)) {
      const next = Math.max(...rotated.map((file) => file.sequence)) + 1;
      active = { sequence: next, openedAt: this.now() };
    }
    const position = isPosition(committed) && committed.file === this.files.active ? committed : undefined;
    if (position === undefined) {
      this.active = active;
      this.offset = 0;
      if (((await sizeOf(this.files.active)) ?? 0) > 0) await this.rotate();
      else await this.writeState(this.active);
    } else {
      await this.rewindTo(position, active, rotated);
      rotated = await this.listRotated();
    }
    if (this.gzip) for (const file of rotated) if (file.kind === 'plain') await this.compress(file.name);
    this.handle = await open(this.files.active, 'a', this.mode);
    if (this.fsync !== 'never') {
      await this.handle.sync();
      await syncDirectory(this.files.directory);
    }
    this.lastSync = this.now();
  }

  /** Appends the batch as one write, rotating first when due, and syncs per the policy. */
  async write(batch: SinkBatch, signal?: AbortSignal): Promise<SinkWriteResult> {
    // Checked once, before anything is written: a write is never abandoned half done.
    signal?.throwIfAborted();
    if (this.handle === undefined) throw new Error('FileSink.write before open');
    if (batch.documents.length === 0) return { position: { ...this.position } };
    let text = '';
    for (const document of batch.documents) text += `${JSON.stringify(document)}\n`;
    const buffer = Buffer.from(text);
    if (this.rotationDue(buffer.length)) await this.rotate();
    await writeAll(this.handle, buffer);
    this.offset += buffer.length;
    this.unsynced = true;
    const now = this.now();
    if (this.fsync === 'batch' || (this.fsync === 'interval' && now - this.lastSync >= this.fsyncIntervalMs))
      await this.sync(now);
    return { position: { ...this.position } };
  }

  async close(): Promise<void> {
    if (this.handle !== undefined && this.unsynced && this.fsync !== 'never') await this.sync(this.now());
    await this.closeHandle();
  }

  private rotationDue(incoming: number): boolean {
    if (this.offset === 0) return false;
    return this.offset + incoming > this.maxBytes || this.now() - this.active.openedAt >= this.maxAgeMs;
  }

  private async sync(now: number): Promise<void> {
    await this.handle!.datasync();
    this.lastSync = now;
    this.unsynced = false;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  /**
   * Moves the active file aside under its rotated name and starts the next one. The rename comes first and the
   * state after it; `open` recognises a crash in between by a rotated file with the active sequence.
   */
  private async rotate(): Promise<void> {
    const reopen = this.handle !== undefined;
    if (reopen && this.fsync !== 'never') await this.handle!.sync();
    await this.closeHandle();
    const now = this.now();
    const name = this.files.rotatedName(this.active.sequence, now);
    await rename(this.files.active, path.join(this.files.directory, name));
    this.active = { sequence: this.active.sequence + 1, openedAt: now };
    this.offset = 0;
    await this.writeState(this.active);
    if (this.gzip) await this.compress(name);
    if (reopen) {
      this.handle = await open(this.files.active, 'a', this.mode);
      if (this.fsync !== 'never') await syncDirectory(this.files.directory);
    }
  }

  /** Cuts the files back to `position`: later rotated files go, the committed file is truncated to its offset. */
  private async rewindTo(
    position: FilePosition,
    found: ActiveState,
    rotated: readonly RotatedFile[],
  ): Promise<void> {
    const committed = { sequence: position.sequence, offset: position.offset };
    if (found.sequence < position.sequence)
      throw new FileSinkPositionError(
        this.files.active,
        committed,
        `no file has sequence ${position.sequence}`,
      );
    for (const file of rotated)
      if (file.sequence > position.sequence) await unlink(path.join(this.files.directory, file.name));
    if (found.sequence === position.sequence) {
      const size = await sizeOf(this.files.active);
      if ((size ?? 0) < position.offset)
        throw new FileSinkPositionError(
          this.files.active,
          committed,
          size === undefined ? 'the file is gone' : `the file holds only ${size} bytes`,
        );
      if (size !== undefined && size > position.offset) await truncate(this.files.active, position.offset);
      this.offset = position.offset;
    } else {
      // Rotated since the commit: the committed file is complete aside (rotation only follows a commit), and
      // everything in the active file came after it.
      const aside = rotated.find((file) => file.sequence === position.sequence && file.kind === 'plain');
      if (aside !== undefined) {
        const asidePath = path.join(this.files.directory, aside.name);
        if (((await sizeOf(asidePath)) ?? 0) > position.offset) await truncate(asidePath, position.offset);
      }
      if ((await sizeOf(this.files.active)) !== undefined) await truncate(this.files.active, 0);
      this.offset = 0;
    }
    this.active = found;
    await this.writeState(found);
  }

  private async listRotated(): Promise<RotatedFile[]> {
    const names = await readdir(this.files.directory);
    return names
      .map((name) => this.files.parseRotated(name))
      .filter((file): file is RotatedFile => file !== undefined)
      .sort((a, b) => a.sequence - b.sequence);
  }

  /**
   * A compression cut short leaves a `.gz.tmp` (dropped: the plain file is still there) or both the `.gz` and the
   * plain file (the `.gz` is complete, since it is renamed only after its fsync: the plain one goes).
   */
  private async settleCompressions(rotated: readonly RotatedFile[]): Promise<RotatedFile[]> {
    const kept: RotatedFile[] = [];
    const compressed = new Set(rotated.filter((f) => f.kind === 'gzip').map((f) => f.sequence));
    for (const file of rotated) {
      const full = path.join(this.files.directory, file.name);
      if (file.kind === 'gzip-partial' || (file.kind === 'plain' && compressed.has(file.sequence)))
        await unlink(full);
      else kept.push(file);
    }
    return kept;
  }

  /** `name.gz.tmp` written and synced, renamed to `name.gz`, the directory synced, then `name` removed. */
  private async compress(name: string): Promise<void> {
    const plain = path.join(this.files.directory, name);
    const partial = `${plain}.gz.tmp`;
    await pipeline(createReadStream(plain), createGzip(), createWriteStream(partial, { mode: this.mode }));
    if (this.fsync !== 'never') {
      const handle = await open(partial, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rename(partial, `${plain}.gz`);
    if (this.fsync !== 'never') await syncDirectory(this.files.directory);
    await unlink(plain);
  }

  private async readState(): Promise<ActiveState> {
    try {
      const parsed = JSON.parse(await readFile(this.files.state, 'utf8')) as Partial<ActiveState>;
      if (Number.isSafeInteger(parsed.sequence) && Number.isFinite(parsed.openedAt))
        return { sequence: parsed.sequence!, openedAt: parsed.openedAt! };
    } catch (error) {
      if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
    }
    // No state yet (a new sink), or a damaged one: rotated names still say which sequences were used.
    return { sequence: 0, openedAt: this.now() };
  }

  /** Atomically: a temporary file, synced, renamed over the state. */
  private async writeState(state: ActiveState): Promise<void> {
    const partial = `${this.files.state}.tmp`;
    const handle = await open(partial, 'w', this.mode);
    try {
      await handle.writeFile(JSON.stringify(state));
      if (this.fsync !== 'never') await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, this.files.state);
    if (this.fsync !== 'never') await syncDirectory(this.files.directory);
  }
}
