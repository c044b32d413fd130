/**
 * The KICS emulator's token flow over real HTTPS on loopback, on SQLite and PostgreSQL: mutual TLS with the
 * package's PFX, refresh-token rotation, other connectors and foreign certificates, removed connectors, blocked and
 * deleted users, roles, expiry on the emulator's clock, malformed tokens and the control API's grant.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmulatorPki } from '../../../../src/emulator/kics/auth/pki.ts';
import { writePkcs12 } from '../../../../src/emulator/kics/auth/pkcs12.ts';
import { CONNECTOR_USER } from '../../../../src/emulator/kics/auth/kics-auth.ts';
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
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

describe.each(BACKENDS)('KICS emulator tokens (%s)', (backend: Backend) => {
  let harness: AuthHarness;
  beforeAll(async () => {
    harness = await startAuthHarness(backend, backend === 'postgres' ? inject('pgUrl') : undefined);
  });
  afterAll(async () => {
    await harness.close();
  });

  async function firstToken(): Promise<Tokens> {
    const connector = client(harness, packageCredentials(harness.firstPackage));
    try {
      const answer = await connector.call('POST', CERTIFICATE_GRANT);
      expect(answer.status).toBe(200);
      return answer.json as Tokens;
    } finally {
      await connector.close();
    }
  }

  it('writes the first connector package: a PFX and metadata, private, with the addresses to use', () => {
    const written = harness.firstPackage;
    expect(written.password).toBe(TEST_CONNECTOR_PASSWORD);
    expect(written.passwordGenerated).toBe(false);
    expect(statSync(written.dir).mode & 0o777).toBe(0o700);
    expect(statSync(written.certificatesFile).mode & 0o777).toBe(0o600);
    expect(statSync(written.metadataFile).mode & 0o777).toBe(0o600);
    const metadata = JSON.parse(readFileSync(written.metadataFile, 'utf8')) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      format: 'kconnect-kics-emulator-package/1',
      apiBaseUrl: `${harness.server.url}/kics/api/v3`,
      authUrl: `${harness.server.url}/kics/api/auth/v3/token`,
      apiVersion: 'v3',
      serverHost: '127.0.0.1',
      serverPort: harness.server.port,
      connectorName: 'kconnect',
      connectorType: 'Generic',
      user: CONNECTOR_USER,
      certificatesFile: 'certificates.pfx',
    });
    expect(JSON.stringify(metadata)).not.toContain(TEST_CONNECTOR_PASSWORD);
  });

  it('gives a token for the package certificate, on v3 and v4, and the token opens the API', async () => {
    const tokens = await firstToken();
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      refresh_token: expect.any(String),
    });
    const connector = client(harness, packageCredentials(harness.firstPackage));
    try {
      const v4 = await connector.call('POST', '/kics/api/auth/v4/token?grant_type=certificate');
      expect(v4.status).toBe(200);
      const about = await connector.call('GET', '/kics/api/v3/about', tokens.access_token);
      expect(about.status).toBe(200);
      expect(about.json).toMatchObject({
        principal: { connectorName: 'kconnect', user: CONNECTOR_USER, role: 'Administrator' },
      });
      const write = await connector.call('POST', '/kics/api/v3/devices/remove', tokens.access_token);
      expect(write.status).toBe(200);
    } finally {
      await connector.close();
    }
    expect(harness.audit).toContainEqual({
      user: CONNECTOR_USER,
      action: 'Receive token',
      result: 'Success',
      description: expect.stringContaining('kconnect'),
    });
  });

  it('rotates refresh tokens: a used one is refused and its reuse revokes the family', async () => {
    const first = await firstToken();
    // Token endpoint calls need no certificate once a refresh token is held.
    const anyone = client(harness);
    try {
      const refreshed = await anyone.call('POST', refreshGrant(first.refresh_token));
      expect(refreshed.status).toBe(200);
      const second = refreshed.json as Tokens;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.access_token).not.toBe(first.access_token);
      expect((await anyone.call('GET', '/kics/api/v3/about', second.access_token)).status).toBe(200);

      const reused = await anyone.call('POST', refreshGrant(first.refresh_token));
      expect(reused.status).toBe(401);
      expect(reused.json).toEqual({ errorMessage: expect.stringContaining('already used') });
      // The reuse revoked the family: the newest refresh token of it is refused as well.
      const revoked = await anyone.call('POST', refreshGrant(second.refresh_token));
      expect(revoked.status).toBe(401);

      const unknown = await anyone.call('POST', refreshGrant('not-a-token'));
      expect(unknown.status).toBe(401);
      expect(unknown.json).toEqual({ errorMessage: 'The refresh token is not valid.' });
    } finally {
      await anyone.close();
    }
    expect(harness.audit).toContainEqual(
      expect.objectContaining({ action: 'Extend token', result: 'Success', user: CONNECTOR_USER }),
    );
    expect(harness.audit).toContainEqual(
      expect.objectContaining({ action: 'Extend token', result: 'Failure', user: CONNECTOR_USER }),
    );
  });

  it('refuses a refresh token past its lifetime', async () => {
    const tokens = await firstToken();
    harness.clock.advance((ACCESS_TOKEN_LIFETIME_SECONDS + 1) * 1000);
    const anyone = client(harness);
    try {
      const answer = await anyone.call('POST', refreshGrant(tokens.refresh_token));
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ errorMessage: 'The refresh token has expired.' });
    } finally {
      await anyone.close();
    }
  });

  it('answers 400 "Incorrect parameters" for a missing or unknown grant_type', async () => {
    const anyone = client(harness);
    try {
      const missing = await anyone.call('POST', '/kics/api/auth/v3/token');
      expect(missing.status).toBe(400);
      expect(missing.json).toEqual({ errorMessage: 'Incorrect parameters: grant_type=' });
      const unknown = await anyone.call('POST', '/kics/api/auth/v3/token?grant_type=password');
      expect(unknown.status).toBe(400);
      expect(unknown.json).toEqual({ errorMessage: 'Incorrect parameters: grant_type=password' });
      const noRefresh = await anyone.call('POST', '/kics/api/auth/v3/token?grant_type=refresh_token');
      expect(noRefresh.status).toBe(400);
    } finally {
      await anyone.close();
    }
  });

  it("accepts a second connector's certificate and refuses none, a foreign CA's and a removed connector's", async () => {
    const second = await harness.auth.addConnector({
      name: 'siem connector',
      description: 'a second recipient',
      serverUrl: harness.server.url,
    });
    expect(second.passwordGenerated).toBe(true);
    expect(second.password).toMatch(/^[\w-]{24}$/);
    const secondClient = client(harness, packageCredentials(second));
    const nobody = client(harness);
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-kics-other-ca-'));
    try {
      const granted = await secondClient.call('POST', CERTIFICATE_GRANT);
      expect(granted.status).toBe(200);
      const token = (granted.json as Tokens).access_token;
      const about = await secondClient.call('GET', '/kics/api/v3/about', token);
      expect(about.json).toMatchObject({ principal: { connectorName: 'siem connector' } });

      const none = await nobody.call('POST', CERTIFICATE_GRANT);
      expect(none.status).toBe(401);
      expect(none.json).toEqual({ errorMessage: 'A connector certificate is required to get a token.' });

      // A certificate that looks the same but comes from another server's CA.
      const otherPki = EmulatorPki.open(otherDir, { host: '127.0.0.1' });
      const foreign = otherPki.issueClientCertificate('kconnect KICS connector kconnect');
      const pfx = writePkcs12({
        key: foreign.key,
        certificates: [foreign.cert, otherPki.caCertificate],
        password: 'x',
      });
      const foreignClient = client(harness, { pfx, passphrase: 'x' });
      try {
        const refused = await foreignClient.call('POST', CERTIFICATE_GRANT);
        expect(refused.status).toBe(401);
        expect(refused.json).toEqual({ errorMessage: 'The certificate was not issued by this server.' });
      } finally {
        await foreignClient.close();
      }

      await harness.auth.connectors.remove(second.metadata.connectorId);
      const removed = await secondClient.call('POST', CERTIFICATE_GRANT);
      expect(removed.status).toBe(401);
      expect(removed.json).toEqual({ errorMessage: 'The connector was removed.' });
      // Its tokens stop working too.
      const call = await secondClient.call('GET', '/kics/api/v3/about', token);
      expect(call.status).toBe(401);
      expect(call.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    } finally {
      await secondClient.close();
      await nobody.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
    expect(harness.audit).toContainEqual(
      expect.objectContaining({ action: 'Receive token', result: 'Failure', user: 'unknown' }),
    );
  });

  it('gives a blocked user no token (certificate or refresh) and refuses calls of a deleted user', async () => {
    const written = await harness.auth.addConnector({
      name: 'blocked-one',
      user: 'analyst',
      role: 'Administrator',
      serverUrl: harness.server.url,
    });
    const connector = client(harness, packageCredentials(written));
    try {
      const tokens = (await connector.call('POST', CERTIFICATE_GRANT)).json as Tokens;
      await harness.auth.users.block('analyst');
      const refused = await connector.call('POST', CERTIFICATE_GRANT);
      expect(refused.status).toBe(403);
      expect(refused.json).toEqual({ errorMessage: 'The user account "analyst" is blocked.' });
      const refresh = await connector.call('POST', refreshGrant(tokens.refresh_token));
      expect(refresh.status).toBe(403);
      // KICS checks blocking when it issues tokens; a token already held works until it expires.
      expect((await connector.call('GET', '/kics/api/v3/about', tokens.access_token)).status).toBe(200);
      expect(harness.audit).toContainEqual({
        user: 'analyst',
        action: 'Receive token',
        result: 'Failure',
        description: 'The user account "analyst" is blocked.',
      });

      await harness.auth.users.delete('analyst');
      const deleted = await connector.call('GET', '/kics/api/v3/about', tokens.access_token);
      expect(deleted.status).toBe(401);
      expect(deleted.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      expect(deleted.json).toEqual({ errorMessage: 'The user account "analyst" does not exist.' });
      const noToken = await connector.call('POST', CERTIFICATE_GRANT);
      expect(noToken.status).toBe(401);
    } finally {
      await connector.close();
    }
  });

  it('refuses writes to a user whose role only reads (403), re-checked on every call', async () => {
    const written = await harness.auth.addConnector({
      name: 'reader',
      user: 'operator-user',
      role: 'Operator',
      serverUrl: harness.server.url,
    });
    const connector = client(harness, packageCredentials(written));
    try {
      const tokens = (await connector.call('POST', CERTIFICATE_GRANT)).json as Tokens;
      expect((await connector.call('GET', '/kics/api/v3/about', tokens.access_token)).status).toBe(200);
      const write = await connector.call('POST', '/kics/api/v3/devices/remove', tokens.access_token);
      expect(write.status).toBe(403);
      expect(write.json).toEqual({
        errorMessage: 'The role Operator of user "operator-user" does not permit this operation.',
      });
      // A role changed while the token lives takes effect on the next call.
      await harness.auth.users.setRole('operator-user', 'Administrator');
      const again = await connector.call('POST', '/kics/api/v3/devices/remove', tokens.access_token);
      expect(again.status).toBe(200);
    } finally {
      await connector.close();
    }
  });

  it('refuses missing, malformed, forged and expired access tokens with WWW-Authenticate', async () => {
    const tokens = await firstToken();
    const anyone = client(harness);
    try {
      const missing = await anyone.call('GET', '/kics/api/v3/about');
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect(missing.json).toEqual({ errorMessage: 'An access token is required.' });

      const malformed = await anyone.call('GET', '/kics/api/v3/about', 'not-a-jwt');
      expect(malformed.status).toBe(401);
      expect(malformed.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);

      const [header, payload] = tokens.access_token.split('.');
      const forged = await anyone.call('GET', '/kics/api/v3/about', `${header}.${payload}.AAAA`);
      expect(forged.status).toBe(401);
      expect(forged.json).toEqual({ errorMessage: 'The access token is not valid.' });

      expect((await anyone.call('GET', '/kics/api/v3/about', tokens.access_token)).status).toBe(200);
      harness.clock.advance(ACCESS_TOKEN_LIFETIME_SECONDS * 1000);
      const expired = await anyone.call('GET', '/kics/api/v3/about', tokens.access_token);
      expect(expired.status).toBe(401);
      expect(expired.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      expect(expired.json).toEqual({ errorMessage: 'The access token has expired.' });
    } finally {
      await anyone.close();
    }
  });

  it('mints a token for the control API without TLS client authentication', async () => {
    const connectorId = harness.firstPackage.metadata.connectorId;
    const tokens = await harness.auth.tokens.mintForConnector(connectorId);
    expect(tokens.expires_in).toBe(ACCESS_TOKEN_LIFETIME_SECONDS);
    const anyone = client(harness);
    try {
      expect((await anyone.call('GET', '/kics/api/v3/about', tokens.access_token)).status).toBe(200);
    } finally {
      await anyone.close();
    }
  });

  it('keeps verifying connectors after the server certificate rotates (same CA, new key)', async () => {
    const before = harness.auth.pki.serverCertificate.cert;
    await harness.server.rotateCertificate();
    expect(harness.auth.pki.serverCertificate.cert).not.toBe(before);
    const tokens = await firstToken();
    expect(tokens.token_type).toBe('bearer');
  });

  it('keeps the CA, the server certificate and the signing secret across a restart', async () => {
    const before = harness.auth.pki;
    const again = EmulatorPki.open(harness.dataDir, { host: '127.0.0.1' });
    expect(again.caCertificate).toBe(before.caCertificate);
    expect(again.serverCertificate.cert).toBe(before.serverCertificate.cert);
    expect(statSync(path.join(harness.dataDir, 'tls', 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(harness.dataDir, 'tls', 'server-key.pem')).mode & 0o777).toBe(0o600);
    // A second start finds the connector and writes no new package.
    expect(await harness.auth.ensureFirstConnector({ serverUrl: harness.server.url })).toBeUndefined();
  });
});
