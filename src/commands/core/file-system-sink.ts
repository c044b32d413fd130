import { createHash, randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { KconnectError } from '../../errors.ts';
import { FileExistsError, type FileSink, type OutgoingFile, type SavedFile } from './files.ts';

/** What a sink does when a file of the name is already there. */
export type ExistingFilePolicy =
  /** Fail with {@link FileExistsError}, before any byte is written (the CLI without `--force`). */
  | 'refuse'
  /** Replace it, atomically: a reader sees the old file or the new one, never a mix. */
  | 'replace'
  /** Keep it and save the new one beside it as `name-1.ext`, `name-2.ext`, … (a downloads folder). */
  | 'keep-both';

export interface FileSystemSinkOptions {
  /** The folder files go into; it must exist. */
  readonly directory: string;
  /** Every file under this name instead of the one it comes with (the CLI's `--output file.pcap`). */
  readonly fileName?: string;
  /** Default `refuse`. */
  readonly existing?: ExistingFilePolicy;
  /** Permissions of a new file. Default 0o600: captures of plant traffic are not for every local user. */
  readonly mode?: number;
}

const MAX_KEEP_BOTH = 1000;
/** What `link` fails with where the file system has no hard links. */
const NO_HARD_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'];

/**
 * A {@link FileSink} that writes into a folder of the file system. Each file is written to a temporary file in
 * the same folder (`.<name>.<random>.part`), flushed to disk, and only then given its name — by a hard link for
 * `refuse` and `keep-both` (which fails rather than replace a file that appeared meanwhile) or a rename for
 * `replace` — so a failure, an abort or Ctrl-C leaves no half-written file under the name, and the temporary file
 * is removed.
 *
 * @example
 * const files = fileSystemSink({ directory: './captures' });
 * await executeCommand(kicsGetEventTraffic, { kics, files, now: Date.now }, { eventIds: [42] });
 */
export function fileSystemSink(options: FileSystemSinkOptions): FileSink {
  const directory = resolve(options.directory);
  const existing = options.existing ?? 'refuse';
  const mode = options.mode ?? 0o600;
  return {
    async save(file: OutgoingFile, signal?: AbortSignal): Promise<SavedFile> {
      signal?.throwIfAborted();
      const name = options.fileName ?? file.name;
      const target = join(directory, name);
      // Fail fast, before the download: the final link checks again, race-free.
      if (existing === 'refuse' && (await exists(target))) throw new FileExistsError(target);
      const temp = join(directory, `.${name}.${randomBytes(6).toString('hex')}.part`);
      let written: { bytes: number; sha256: string };
      try {
        written = await writeWhole(temp, file.body, mode, signal);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw folderError(error, directory);
      }
      try {
        const location = await publish(temp, target, existing);
        return {
          location,
          name: basename(location),
          contentType: file.contentType,
          ...written,
        };
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    },
  };
}

/** Writes `body` to a new file at `path` and flushes it to disk, counting and hashing the bytes on the way. */
async function writeWhole(
  path: string,
  body: AsyncIterable<Uint8Array>,
  mode: number,
  signal: AbortSignal | undefined,
): Promise<{ bytes: number; sha256: string }> {
  const handle = await open(path, 'wx', mode);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of body) {
      signal?.throwIfAborted();
      hash.update(chunk);
      bytes += chunk.byteLength;
      await handle.write(chunk);
    }
    signal?.throwIfAborted();
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Gives the finished temporary file its name; returns the path it got. */
async function publish(temp: string, target: string, existing: ExistingFilePolicy): Promise<string> {
  if (existing === 'replace') {
    await rename(temp, target);
    return target;
  }
  const extension = extname(target);
  const stem = target.slice(0, target.length - extension.length);
  const attempts = existing === 'keep-both' ? MAX_KEEP_BOTH : 1;
  for (let n = 0; n < attempts; n++) {
    const candidate = n === 0 ? target : `${stem}-${n}${extension}`;
    try {
      await link(temp, candidate);
      return candidate;
    } catch (error) {
      if (isCode(error, 'EEXIST')) continue;
      if (!NO_HARD_LINKS.some((code) => isCode(error, code))) throw error;
      // A file system without hard links (FAT, some network shares): check, then rename — a file created in
      // between would be replaced, the one race left there.
      if (await exists(candidate)) continue;
      await rename(temp, candidate);
      return candidate;
    }
  }
  throw new FileExistsError(target);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** A folder that is not there or not writable is the caller's input, said in words; anything else as it is. */
function folderError(error: unknown, directory: string): unknown {
  if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR'))
    return new KconnectError('INVALID_INPUT', `${directory}: no such folder to save the file in`, {
      cause: error,
    });
  if (isCode(error, 'EACCES') || isCode(error, 'EPERM') || isCode(error, 'EROFS'))
    return new KconnectError('INVALID_INPUT', `${directory}: the file cannot be written there`, {
      cause: error,
    });
  return error;
}
