import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// A modest cost: the emulator verifies on every per-request KSCBasic call, and its passwords guard test data.
const COST = 2 ** 12;
const KEY_LENGTH = 32;

/** Hashes a password as `scrypt$<cost>$<salt b64>$<key b64>`. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, KEY_LENGTH, { N: COST });
  return `scrypt$${COST}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [kind, cost, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || cost === undefined || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(cost) });
  return timingSafeEqual(actual, expected);
}
