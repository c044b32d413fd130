import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AuditEntry, AuditLog } from './audit.ts';
import type { ServiceLogger } from './app.ts';
import { unauthenticatedMessage, wwwAuthenticate } from './auth.ts';

export interface AuthFailureOptions {
  /** The window failures are counted (and audited) in, per client address. Default 60 s. */
  readonly windowMs?: number;
  /** Failed authentications a client may make in a window before it is answered 429. Default 20. */
  readonly burst?: number;
}

/** What the service answers a refused authentication: 401, or 429 once the client is past its burst. */
export interface AuthFailureVerdict {
  readonly limited: boolean;
  /** Seconds until the client's window ends (the `Retry-After` of a 429). */
  readonly retryAfterSeconds: number;
  /** The client's window: {@link AuthFailures.audit} writes its one row. */
  readonly window: FailureWindow;
}

interface FailureWindow {
  readonly started: number;
  count: number;
  /** The count the audit row holds. */
  written: number;
  /** The id of the window's audit row, once its first refusal was audited. */
  row: Promise<number | undefined> | undefined;
}

/** Beyond this many addresses in one window, the rest share one window (memory stays bounded under a spray). */
const MAX_CLIENTS = 10_000;
const OVERFLOW_CLIENT = '(other clients)';

/**
 * Failed authentications per client address. A client may fail `burst` times in a window, then is answered 429
 * with `Retry-After` until the window ends. The audit log gets one row per client and window, whose `count`
 * says how many refusals it stands for, so a flood of bad tokens costs one row a minute, not one per request.
 * Calls with a valid token are never counted here: their rows are written one by one.
 */
export class AuthFailures {
  readonly windowMs: number;
  readonly burst: number;
  private readonly windows = new Map<string, FailureWindow>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditLog,
    options: AuthFailureOptions = {},
    private readonly now: () => number = Date.now,
    private readonly log: ServiceLogger = () => undefined,
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.burst = options.burst ?? 20;
    this.timer = setInterval(() => void this.flush(), this.windowMs);
    this.timer.unref();
  }

  /** Counts one refused authentication from `client`. */
  refuse(client: string): AuthFailureVerdict {
    const now = this.now();
    let key = client;
    if (!this.windows.has(key) && this.windows.size >= MAX_CLIENTS) key = OVERFLOW_CLIENT;
    let window = this.windows.get(key);
    if (window === undefined || now - window.started >= this.windowMs) {
      if (window !== undefined) void this.writeCount(window);
      window = { started: now, count: 0, written: 0, row: undefined };
      this.windows.set(key, window);
    }
    window.count++;
    const retryAfterSeconds = Math.max(1, Math.ceil((window.started + this.windowMs - now) / 1000));
    return { limited: window.count > this.burst, retryAfterSeconds, window };
  }

  /** Whether this refusal is the first of its window, the one that writes the row (the log's cue too). */
  isFirst(verdict: AuthFailureVerdict): boolean {
    return verdict.window.row === undefined;
  }

  /** Audits a refusal: the window's first writes its row, later ones only raise the row's count (on flush). */
  async record(verdict: AuthFailureVerdict, entry: AuditEntry): Promise<void> {
    const window = verdict.window;
    if (window.row !== undefined) return;
    window.written = window.count;
    window.row = this.audit.record({ ...entry, count: window.count }).catch((error: unknown) => {
      this.log({
        level: 'error',
        message: 'audit log write failed',
        requestId: entry.requestId,
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    });
    await window.row;
  }

  /** Brings every row's count up to date and forgets windows that ended. */
  async flush(): Promise<void> {
    const now = this.now();
    const writes: Promise<void>[] = [];
    for (const [client, window] of this.windows) {
      writes.push(this.writeCount(window));
      if (now - window.started >= this.windowMs) this.windows.delete(client);
    }
    await Promise.all(writes);
  }

  /** Stops the periodic flush and writes the last counts. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writeCount(window: FailureWindow): Promise<void> {
    if (window.row === undefined || window.count === window.written) return;
    const count = window.count;
    window.written = count;
    const id = await window.row;
    if (id === undefined) return;
    try {
      await this.audit.setCount(id, count);
    } catch (error) {
      this.log({
        level: 'error',
        message: 'audit log write failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** How the service answers a call without a valid token. */
export interface AuthenticationRefusal {
  readonly status: 401 | 429;
  readonly headers: Record<string, string>;
  readonly message: string;
  /** The first refusal of the client's window: the one audited and logged above debug. */
  readonly first: boolean;
  readonly verdict: AuthFailureVerdict;
}

/** The caller's address as the socket shows it (a proxy's, behind one); `unknown` outside Node's server. */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The answer to a refused authentication: 401, or 429 with Retry-After once the client is past its burst. */
export function authenticationRefusal(
  deps: { readonly authFailures: AuthFailures },
  c: Context,
  given: string | undefined,
): AuthenticationRefusal {
  const verdict = deps.authFailures.refuse(clientAddress(c));
  const first = deps.authFailures.isFirst(verdict);
  if (verdict.limited) {
    return {
      status: 429,
      headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
      message:
        `Too many failed authentications from this address: retry after ${verdict.retryAfterSeconds} s ` +
        `with a valid API token`,
      first,
      verdict,
    };
  }
  return {
    status: 401,
    headers: { 'WWW-Authenticate': wwwAuthenticate(given) },
    message: unauthenticatedMessage(given),
    first,
    verdict,
  };
}
