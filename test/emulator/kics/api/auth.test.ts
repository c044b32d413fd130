/**
 * Auth failures through the real KICS emulator (not the auth harness's dummy routes), on SQLite and PostgreSQL:
 * missing, malformed and expired tokens, an Operator connector's reads and writes, blocked and deleted users.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Device } from '../../../../src/kics/model.ts';
import {
  API,
  BACKENDS,
  credentialsOf,
  startKicsApiHarness,
  TEST_CONNECTOR_PASSWORD,
  valuesOf,
  type Answer,
  type Backend,
  type KicsApiHarness,
} from './harness.ts';

const TOKEN_LIFETIME_SECONDS = 120;

function expectUnauthorized(answer: Answer): void {
  expect(answer.status).toBe(401);
  expect(answer.headers['www-authenticate']).toMatch(/^Bearer\b/);
  expect(answer.json).toEqual({ errorMessage: expect.any(String) });
}

describe.each(BACKENDS)('KICS API auth failures (%s)', (backend: Backend) => {
  let h: KicsApiHarness;
  beforeAll(async () => {
    h = await startKicsApiHarness(backend, backend === 'postgres' ? inject('pgUrl') : undefined, {
      tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A new connector of its own user and role, and an access token got with its package. */
  async function connectorToken(
    name: string,
    user: string,
    role: 'Operator' | 'Administrator',
  ): Promise<string> {
    const written = await h.emulator.auth.addConnector({
      name,
      user,
      role,
      serverUrl: h.emulator.url,
      password: TEST_CONNECTOR_PASSWORD,
    });
    const answer = await h.grant(credentialsOf(written));
    expect(answer.status).toBe(200);
    return (answer.json as { access_token: string }).access_token;
  }

  it('a call without a token is a 401 with WWW-Authenticate: Bearer', async () => {
    expectUnauthorized(await h.call('GET', `${API}/about`, { token: null }));
    expectUnauthorized(await h.call('POST', `${API}/events/query`, { token: null, body: {} }));
    expect((await h.call('GET', `${API}/about`)).status).toBe(200);
  });

  it.each(['abc', 'a.b.c', '', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'])(
    'a malformed token %j is a 401',
    async (token) => {
      const answer = await h.call('GET', `${API}/about`, {
        headers: { Authorization: `Bearer ${token}` },
        token: null,
      });
      expectUnauthorized(answer);
      if (token !== '') expect(answer.headers['www-authenticate']).toContain('invalid_token');
    },
  );

  it('a token of another scheme (Basic) is a 401', async () => {
    expectUnauthorized(
      await h.call('GET', `${API}/about`, { headers: { Authorization: `Basic ${h.token}` }, token: null }),
    );
  });

  it('an Operator reads (200) but may not write (403), and its refused writes change nothing', async () => {
    const token = await connectorToken(`operator-${backend}`, 'operator-user', 'Operator');
    const read = await h.call('POST', `${API}/devices/query`, { token, body: { limit: 1 } });
    expect(read.status).toBe(200);
    const device = valuesOf<Device>(read)[0];
    const id = device?.id ?? 0;
    expect((await h.call('GET', `${API}/devices/${id}`, { token })).status).toBe(200);
    expect((await h.call('GET', `${API}/about`, { token })).status).toBe(200);

    const writes: Array<[string, string, unknown]> = [
      ['PUT', `/devices/${id}`, { description: 'operator was here' }],
      ['DELETE', `/devices/${id}`, undefined],
      [
        'POST',
        '/devices',
        { name: 'by-operator', addressInformation: [{ macAddress: '02:00:00:00:00:09' }] },
      ],
      ['PATCH', '/events/1', { status: 'Active' }],
      ['POST', '/events', { title: 'by operator', severity: 'Info' }],
      ['PATCH', '/allow-rules/1', { isActive: false }],
      ['DELETE', '/allow-rules/1', undefined],
    ];
    for (const [method, target, body] of writes) {
      const answer = await h.call(method, `${API}${target}`, {
        token,
        ...(body === undefined ? {} : { body }),
      });
      expect([method, target, answer.status]).toEqual([method, target, 403]);
      expect(answer.json).toEqual({ errorMessage: expect.any(String) });
    }
    expect((await h.api('GET', `/devices/${id}`)).json).toEqual(device);
    expect(
      (await h.api('POST', '/devices/query', { filter: [{ field: 'name', value: 'by-operator' }] })).json,
    ).toMatchObject({
      values: [],
    });
  });

  it('a blocked user gets no new token, keeps the one it has; a deleted user’s token is a 401', async () => {
    const user = `blocked-user-${backend}`;
    const written = await h.emulator.auth.addConnector({
      name: `blocked-${backend}`,
      user,
      role: 'Administrator',
      serverUrl: h.emulator.url,
      password: TEST_CONNECTOR_PASSWORD,
    });
    const first = await h.grant(credentialsOf(written));
    const token = (first.json as { access_token: string }).access_token;

    const blocked = await h.control('POST', `/users/${user}`, { blocked: true });
    expect(blocked.status).toBe(200);
    const refused = await h.grant(credentialsOf(written));
    expect([401, 403]).toContain(refused.status);
    expect(refused.json).toEqual({ errorMessage: expect.stringContaining('blocked') });
    // KICS: a blocked account's tokens keep working until they expire.
    expect((await h.call('GET', `${API}/about`, { token })).status).toBe(200);

    expect((await h.control('POST', `/users/${user}`, { blocked: false })).status).toBe(200);
    expect((await h.grant(credentialsOf(written))).status).toBe(200);

    expect((await h.control('DELETE', `/users/${user}`)).status).toBe(200);
    expectUnauthorized(await h.call('GET', `${API}/about`, { token }));
    expect((await h.grant(credentialsOf(written))).status).not.toBe(200);
  });

  // Last: it moves the emulator's clock past every token's lifetime.
  it('an expired token is a 401; a new grant works again', async () => {
    expect((await h.call('GET', `${API}/about`)).status).toBe(200);
    const advanced = await h.control('POST', '/clock/advance', { seconds: TOKEN_LIFETIME_SECONDS + 1 });
    expect(advanced.status).toBe(200);
    const answer = await h.call('GET', `${API}/about`);
    expectUnauthorized(answer);
    expect(answer.headers['www-authenticate']).toContain('invalid_token');
    const fresh = await h.grant();
    expect(fresh.status).toBe(200);
    const token = (fresh.json as { access_token: string }).access_token;
    expect((await h.call('GET', `${API}/about`, { token })).status).toBe(200);
  });
});
