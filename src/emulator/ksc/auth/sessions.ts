import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';

export interface Session {
  readonly id: string;
  readonly userId: number;
  readonly vserverId: number;
  readonly createdAt: number;
  lastUsed: number;
}

interface Token {
  readonly userId: number;
  readonly vserverId: number;
  readonly expiresAt: number;
}

export interface SessionStoreOptions {
  /** Idle time after which a session ends (ms). */
  readonly idleTimeoutMs: number;
  /** Validity of a one-time `KSCT` token (ms); go-ksc documents 3 minutes. */
  readonly tokenLifetimeMs?: number;
}

/** Looks like the ids real servers hand out (`nsPbUpP1oAVZlM1lODEbg8A==`): 24 characters of base64. */
function newSessionId(): string {
  return `ns${randomBytes(15).toString('base64').slice(0, 20)}==`;
}

/**
 * Authenticated sessions and one-time tokens, in memory: like a real server's, they do not survive a restart.
 * Expiry is judged on the emulator clock, so tests can expire sessions by advancing it.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, Token>();
  private readonly endListeners: Array<(session: Session) => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly options: SessionStoreOptions,
  ) {}

  create(userId: number, vserverId: number): Session {
    const now = this.clock.now();
    const session: Session = { id: newSessionId(), userId, vserverId, createdAt: now, lastUsed: now };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, refreshed; an idle-expired one is ended and `undefined` returned. */
  use(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.clock.now();
    if (now - session.lastUsed > this.options.idleTimeoutMs) {
      this.end(id);
      return undefined;
    }
    session.lastUsed = now;
    return session;
  }

  end(id: string): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    for (const listener of this.endListeners) listener(session);
  }

  /** Ends every session (fault injection: "the server restarted its session table"). */
  endAll(): number {
    const ids = [...this.sessions.keys()];
    for (const id of ids) this.end(id);
    return ids.length;
  }

  onEnd(listener: (session: Session) => void): void {
    this.endListeners.push(listener);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Ids of the live sessions (tests search logs and errors for them). */
  ids(): string[] {
    return [...this.sessions.keys()];
  }

  createToken(userId: number, vserverId: number): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, {
      userId,
      vserverId,
      expiresAt: this.clock.now() + (this.options.tokenLifetimeMs ?? 180_000),
    });
    return token;
  }

  /** Consumes a one-time token. */
  redeemToken(token: string): { userId: number; vserverId: number } | undefined {
    const entry = this.tokens.get(token);
    if (entry === undefined) return undefined;
    this.tokens.delete(token);
    return entry.expiresAt >= this.clock.now()
      ? { userId: entry.userId, vserverId: entry.vserverId }
      : undefined;
  }
}
