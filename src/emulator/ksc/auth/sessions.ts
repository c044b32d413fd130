import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';

/**
 * A live session as the emulator keeps it: under the SHA-256 of its id, never the id itself, so nothing the
 * emulator holds or writes (result-set owners, stored statistics requests) can be replayed as a session.
 */
export interface Session {
  /** SHA-256 (hex) of the session id: the session's name everywhere inside the emulator. */
  readonly key: string;
  readonly userId: number;
  readonly vserverId: number;
  readonly createdAt: number;
  lastUsed: number;
  /** Set on a gateway connection: the calls go to this Network Agent, not to the server. */
  readonly gateway?: GatewayTarget;
}

/** Where a gateway connection leads: the Network Agent of one host (decisions/0062). */
export interface GatewayTarget {
  readonly hostId: string;
}

interface GatewayKey {
  readonly userId: number;
  readonly vserverId: number;
  readonly target: GatewayTarget;
  readonly expiresAt: number;
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
  /** Validity of a gateway key (ms); the reference documents 60 seconds. */
  readonly gatewayKeyLifetimeMs?: number;
}

/** Looks like the ids real servers hand out (`nsPbUpP1oAVZlM1lODEbg8A==`): 24 characters of base64. */
function newSessionId(): string {
  return `ns${randomBytes(15).toString('base64').slice(0, 20)}==`;
}

/** The key a session or token is kept under: SHA-256 of what the client presents, hex. */
export function secretKey(presented: string): string {
  return createHash('sha256').update(presented, 'utf8').digest('hex');
}

/**
 * Authenticated sessions and one-time tokens, in memory: like a real server's, they do not survive a restart.
 * Both are kept under the hash of what the client presents (decisions/0024), and looked up by hashing it again.
 * Expiry is judged on the emulator clock, so tests can expire sessions by advancing it.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  /**
   * The ids handed out, by key, for {@link ids} alone: in memory only (never stored, never logged), so tests can
   * search logs and errors for them. Nothing looks a session up here.
   */
  private readonly issued = new Map<string, string>();
  private readonly tokens = new Map<string, Token>();
  private readonly gatewayKeys = new Map<string, GatewayKey>();
  private readonly endListeners: Array<(session: Session) => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly options: SessionStoreOptions,
  ) {}

  /** Opens a session; `id` is what the client gets, once: the store keeps only its {@link Session.key}. */
  create(userId: number, vserverId: number, gateway?: GatewayTarget): { id: string; session: Session } {
    const now = this.clock.now();
    const id = newSessionId();
    const session: Session = {
      key: secretKey(id),
      userId,
      vserverId,
      createdAt: now,
      lastUsed: now,
      ...(gateway === undefined ? {} : { gateway }),
    };
    this.sessions.set(session.key, session);
    this.issued.set(session.key, id);
    return { id, session };
  }

  /** The live session a client presents `id` of, refreshed; an idle-expired one is ended and `undefined` returned. */
  use(id: string): Session | undefined {
    return this.useKey(secretKey(id));
  }

  /** {@link use} by the session's key (a connection-bound login, whose id no client ever sees). */
  useKey(key: string): Session | undefined {
    const session = this.sessions.get(key);
    if (session === undefined) return undefined;
    const now = this.clock.now();
    if (now - session.lastUsed > this.options.idleTimeoutMs) {
      this.end(key);
      return undefined;
    }
    session.lastUsed = now;
    return session;
  }

  /** Ends the session with this {@link Session.key}. */
  end(key: string): void {
    const session = this.sessions.get(key);
    if (session === undefined) return;
    this.sessions.delete(key);
    this.issued.delete(key);
    for (const listener of this.endListeners) listener(session);
  }

  /** Ends every session (fault injection: "the server restarted its session table"). */
  endAll(): number {
    const ids = [...this.sessions.keys()];
    for (const id of ids) this.end(id);
    return ids.length;
  }

  /** Ends the sessions on one virtual server (it was deleted, or its connections closed). */
  endOnVServer(vserverId: number): number {
    const keys = [...this.sessions.values()].filter((s) => s.vserverId === vserverId).map((s) => s.key);
    for (const key of keys) this.end(key);
    return keys.length;
  }

  onEnd(listener: (session: Session) => void): void {
    this.endListeners.push(listener);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Ids of the live sessions (tests search logs and errors for them). */
  ids(): string[] {
    return [...this.issued.values()];
  }

  /** Issues a one-time token; like a session id, it is kept only as its hash. */
  createToken(userId: number, vserverId: number): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(secretKey(token), {
      userId,
      vserverId,
      expiresAt: this.clock.now() + (this.options.tokenLifetimeMs ?? 180_000),
    });
    return token;
  }

  /** Consumes a one-time token. */
  redeemToken(token: string): { userId: number; vserverId: number } | undefined {
    const key = secretKey(token);
    const entry = this.tokens.get(key);
    if (entry === undefined) return undefined;
    this.tokens.delete(key);
    return entry.expiresAt >= this.clock.now()
      ? { userId: entry.userId, vserverId: entry.vserverId }
      : undefined;
  }

  /** Issues a one-time gateway key (`KSCGW`) leading to `target`; kept only as its hash, like a token. */
  createGatewayKey(userId: number, vserverId: number, target: GatewayTarget): string {
    const key = randomBytes(24).toString('base64');
    this.gatewayKeys.set(secretKey(key), {
      userId,
      vserverId,
      target,
      expiresAt: this.clock.now() + (this.options.gatewayKeyLifetimeMs ?? 60_000),
    });
    return key;
  }

  /** Consumes a gateway key: the caller it was issued to, and where it leads. */
  redeemGatewayKey(key: string): { userId: number; vserverId: number; target: GatewayTarget } | undefined {
    const hash = secretKey(key);
    const entry = this.gatewayKeys.get(hash);
    if (entry === undefined) return undefined;
    this.gatewayKeys.delete(hash);
    return entry.expiresAt >= this.clock.now() ? entry : undefined;
  }
}
