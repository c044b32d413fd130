import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IdempotencyStore } from '../../commands/core/idempotency.ts';
import { commandByName } from '../../commands/registry.ts';
import type { CommandResult } from '../../commands/core/types.ts';
import type { StateEntry, StateStore } from '../../store/state.ts';
import { parseWireJson, type WireJson } from '../../wire/json.ts';

/** Where the CLI keeps state between runs: `KCONNECT_STATE_DIR`, else `$XDG_STATE_HOME/kconnect` or `~/.local/state/kconnect`. */
export function stateDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env['KCONNECT_STATE_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_STATE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'state'), 'kconnect');
}

/** The CLI's state file (SQLite) in its state directory. */
export const STATE_FILE = 'state.sqlite';

/** The state-store namespace of the CLI's idempotency keys. */
export const CLI_IDEMPOTENCY_NAMESPACE = 'cli.idempotency';

/** What the state store holds per key: a claim while the command runs, then its result. */
type KeyRecord =
  | { readonly state: 'running'; readonly owner: string }
  | { readonly state: 'done'; readonly at: number; readonly result: CommandResult };

function recordOf(entry: StateEntry | undefined): KeyRecord | undefined {
  const value = entry?.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (value['state'] === 'running' && typeof value['owner'] === 'string')
    return value as unknown as KeyRecord;
  if (value['state'] === 'done' && typeof value['at'] === 'number' && typeof value['result'] === 'object')
    return value as unknown as KeyRecord;
  return undefined;
}

/**
 * Idempotency keys that outlive the process, in the CLI's state file: each CLI run is a new process, and a
 * playbook that retries a command runs it again. A run claims its key with compare-and-set before it acts, so a
 * second process with the same key gets a 409 instead of acting (it cannot see the first one's progress); a
 * claim older than `staleClaimMs` was left by a process that died and is taken over. The state file is opened
 * on first use only, so commands without a key never load the database driver.
 *
 * Results remembered by earlier versions (one JSON file per key in `<state dir>/idempotency/`) are still
 * replayed within their window; new results go to the state file only.
 */
export class FileIdempotencyStore implements IdempotencyStore {
  constructor(
    /** The CLI's state directory ({@link stateDirectory}). */
    private readonly directory: string,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 86_400_000,
    /** A claim older than this was left by a process that died: taken over. */
    private readonly staleClaimMs = 2 * 3_600_000,
  ) {}

  async get(command: string, key: string): Promise<CommandResult | undefined> {
    return this.withState((state) => this.stored(state, command, key));
  }

  async remember(command: string, key: string, result: CommandResult): Promise<void> {
    await this.withState((state) => this.keep(state, command, key, result));
  }

  async once(command: string, key: string, work: () => Promise<CommandResult>): Promise<CommandResult> {
    return this.withState(async (state) => {
      const known = await this.stored(state, command, key);
      if (known !== undefined) return known;
      const id = stateKey(command, key);
      const owner = `${process.pid}/${this.now()}`;
      const claim = await state.compareAndSet(
        CLI_IDEMPOTENCY_NAMESPACE,
        id,
        0,
        { state: 'running', owner },
        { expiresAt: this.now() + this.staleClaimMs },
      );
      if (claim === undefined) {
        // Another process may have finished between the first look and the claim.
        return (await this.stored(state, command, key)) ?? inProgress(command, key);
      }
      let result: CommandResult;
      try {
        result = await work();
      } catch (error) {
        await state.delete(CLI_IDEMPOTENCY_NAMESPACE, id, claim.version);
        throw error;
      }
      // A failure is not remembered: the caller may fix the cause and retry with the same key.
      if (result.status === 'Failed') await state.delete(CLI_IDEMPOTENCY_NAMESPACE, id, claim.version);
      else await this.keep(state, command, key, result);
      return result;
    });
  }

  private async stored(state: StateStore, command: string, key: string): Promise<CommandResult | undefined> {
    const record = recordOf(await state.get(CLI_IDEMPOTENCY_NAMESPACE, stateKey(command, key)));
    if (record?.state === 'done') return record.result;
    if (record === undefined) return this.storedByEarlierVersion(command, key);
    return undefined;
  }

  private async keep(state: StateStore, command: string, key: string, result: CommandResult): Promise<void> {
    const at = this.now();
    const record = { state: 'done', at, result } as unknown as WireJson;
    await state.put(CLI_IDEMPOTENCY_NAMESPACE, stateKey(command, key), record, {
      expiresAt: at + this.windowMs,
    });
    // Keeps the file as small as the keys of one window.
    await state.sweepExpired();
  }

  /** A result in the file of an earlier version, `<dir>/idempotency/<sha256 of command NUL key>.json`. */
  private async storedByEarlierVersion(command: string, key: string): Promise<CommandResult | undefined> {
    const id = createHash('sha256').update(`${command}\u0000${key}`).digest('hex');
    const path = join(this.directory, 'idempotency', `${id}.json`);
    let entry: WireJson;
    try {
      entry = parseWireJson(await readFile(path, 'utf8'));
    } catch {
      // No file, or a torn or foreign one: nothing to replay.
      return undefined;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
    const { at, result } = entry;
    if (entry['command'] !== command || entry['key'] !== key || typeof at !== 'number') return undefined;
    if (this.now() - at > this.windowMs) {
      await unlink(path).catch(() => undefined);
      return undefined;
    }
    return result as unknown as CommandResult;
  }

  /** Opens the state file for one operation and closes it after, so no handle outlives a call. */
  private async withState<T>(use: (state: StateStore) => Promise<T>): Promise<T> {
    // Loaded here: the database driver is for commands with an idempotency key, not for every kconnect command.
    const { StateStore } = await import('../../store/state.ts');
    const state = await StateStore.open({ file: join(this.directory, STATE_FILE) }, { now: this.now });
    try {
      return await use(state);
    } finally {
      await state.close();
    }
  }
}

/** JSON of the parts: unambiguous, and free of the control characters PostgreSQL text cannot hold. */
function stateKey(command: string, key: string): string {
  return JSON.stringify([command, key]);
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
