import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { faults } from '../faults.ts';
import { isEnabled, mayConnect } from '../hierarchy/virtual-servers.ts';
import type { KscWorld, UserRecord } from '../world.ts';
import { CredentialsFormatError, parseAuthorization, parseVServerHeader } from './credentials.ts';
import { verifyPassword } from './passwords.ts';
import type { GatewayTarget, SessionStore } from './sessions.ts';

export interface LockoutPolicy {
  /** Consecutive wrong passwords that lock an account (KSC: 10). */
  readonly attempts: number;
  /** How long the lock lasts (KSC: one hour). */
  readonly durationMs: number;
}

export interface Authenticated {
  readonly user: UserRecord;
  readonly vserverId: number;
  /** Set when the caller logged in with a gateway key: its calls go to that Network Agent. */
  readonly gateway?: GatewayTarget;
}

// Per-request KSCBasic clients send the password on every call; remembering a verified password for a short
// while keeps the emulator from spending a password hash on each request.
const VERIFIED_TTL_MS = 60_000;

/**
 * Checks the credentials of an `Authorization` header against the world's users, with KSC's lockout: after
 * `attempts` consecutive wrong passwords the account is locked for `durationMs`, and while locked even the right
 * password is refused with the lockout error.
 */
export class Authenticator {
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly world: KscWorld,
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
    private readonly lockout: LockoutPolicy,
  ) {}

  async authenticate(authorization: string, vserverHeader: string | undefined): Promise<Authenticated> {
    let credentials;
    let vserverName: string;
    try {
      credentials = parseAuthorization(authorization);
      vserverName = parseVServerHeader(vserverHeader);
    } catch (error) {
      if (error instanceof CredentialsFormatError) throw faults.authenticationFailure();
      throw error;
    }
    if (credentials.scheme === 'token') {
      const redeemed = this.sessions.redeemToken(credentials.token);
      const user = redeemed === undefined ? undefined : this.world.users.get(redeemed.userId);
      if (redeemed === undefined || user === undefined) throw faults.authenticationFailure();
      return { user, vserverId: redeemed.vserverId };
    }
    if (credentials.scheme === 'gateway') {
      const redeemed = this.sessions.redeemGatewayKey(credentials.key);
      const user = redeemed === undefined ? undefined : this.world.users.get(redeemed.userId);
      if (redeemed === undefined || user === undefined) throw faults.authenticationFailure();
      return { user, vserverId: redeemed.vserverId, gateway: redeemed.target };
    }
    const vserver = this.world.vserverByName(vserverName);
    if (vserver === undefined || !(await isEnabled(this.world, vserver.id)))
      throw faults.authenticationFailure();
    const user = await this.userOf(vserver.id, credentials.user);
    if (user === undefined) throw faults.authenticationFailure();
    const now = this.clock.now();
    if (user.lockedUntil !== null && user.lockedUntil > now) throw faults.accountLocked();
    if (!this.passwordMatches(user, credentials.password, now)) {
      user.failedAttempts += 1;
      if (user.failedAttempts >= this.lockout.attempts) {
        user.lockedUntil = now + this.lockout.durationMs;
        user.failedAttempts = 0;
      }
      await this.world.saveUserLoginState(user);
      throw faults.authenticationFailure();
    }
    if (user.failedAttempts !== 0 || user.lockedUntil !== null) {
      user.failedAttempts = 0;
      user.lockedUntil = null;
      await this.world.saveUserLoginState(user);
    }
    return { user, vserverId: vserver.id };
  }

  /**
   * The account a login names: the server's own user, or on a virtual server a user of the main server whom the
   * virtual server's access list lets connect (docs/decisions/0068).
   */
  private async userOf(vserverId: number, name: string): Promise<UserRecord | undefined> {
    const own = this.world.userByName(vserverId, name);
    if (own !== undefined || vserverId === 0) return own;
    const main = this.world.userByName(0, name);
    return main !== undefined && (await mayConnect(this.world, vserverId, main)) ? main : undefined;
  }

  private passwordMatches(user: UserRecord, password: string, now: number): boolean {
    const key = createHash('sha256')
      .update(`${user.id}\u0000${user.passwordHash}\u0000${password}`)
      .digest('base64');
    const until = this.verified.get(key);
    if (until !== undefined && until > now) return true;
    if (!verifyPassword(password, user.passwordHash)) return false;
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(key, now + VERIFIED_TTL_MS);
    return true;
  }
}
