import type { CommandResult, IdempotencyStore } from './types.ts';

export type { IdempotencyStore } from './types.ts';

/** An in-process store with a fixed window (default one day), on an injected clock. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { at: number; result: CommandResult }>();
  private readonly running = new Map<string, Promise<CommandResult>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 86_400_000,
  ) {}

  get(command: string, key: string): Promise<CommandResult | undefined> {
    const id = `${command}\u0000${key}`;
    const entry = this.entries.get(id);
    if (entry === undefined) return Promise.resolve(undefined);
    if (this.now() - entry.at > this.windowMs) {
      this.entries.delete(id);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.result);
  }

  remember(command: string, key: string, result: CommandResult): Promise<void> {
    this.entries.set(`${command}\u0000${key}`, { at: this.now(), result });
    return Promise.resolve();
  }

  async once(command: string, key: string, work: () => Promise<CommandResult>): Promise<CommandResult> {
    const id = `${command}\u0000${key}`;
    const known = await this.get(command, key);
    if (known !== undefined) return known;
    const pending = this.running.get(id);
    if (pending !== undefined) return pending;
    const run = (async () => {
      try {
        const result = await work();
        // A failure is not remembered: the caller may fix the cause and try again with the same key.
        if (result.status !== 'Failed') await this.remember(command, key, result);
        return result;
      } finally {
        this.running.delete(id);
      }
    })();
    this.running.set(id, run);
    return run;
  }
}
