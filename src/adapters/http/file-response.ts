import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileSystemSink } from '../../commands/core/file-system-sink.ts';
import { safeFileName, type FileSink, type SavedFile } from '../../commands/core/files.ts';
import type { CommandResult } from '../../commands/core/types.ts';

/** The header that carries a file answer's command status (the body is the file, not the result). */
export const STATUS_HEADER = 'X-Kconnect-Status';
/** The items of the input that failed, comma-separated, when a file answer is `Partially Successful`. */
export const FAILED_ITEMS_HEADER = 'X-Kconnect-Failed-Items';

/**
 * A folder of the service's own for one call's file: the command saves into it, the answer streams from it,
 * and it is removed once the answer ended, the client went away, or the call failed.
 */
export interface CallSpool {
  readonly sink: FileSink;
  /** The file the command saved, if it saved one. */
  saved(): SavedFile | undefined;
  /** Removes the folder and what is in it; safe to call more than once. */
  dispose(): Promise<void>;
}

/** Opens a spool under `root` (default: the system's temporary folder), private to the service's user. */
export async function openCallSpool(root: string = tmpdir()): Promise<CallSpool> {
  // mkdtemp makes the folder 0700.
  const directory = await mkdtemp(join(root, 'kconnect-file-'));
  const inner = fileSystemSink({ directory });
  let last: SavedFile | undefined;
  let disposed: Promise<void> | undefined;
  return {
    sink: {
      async save(file, signal) {
        last = await inner.save(file, signal);
        return last;
      },
    },
    saved: () => last,
    dispose() {
      disposed ??= rm(directory, { recursive: true, force: true });
      return disposed;
    },
  };
}

/**
 * Whether the caller asked for the JSON result alone: an `Accept` that names `application/json` and neither the
 * file's types nor a wildcard (`*\/*`, `application/*`). `fetch`, curl and browsers send `*\/*`, so they get the
 * file.
 */
export function wantsJsonResult(accept: string | undefined, fileTypes: readonly string[]): boolean {
  if (accept === undefined) return false;
  const wanted = accept
    .split(',')
    .map((part) => part.split(';'))
    .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/i.test(p)))
    .map(([type]) => (type ?? '').trim().toLowerCase());
  if (!wanted.includes('application/json')) return false;
  const file = new Set(fileTypes.map((t) => t.toLowerCase()));
  return !wanted.some((type) => type === '*/*' || type === 'application/*' || file.has(type));
}

/**
 * The answer of a command that produced a file: 200 with the file as the body, its type, its name as an
 * attachment, its length, and the command's status in `X-Kconnect-Status` (with the failed items of a partial
 * success). The body is read from the spool as the client takes it; the spool goes when the body ends or the
 * client cancels it.
 */
export function fileResponse(result: CommandResult, saved: SavedFile, spool: CallSpool): Response {
  const name = safeFileName(saved.name, 'download');
  const failed = result.errors.flatMap((e) => (e.item === undefined ? [] : [e.item]));
  const headers: Record<string, string> = {
    'Content-Type': saved.contentType,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Content-Length': String(saved.bytes),
    [STATUS_HEADER]: result.status,
    ...(failed.length === 0 ? {} : { [FAILED_ITEMS_HEADER]: failed.join(',') }),
    'X-Content-Type-Options': 'nosniff',
  };
  return new Response(spooledBody(saved.location, spool), { status: 200, headers });
}

function spooledBody(path: string, spool: CallSpool): ReadableStream<Uint8Array> {
  let file: Readable | undefined;
  let reader: AsyncIterator<Buffer> | undefined;
  const end = async (): Promise<void> => {
    file?.destroy();
    await spool.dispose();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        file ??= createReadStream(path);
        reader ??= file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        const next = await reader.next();
        if (next.done === true) {
          controller.close();
          await end();
          return;
        }
        controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      } catch (error) {
        controller.error(error);
        await end();
      }
    },
    async cancel() {
      await end();
    },
  });
}
