import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { AuthTables } from './tables.ts';

export type RefreshOutcome =
  | { readonly status: 'valid'; readonly connectorId: string; readonly familyId: string }
  | { readonly status: 'unknown' }
  | { readonly status: 'expired'; readonly connectorId: string }
  /** Presented a second time: the family it belongs to is revoked (someone else may hold a copy). */
  | { readonly status: 'reused'; readonly connectorId: string };

/** How long a used or expired token's row is kept, to recognise a late reuse: a day. */
const KEEP_AFTER_EXPIRY_MS = 86_400_000;

/**
 * Refresh tokens: opaque random strings, stored only as SHA-256 hashes, each usable once. Every use gives a new
 * token of the same family (rotation); presenting a used one revokes the whole family, so a stolen token and the
 * legitimate one cannot both live on (OAuth 2.0 Security BCP, refresh token rotation).
 */
export class RefreshTokens {
  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly clock: Clock,
  ) {}

  /** A new token for `connectorId`, in `familyId` (a new family when absent). */
  async issue(connectorId: string, lifetimeMs: number, familyId: string = randomUUID()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.db
      .insertInto('kics_auth_refresh_tokens')
      .values({
        token_hash: hashToken(token),
        family_id: familyId,
        connector_id: connectorId,
        expires_at: now + lifetimeMs,
        used: 0,
        created_at: now,
      })
      .execute();
    await this.db
      .deleteFrom('kics_auth_refresh_tokens')
      .where('expires_at', '<', now - KEEP_AFTER_EXPIRY_MS)
      .execute();
    return token;
  }

  /** Marks the token used and says what it was; only one of two concurrent uses of a token sees `valid`. */
  async consume(token: string): Promise<RefreshOutcome> {
    const tokenHash = hashToken(token);
    const row = await this.db
      .selectFrom('kics_auth_refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return { status: 'unknown' };
    const connectorId = row.connector_id;
    // The conditional update is the decision: of two concurrent uses, one updates the row and the other reuses it.
    const claimed = await this.db
      .updateTable('kics_auth_refresh_tokens')
      .set({ used: 1 })
      .where('token_hash', '=', tokenHash)
      .where('used', '=', 0)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) {
      await this.revokeFamily(row.family_id);
      return { status: 'reused', connectorId };
    }
    if (Number(row.expires_at) <= this.clock.now()) return { status: 'expired', connectorId };
    return { status: 'valid', connectorId, familyId: row.family_id };
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db
      .updateTable('kics_auth_refresh_tokens')
      .set({ used: 1 })
      .where('family_id', '=', familyId)
      .execute();
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
