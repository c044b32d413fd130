import type { KicsClient } from '../../../src/kics/client/index.ts';

/** How many audit entries of `action` (and `result`) the emulator holds: the server's own count of token grants. */
export async function auditCount(reader: KicsClient, action: string, result?: string): Promise<number> {
  const filter = [
    { field: 'action', value: action },
    ...(result === undefined ? [] : [{ field: 'result', value: result }]),
  ];
  let count = 0;
  for (let offset = 0; ; offset += 1000) {
    const page = await reader.queryAuditMessages({ filter, offset, limit: 1000 });
    count += page.values.length;
    if (page.values.length < 1000) return count;
  }
}

/** The tokens a client holds now, read from its private state: only the secrets test needs them. */
export function heldTokens(client: KicsClient): { accessToken: string; refreshToken: string } | undefined {
  type Held = { accessToken: string; refreshToken: string };
  const state = (client as unknown as { state: { connection?: { tokens: { held?: Held } } } }).state;
  return state.connection?.tokens.held;
}

/** A clock the test moves. */
export function testClock(): { now: () => number; advance: (seconds: number) => void } {
  let time = Date.now();
  return { now: () => time, advance: (seconds) => void (time += seconds * 1000) };
}
