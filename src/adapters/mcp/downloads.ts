import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileSystemSink } from '../../commands/core/file-system-sink.ts';
import type { FileSink } from '../../commands/core/files.ts';

/** The environment variable that names the downloads folder, as `--downloads-dir` does. */
export const DOWNLOADS_DIR_ENV = 'KCONNECT_DOWNLOADS_DIR';

/**
 * Where the MCP server saves the files tools produce (traffic captures) when `--downloads-dir` names no folder:
 * `KCONNECT_DOWNLOADS_DIR`, else `$XDG_DATA_HOME/kconnect/downloads` or `~/.local/share/kconnect/downloads` —
 * user data that outlives a run, beside (not in) the state directory.
 */
export function downloadsDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env[DOWNLOADS_DIR_ENV];
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const xdg = env['XDG_DATA_HOME'];
  return join(
    xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'share'),
    'kconnect',
    'downloads',
  );
}

/**
 * The file sink of the MCP server: the downloads folder, made at the first download (0700: captures of plant traffic are the user's
 * alone) when missing. A tool never replaces an earlier download: a file of the same name is kept and the new
 * one saved beside it (`events_traffic-1.zip`), since an assistant cannot be asked whether to overwrite.
 */
export function downloadsSink(directory: string): FileSink {
  const inner = fileSystemSink({ directory, existing: 'keep-both' });
  return {
    async save(file, signal) {
      // At the first download, not at start: a server whose tools never save a file leaves no folder behind.
      await mkdir(directory, { recursive: true, mode: 0o700 });
      return inner.save(file, signal);
    },
  };
}
