import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthTables } from './tables.ts';

const NAME = 'access-token-hs256';

/**
 * The HMAC key access tokens are signed with: 32 random bytes made on first start and kept, so tokens survive a
 * restart. It is the one secret the database holds in usable form (HS256 needs the key itself); the database is
 * private (600) for that reason among others.
 */
export async function loadSigningSecret(db: Kysely<AuthTables>): Promise<Buffer> {
  const read = async (): Promise<string | undefined> =>
    (await db.selectFrom('kics_auth_secrets').select('value').where('name', '=', NAME).executeTakeFirst())
      ?.value;
  const existing = await read();
  if (existing !== undefined) return Buffer.from(existing, 'base64url');
  // Two emulators starting on one database: the first insert wins and both read it back.
  await db
    .insertInto('kics_auth_secrets')
    .values({ name: NAME, value: randomBytes(32).toString('base64url') })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const value = await read();
  if (value === undefined) throw new Error('the token signing secret could not be stored');
  return Buffer.from(value, 'base64url');
}
