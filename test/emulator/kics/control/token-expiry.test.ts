/**
 * The control API's token-expiry fault on a running KICS emulator (plain HTTP, tokens from the control API): every
 * access token issued so far answers 401 as expired, refresh tokens still work, new tokens are unaffected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKicsEmulator, type RunningKicsEmulator } from '../../../../src/emulator/kics/emulator.ts';

const CONTROL = 'test-only-control-token';

describe('KICS control API: POST /tokens/expire', () => {
  let kics: RunningKicsEmulator;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-kics-expire-'));
    kics = await startKicsEmulator({
      http: true,
      port: 0,
      dataDir,
      devices: 40,
      events: 100,
      controlToken: CONTROL,
      connectorPassword: 'test-only-connector-password',
    });
  });
  afterAll(async () => {
    await kics.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const control = (route: string): Promise<Response> =>
    fetch(`${kics.url}/__emulator${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${CONTROL}` },
    });
  const about = (token: string): Promise<Response> =>
    fetch(`${kics.apiUrl}/about`, { headers: { Authorization: `Bearer ${token}` } });

  it('ends the access tokens issued so far, keeps refresh tokens and later tokens working', async () => {
    const first = (await (await control('/tokens')).json()) as {
      access_token: string;
      refresh_token: string;
    };
    expect((await about(first.access_token)).status).toBe(200);

    const expired = (await (await control('/tokens/expire')).json()) as { expired: number };
    expect(expired.expired).toBeGreaterThanOrEqual(1);
    const refused = await about(first.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
    expect(((await refused.json()) as { errorMessage: string }).errorMessage).toMatch(/expired/i);

    const refreshed = await fetch(
      `${kics.url}/kics/api/auth/v3/token?grant_type=refresh_token&refresh_token=${encodeURIComponent(first.refresh_token)}`,
      { method: 'POST' },
    );
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string };
    expect((await about(next.access_token)).status).toBe(200);
  });
});
