/**
 * No token, refresh token, package password or private key in anything the KICS client says: its log records,
 * error messages, or the fields (and causes) of the errors it throws — through grants, extensions, renewals after
 * a 401, refusals, and a fatal authentication failure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_USER } from '../../../src/emulator/kics/auth/kics-auth.ts';
import type { KicsLogRecord } from '../../../src/kics/client/index.ts';
import {
  PACKAGE_PASSWORD,
  startClientHarness,
  TOKEN_LIFETIME_SECONDS,
  type ClientHarness,
} from './harness.ts';
import { heldTokens, testClock } from './support.ts';

/** Everything an error exposes: its message, its own fields, and the same for its causes. */
function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return JSON.stringify(error) ?? String(error);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key];
  return [
    error.name,
    error.message,
    error.stack ?? '',
    safeJson(fields),
    describeError(error.cause, depth + 1),
  ].join('\n');
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item)) ?? ''
    );
  } catch {
    return String(value);
  }
}

describe('KICS client: secrets', () => {
  let harness: ClientHarness;
  beforeAll(async () => {
    harness = await startClientHarness({ devices: 10, events: 30 });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('never shows a token, the password or the private key', async () => {
    const records: KicsLogRecord[] = [];
    const errors: unknown[] = [];
    const secrets = new Set<string>([PACKAGE_PASSWORD]);
    const clock = testClock();
    const client = await harness.client(records, {}, { now: clock.now });
    const remember = (): void => {
      const held = heldTokens(client);
      if (held !== undefined) {
        secrets.add(held.accessToken);
        secrets.add(held.refreshToken);
      }
    };
    try {
      await client.about();
      remember();
      clock.advance(TOKEN_LIFETIME_SECONDS * 0.9);
      await client.queryDevices({ limit: 2 });
      remember();
      await harness.control('POST', '/tokens/expire');
      await client.queryEvents({ limit: 2 });
      remember();
      errors.push(await client.getDevice(999_999).catch((error: unknown) => error));
      errors.push(
        await client
          .updateDevice(1, { addressInformation: [{ macAddress: 'not-a-mac', ipAddresses: [] }] })
          .catch((error: unknown) => error),
      );
      errors.push(await client.queryEvents({ filter: [{ field: 'nope' }] }).catch((error: unknown) => error));
      await harness.control('POST', `/users/${CONNECTOR_USER}`, { blocked: true });
      clock.advance(TOKEN_LIFETIME_SECONDS * 0.9);
      errors.push(await client.about().catch((error: unknown) => error));
      remember();
    } finally {
      await client.close();
      await harness.control('POST', `/users/${CONNECTOR_USER}`, { blocked: false });
    }
    expect(secrets.size).toBeGreaterThanOrEqual(5); // the password and at least two pairs of tokens
    expect(errors.every((error) => error instanceof Error)).toBe(true);
    expect(records.length).toBeGreaterThan(5);

    // The private key: its PEM body and its private exponent, as they could be printed.
    const pfx = readFileSync(path.join(harness.kics.packageDir, 'certificates.pfx'));
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), PACKAGE_PASSWORD);
    const key = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
      forge.pki.oids.pkcs8ShroudedKeyBag!
    ]![0]!.key as forge.pki.rsa.PrivateKey;
    const pemBody = forge.pki.privateKeyToPem(key).split('\n').slice(1, -2).join('');
    secrets.add(pemBody.slice(-64));
    secrets.add(key.d.toString(16).slice(0, 64));

    const said = [
      ...records.map((record) => safeJson(record)),
      ...errors.map((error) => describeError(error)),
    ].join('\n');
    for (const secret of secrets) expect(said).not.toContain(secret);
  });
});
