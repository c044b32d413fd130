import { closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * Modes of the files kconnect keeps at rest (databases, CLI state, the demo's password): they may hold API token
 * hashes, audit trails and command results, which are nobody else's business on a shared machine.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Creates `directory` and any missing parents with mode 700. Directories that exist already keep their mode:
 * they may be the user's (the working directory, `~/.local/state`), and tightening them is not ours to do.
 */
export function makePrivateDirectory(directory: string): void {
  mkdirSync(directory, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
}

/**
 * Creates `file` empty with mode 600 unless it exists; an existing file keeps its mode. SQLite then opens it as a
 * new database and gives its `-wal`, `-shm` and journal files the database file's own mode, so creating the file
 * first is what makes all of them private, without touching the process-wide umask.
 */
export function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    // Another process (or an earlier run) made it first: fine, it is opened as it is.
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  }
}
