import type { AsyncActions } from './actions.ts';
import type { AgentScheduler } from './agents/scheduler.ts';
import type { CallCounter } from './call-counter.ts';
import type { Rights } from './auth/rights.ts';
import type { GatewayTarget, Session, SessionStore } from './auth/sessions.ts';
import type { Clock } from '../core/clock.ts';
import type { IteratorRegistry } from './iterators.ts';
import type { KscWorld, UserRecord } from './world.ts';

/** Everything a method handler may use. Handlers never see the HTTP request. */
export interface MethodContext {
  readonly world: KscWorld;
  readonly clock: Clock;
  readonly iterators: IteratorRegistry;
  readonly actions: AsyncActions;
  /** The simulated Network Agents: queue work for a host's next sync, schedule timed follow-ups. */
  readonly agents: AgentScheduler;
  readonly sessions: SessionStore;
  /** The calls this server process answered so far (the statistics report them). */
  readonly calls: CallCounter;
  readonly user: UserRecord;
  readonly vserverId: number;
  /** The session the call came in, if any (per-request KSCBasic and KSCT calls have none). */
  readonly session: Session | undefined;
  /** On a gateway connection (`KSCGW`): the Network Agent the call is served by. */
  readonly gateway: GatewayTarget | undefined;
  /** Owner of the result sets and actions this call creates: its session, or the user for sessionless calls. */
  readonly owner: string;
  /** Effective rights in the two role scopes. */
  readonly rights: { readonly server: Rights; readonly devices: Rights };
  readonly requestId: string | undefined;
  /** `Instance` of `Instance.Class.Method`, when the caller named one (`HostsTags` for `ListTags`). */
  readonly instance?: string | undefined;
}

/**
 * Whether device data may come back: the caller's roles in the Managed devices scope must grant Basic/Read
 * (seed 001's setup guide; decisions/0004).
 */
export function canSeeDevices(ctx: MethodContext): boolean {
  return ctx.rights.devices.basic?.includes('read') === true;
}
