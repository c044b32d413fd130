import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IdempotencyStore } from '../../commands/core/idempotency.ts';
import { commandByName } from '../../commands/registry.ts';
import type { CommandResult } from '../../commands/core/types.ts';
import { parseWireJson, stringifyWireJson, type WireJson } from '../../wire/json.ts';

/** Where the CLI keeps state between runs: `KCONNECT_STATE_DIR`, else `$XDG_STATE_HOME/kconnect` or `~/.local/state/kconnect`. */
export function stateDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env['KCONNECT_STATE_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_STATE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'state'), 'kconnect');
}

interface Entry {
  readonly at: number;
  readonly command: string;
  readonly key: string;
  readonly result: CommandResult;
}

function isEntry(value: unknown): value is Entry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry['at'] === 'number' &&
    typeof entry['command'] === 'string' &&
    typeof entry['key'] === 'string'
  );
}

/**
 * Idempotency keys that outlive the process: each CLI run is a new process, and a playbook that retries a
 * command runs it again. One file per (command, key), named by their hash, mode 600 in a directory of mode
 * 700; a lock file (created exclusively) keeps two processes from acting on the same key at once — the second
 * gets a 409 instead of waiting, since it cannot see the first one's progress.
 */
export class FileIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly directory: string,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 86_400_000,
    /** A lock older than this was left by a process that died: taken over. */
    private readonly staleLockMs = 2 * 3_600_000,
  ) {}

  private path(command: string, key: string): string {
    const id = createHash('sha256').update(`${command}\u0000${key}`).digest('hex');
    return join(this.directory, `${id}.json`);
  }

  async get(command: string, key: string): Promise<CommandResult | undefined> {
    const path = this.path(command, key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    let entry: unknown;
    try {
      entry = parseWireJson(text);
    } catch {
      // A torn or foreign file holds nothing to replay.
      return undefined;
    }
    if (!isEntry(entry) || entry.command !== command || entry.key !== key) return undefined;
    if (this.now() - entry.at > this.windowMs) {
      await unlink(path).catch(() => undefined);
      return undefined;
    }
    return entry.result;
  }

  async remember(command: string, key: string, result: CommandResult): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const path = this.path(command, key);
    const entry = { at: this.now(), command, key, result } as unknown as WireJson;
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, stringifyWireJson(entry), { mode: 0o600 });
    await rename(temporary, path);
    await this.sweep();
  }

  async once(command: string, key: string, work: () => Promise<CommandResult>): Promise<CommandResult> {
    const known = await this.get(command, key);
    if (known !== undefined) return known;
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const lock = `${this.path(command, key)}.lock`;
    const handle = await this.lock(lock);
    if (handle === undefined) return inProgress(command, key);
    try {
      // Another process may have finished between the first look and the lock.
      const finished = await this.get(command, key);
      if (finished !== undefined) return finished;
      const result = await work();
      // A failure is not remembered: the caller may fix the cause and retry with the same key.
      if (result.status !== 'Failed') await this.remember(command, key, result);
      return result;
    } finally {
      await handle.close();
      await unlink(lock).catch(() => undefined);
    }
  }

  private async lock(path: string) {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return await open(path, 'wx', 0o600);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
        const age = await stat(path).then(
          // File times are on the real clock, whatever clock the entries use.
          (s) => Date.now() - s.mtimeMs,
          () => Number.POSITIVE_INFINITY,
        );
        if (age < this.staleLockMs) return undefined;
        await unlink(path).catch(() => undefined);
      }
    }
    return undefined;
  }

  /** Drops entries past the window, so the directory stays as small as the keys of one day. */
  private async sweep(): Promise<void> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    const cutoff = Date.now() - this.windowMs;
    await Promise.all(
      names
        .filter((n) => n.endsWith('.json'))
        .map(async (n) => {
          const path = join(this.directory, n);
          const info = await stat(path).catch(() => undefined);
          if (info !== undefined && info.mtimeMs < cutoff) await unlink(path).catch(() => undefined);
        }),
    );
  }
}

function inProgress(command: string, key: string): CommandResult {
  const title = commandByName(command)?.title ?? command;
  return {
    status: 'Failed',
    raw: null,
    context: null,
    keyFields: {},
    result: { title, columns: [], rows: [] },
    errors: [
      {
        failureIndicator: `${title} failed.`,
        statusCode: 409,
        code: 'CONFLICT',
        message: `Another run with the idempotency key "${key}" is still in progress; retry when it has finished`,
      },
    ],
  };
}
