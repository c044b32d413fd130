import { KscClientError } from './errors.ts';
import type { KscClient } from './client.ts';
import type { KlParams } from '../values.ts';

export interface ActionResult {
  readonly succeeded: boolean;
  readonly stateCode: number;
  readonly stateData: KlParams;
}

export interface WaitOptions {
  /** Give up after this long, ms. Default 300,000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Waits between checks never exceed this, ms, whatever the server suggests. Default 5,000. */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Waits for an asynchronous action (`strActionGuid`) through `AsyncActionStateChecker.CheckActionState`,
 * pausing as long as the server's `lNextCheckDelay` asks (growing when it gives none).
 */
export async function waitForAction(
  client: KscClient,
  wstrActionGuid: string,
  options: WaitOptions = {},
): Promise<ActionResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + (options.timeoutMs ?? 300_000);
  const maxDelay = options.maxDelayMs ?? 5000;
  let fallback = 100;
  for (;;) {
    options.signal?.throwIfAborted();
    const state = await client.call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid });
    if (state['bFinalized'] === true) {
      return {
        succeeded: state['bSuccededFinalized'] === true,
        stateCode: typeof state['lStateCode'] === 'number' ? state['lStateCode'] : 0,
        stateData: (state['pStateData'] ?? {}) as KlParams,
      };
    }
    const suggested = state['lNextCheckDelay'];
    const delay = Math.min(maxDelay, typeof suggested === 'number' && suggested > 0 ? suggested : fallback);
    fallback = Math.min(maxDelay, fallback * 2);
    if (now() + delay > deadline) {
      throw new KscClientError('TIMEOUT', `Action ${wstrActionGuid} did not finish in time`, {
        operation: 'AsyncActionStateChecker.CheckActionState',
        retryable: true,
      });
    }
    await sleep(delay);
  }
}
