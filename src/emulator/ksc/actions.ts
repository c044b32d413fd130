import { randomBytes } from 'node:crypto';
import type { KlParams } from '../../ksc/values.ts';
import type { Clock } from '../core/clock.ts';
import { faults } from './faults.ts';

interface Action {
  readonly owner: string;
  readonly finishesAt: number;
  readonly succeeded: boolean;
  readonly stateCode: number;
  readonly stateData: KlParams;
}

export interface ActionState {
  readonly finalized: boolean;
  readonly succeeded: boolean;
  readonly stateCode: number;
  readonly stateData: KlParams;
  /** Milliseconds the client should wait before asking again (`lNextCheckDelay`). */
  readonly nextCheckDelayMs: number;
}

/**
 * Asynchronous actions (`strActionGuid`, checked with `AsyncActionStateChecker.CheckActionState`). The work is
 * done when the action starts; the action reports itself finished after `durationMs` on the emulator clock, so
 * clients exercise their polling.
 */
/** What `HostGroup.GetInstanceStatistics` reports as `KLASYNCACT_COUNTERS`. */
export interface AsyncActionCounters {
  /** Actions started and not yet reported finished. */
  readonly open: number;
  readonly finalized: number;
  /** Owners (sessions, or users for sessionless calls) holding an open action. */
  readonly owners: number;
  /** Summed run time of the finalized actions, ms. */
  readonly finalizedDurationMs: number;
}

export class AsyncActions {
  private readonly actions = new Map<string, Action & { readonly startedAt: number }>();
  private finalizedCount = 0;
  private finalizedDurationMs = 0;

  constructor(private readonly clock: Clock) {}

  start(
    owner: string,
    outcome: { succeeded: boolean; stateCode?: number; stateData?: KlParams },
    durationMs = 500,
    /** An id the client chose (`FileCategorizer2.DoStaticAnalysisAsync`'s `wstrRequestId`); default a new GUID. */
    chosenGuid?: string,
  ): string {
    const guid = chosenGuid ?? randomBytes(16).toString('hex').toUpperCase();
    this.actions.set(guid, {
      owner,
      startedAt: this.clock.now(),
      finishesAt: this.clock.now() + durationMs,
      succeeded: outcome.succeeded,
      stateCode: outcome.stateCode ?? 0,
      stateData: outcome.stateData ?? {},
    });
    return guid;
  }

  check(guid: string, owner: string): ActionState {
    const action = this.actions.get(guid);
    if (action === undefined || action.owner !== owner)
      throw faults.notFound(`Action '${guid}' was not found`);
    const remaining = action.finishesAt - this.clock.now();
    if (remaining > 0) {
      return {
        finalized: false,
        succeeded: false,
        stateCode: 0,
        stateData: {},
        nextCheckDelayMs: Math.min(remaining, 1000),
      };
    }
    // A finished action is reported once more and then forgotten, as KSC drops finalized actions.
    this.actions.delete(guid);
    this.finalizedCount++;
    this.finalizedDurationMs += action.finishesAt - action.startedAt;
    return {
      finalized: true,
      succeeded: action.succeeded,
      stateCode: action.stateCode,
      stateData: action.stateData,
      nextCheckDelayMs: 0,
    };
  }

  counters(): AsyncActionCounters {
    return {
      open: this.actions.size,
      finalized: this.finalizedCount,
      owners: new Set([...this.actions.values()].map((a) => a.owner)).size,
      finalizedDurationMs: this.finalizedDurationMs,
    };
  }
}
