import { KconnectError } from '../../errors.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** A file a command hands over: its name (a plain file name, a suggestion), its media type and its bytes. */
export interface OutgoingFile {
  /** A plain file name (no folder), already made safe with {@link safeFileName}. */
  readonly name: string;
  /** `application/vnd.tcpdump.pcap`, `application/zip`, … */
  readonly contentType: string;
  /** Read once, to the end; never held whole by the sink. */
  readonly body: AsyncIterable<Uint8Array>;
}

/** Where a file went and what it holds, as the sink wrote it. */
export interface SavedFile {
  /** Where it is now: for a file system sink, the absolute path. */
  readonly location: string;
  /** Its file name there (a sink may have changed it, e.g. to keep an older file beside it). */
  readonly name: string;
  readonly contentType: string;
  readonly bytes: number;
  /** Hex SHA-256 of the bytes, for a chain of custody. */
  readonly sha256: string;
}

/**
 * Where commands that produce a file (an event's traffic capture) put it. Each surface gives its own: the CLI a
 * path of `--output`, the HTTP service a spool it streams to the caller, the MCP server a downloads folder.
 * Vendor-neutral: a sink knows files, not what is in them.
 */
export interface FileSink {
  /**
   * Writes the file whole or not at all: after a failure or an abort (`signal`) nothing half-written is left.
   *
   * @throws {FileExistsError} when the sink refuses to replace a file of that name
   */
  save(file: OutgoingFile, signal?: AbortSignal): Promise<SavedFile>;
}

/** A command that produces a file ran without a {@link FileSink} in its context. */
export class FileSinkMissingError extends KconnectError {
  override readonly name = 'FileSinkMissingError';
  constructor(readonly command: string) {
    super(
      'INVALID_INPUT',
      `files: ${command} produces a file and needs a place to put it (a file sink in the context: ` +
        '`files`, e.g. fileSystemSink({ directory })), and none was given',
    );
  }
}

/** A sink refused to replace a file that is already there. */
export class FileExistsError extends KconnectError {
  override readonly name = 'FileExistsError';
  constructor(readonly path: string) {
    super(
      'CONFLICT',
      `${path} already exists; nothing was written (choose another name or allow replacing it)`,
    );
  }
}

/** Whether a command produces a file (its surfaces then give it a sink and deliver the file). */
export function producesFile(command: CommandDefinition): boolean {
  return command.hints?.producesFile !== undefined;
}

/** The media types of the files a command produces (none for other commands). */
export function fileContentTypes(command: CommandDefinition): readonly string[] {
  return command.hints?.producesFile?.contentTypes ?? [];
}

/** Why a command cannot run in this context for want of a file sink, if it cannot. */
export function fileSinkProblem(command: CommandDefinition, ctx: CommandContext): KconnectError | undefined {
  return producesFile(command) && ctx.files === undefined
    ? new FileSinkMissingError(command.name)
    : undefined;
}

/** The longest file name kept: below every common file system's limit of 255 bytes, room for a suffix. */
const MAX_NAME = 200;

/**
 * A plain, harmless file name from one a server suggested: its last path segment, only letters, digits, `.`,
 * `_` and `-` (anything else becomes `_`), no leading dot (no hidden file, no `..`), at most 200 characters;
 * `fallback` when nothing usable is left. A name from the network never chooses a folder.
 */
export function safeFileName(suggested: string | undefined, fallback: string): string {
  const last = (suggested ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[.]+/, '')
    .slice(-MAX_NAME);
  return /[A-Za-z0-9]/.test(cleaned) ? cleaned : fallback;
}
