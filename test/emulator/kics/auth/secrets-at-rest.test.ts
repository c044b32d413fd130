/**
 * What the KICS emulator's authentication keeps holds no usable credential: the connector password, the
 * connector's private key, refresh tokens and access tokens appear neither in the database (SQLite file or
 * PostgreSQL rows) nor in the audit entries; refresh tokens are there as SHA-256 hashes only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import forge from 'node-forge';
import { hashToken } from '../../../../src/emulator/kics/auth/refresh-tokens.ts';
import { withClient } from '../../../support/postgres.ts';
import {
  BACKENDS,
  CERTIFICATE_GRANT,
  client,
  packageCredentials,
  refreshGrant,
  startAuthHarness,
  TEST_CONNECTOR_PASSWORD,
  type AuthHarness,
  type Backend,
  type Tokens,
} from './harness.ts';

/** Everything stored, as text: the SQLite files' bytes, or every row of every PostgreSQL table. */
async function storedText(harness: AuthHarness): Promise<string> {
  const { file, url } = harness.location;
  if (file !== undefined) {
    return ['', '-wal', '-journal']
      .map((suffix) => `${file}${suffix}`)
      .filter((name) => existsSync(name))
      .map((name) => readFileSync(name).toString('latin1'))
      .join('\n');
  }
  return withClient(url ?? '', async (pg) => {
    const tables = await pg.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await pg.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      for (const { row } of rows.rows) parts.push(row);
    }
    return parts.join('\n');
  });
}

/**
 * The private key inside a package's PFX, in forms it could be stored in: the end of its PEM text (private CRT
 * values; the start holds the public modulus, which the stored certificate has anyway) and its private exponent.
 */
function privateKeyForms(pfx: Buffer, password: string): string[] {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), password);
  const bag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
    forge.pki.oids.pkcs8ShroudedKeyBag!
  ]?.[0];
  const key = bag?.key as forge.pki.rsa.PrivateKey | undefined;
  if (key === undefined) throw new Error('no key in the package');
  const pem = forge.pki.privateKeyToPem(key);
  const body = pem.split('\n').slice(1, -2).join('');
  return [body.slice(-64), key.d.toString(16).slice(0, 64)];
}

describe.each(BACKENDS)('KICS emulator auth secrets at rest (%s)', (backend: Backend) => {
  let harness: AuthHarness;
  beforeAll(async () => {
    harness = await startAuthHarness(backend, backend === 'postgres' ? inject('pgUrl') : undefined);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('stores no password, private key or token in usable form, and audits none', async () => {
    const credentials = packageCredentials(harness.firstPackage);
    const connector = client(harness, credentials);
    let first: Tokens;
    let second: Tokens;
    try {
      first = (await connector.call('POST', CERTIFICATE_GRANT)).json as Tokens;
      second = (await connector.call('POST', refreshGrant(first.refresh_token))).json as Tokens;
      expect((await connector.call('GET', '/kics/api/v3/about', second.access_token)).status).toBe(200);
      // A refused reuse is audited too.
      expect((await connector.call('POST', refreshGrant(first.refresh_token))).status).toBe(401);
    } finally {
      await connector.close();
    }
    const generated = await harness.auth.addConnector({ name: 'generated', serverUrl: harness.server.url });

    const stored = await storedText(harness);
    const audit = JSON.stringify(harness.audit);
    const secrets = [
      TEST_CONNECTOR_PASSWORD,
      generated.password,
      ...privateKeyForms(credentials.pfx, credentials.passphrase),
      ...privateKeyForms(readFileSync(generated.certificatesFile), generated.password),
      first.access_token,
      first.refresh_token,
      second.access_token,
      second.refresh_token,
      // The signature alone would let a reader replay the token: no part of it is kept either.
      second.access_token.split('.')[2] ?? '',
    ];
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(stored).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    // The refresh tokens are there, hashed: that is what lets rotation and reuse detection work.
    expect(stored).toContain(hashToken(first.refresh_token));
    expect(stored).toContain(hashToken(second.refresh_token));
    expect(harness.audit.length).toBeGreaterThanOrEqual(3);
  });
});
