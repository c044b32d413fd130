/**
 * A plain `curl` with the communication data package gets a token: OpenSSL 3 (curl's and the `openssl` tool's)
 * reads the PFX without the legacy provider, and the CA certificate travels inside it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthHarness, TEST_CONNECTOR_PASSWORD, type AuthHarness } from './harness.ts';

describe('KICS emulator package with curl', () => {
  let harness: AuthHarness;
  beforeAll(async () => {
    harness = await startAuthHarness('sqlite', undefined);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('gets a token with --cert-type P12 and the CA taken out of the PFX', async () => {
    const pfx = harness.firstPackage.certificatesFile;
    // The package's own CA and server certificates, as a recipient extracts them for --cacert.
    const cacerts = execFileSync('openssl', [
      'pkcs12',
      '-in',
      pfx,
      '-cacerts',
      '-nokeys',
      '-passin',
      `pass:${TEST_CONNECTOR_PASSWORD}`,
    ]).toString('utf8');
    expect(cacerts).toContain('BEGIN CERTIFICATE');
    const caFile = path.join(harness.dataDir, 'ca.pem');
    writeFileSync(caFile, cacerts);
    const url = `${harness.server.url}/kics/api/auth/v3/token?grant_type=certificate`;
    // Asynchronous: the server answering curl runs in this process.
    const run = async (args: string[]): Promise<string> => (await promisify(execFile)('curl', args)).stdout;
    const body = await run([
      '--silent',
      '--show-error',
      '--fail-with-body',
      '--cert-type',
      'P12',
      '--cert',
      `${pfx}:${TEST_CONNECTOR_PASSWORD}`,
      '--cacert',
      caFile,
      '-X',
      'POST',
      url,
    ]);
    const tokens = JSON.parse(body) as { access_token: string; token_type: string; expires_in: number };
    expect(tokens.token_type).toBe('bearer');
    const about = await run([
      '--silent',
      '--show-error',
      '--fail-with-body',
      '--cacert',
      caFile,
      '-H',
      `Authorization: Bearer ${tokens.access_token}`,
      `${harness.server.url}/kics/api/v3/about`,
    ]);
    expect(JSON.parse(about)).toMatchObject({ principal: { connectorName: 'kconnect' } });
  });
});
