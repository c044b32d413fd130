import { statSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { fileSystemSink } from '../../commands/core/file-system-sink.ts';
import { FileExistsError, type FileSink } from '../../commands/core/files.ts';
import { KconnectError } from '../../errors.ts';

/** What `--output` and `--force` say, as the command line gave them. */
export interface OutputFlags {
  readonly output?: string | undefined;
  readonly force?: boolean | undefined;
}

/**
 * The file sink of a command that produces a file: `--output` names a file, or a folder (one that exists, or a
 * path ending in `/`) to put it in under the server's name; without it, the current folder. An existing file is
 * replaced only with `--force`. A named file that is already there, or a folder that is not, fails here, before
 * any request; the sink checks the name again when the file is complete (the server chooses it in a folder).
 *
 * @throws {FileExistsError} for `--output` naming an existing file without `--force`
 * @throws {KconnectError} INVALID_INPUT for a folder that is not there
 */
export function cliFileSink(flags: OutputFlags, cwd: string): FileSink {
  const given = flags.output ?? '.';
  const path = resolve(cwd, given);
  const existing = flags.force === true ? 'replace' : 'refuse';
  const kind = kindOf(path);
  if (kind === 'folder') return fileSystemSink({ directory: path, existing });
  if (given.endsWith('/') || given.endsWith(sep)) {
    throw new KconnectError('INVALID_INPUT', `--output: ${path}: no such folder`);
  }
  if (kind === 'file' && existing === 'refuse') throw new FileExistsError(path);
  const folder = dirname(path);
  if (kindOf(folder) !== 'folder') {
    throw new KconnectError('INVALID_INPUT', `--output: ${folder}: no such folder to save the file in`);
  }
  return fileSystemSink({ directory: folder, fileName: basename(path), existing });
}

function kindOf(path: string): 'folder' | 'file' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'none';
  }
}
