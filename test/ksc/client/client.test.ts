import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  AuthenticationError,
  ConnectionError,
  KscClient,
  NotFoundError,
  type KscClientOptions,
  type KscLogRecord,
} from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

describe('KscClient against the emulator', () => {
  let emu: TestEmulator;
  const clients: KscClient[] = [];
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 120, events: 300 });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await emu?.stop();
  });

  function client(
    options: Partial<KscClientOptions> = {},
    user = 'admin',
    password = TEST_PASSWORD,
  ): { ksc: KscClient; logs: KscLogRecord[] } {
    const logs: KscLogRecord[] = [];
    const ksc = new KscClient(
      { url: emu.url, credentials: { user, password }, backoffMs: 1, ...options },
      { logger: (record) => logs.push(record), sleep: () => Promise.resolve() },
    );
    clients.push(ksc);
    return { ksc, logs };
  }
  const logins = (logs: readonly KscLogRecord[]) => logs.filter((r) => r.message === 'logging in').length;

  it('logs in once and decodes answers and out-parameters', async () => {
    const { ksc, logs } = client();
    const root = await ksc.call('HostGroup.GroupIdGroups');
    expect(typeof root['PxgRetVal']).toBe('number');
    const found = await ksc.call('HostGroup.FindHosts', {
      wstrFilter: '',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      lMaxLifeTime: 60,
    });
    expect(found['PxgRetVal']).toBe(emu.ksc.world.hostsOf(0).length);
    expect(typeof found['strAccessor']).toBe('string');
    expect(logins(logs)).toBe(1);
  });

  it('throws typed errors with the method and the request id', async () => {
    const { ksc: denied } = client({}, 'no-rights');
    const error = await denied.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ kscCode: 1184, code: 'ACCESS_DENIED', method: 'HostGroup.GroupIdGroups' });
    expect((error as AccessDeniedError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { ksc } = client();
    const missing = await ksc.call('Tasks.GetTask', { strTask: '999999' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).message).toBe('Task #999999 was not found');
  });

  it('tries a wrong password exactly once, however many callers wait for the login', async () => {
    const user = [...emu.ksc.world.users.values()].find((u) => u.name === 'reader' && u.vserverId === 0)!;
    const before = user.failedAttempts;
    const { ksc, logs } = client({}, 'reader', 'wrong-password-for-test');
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () => ksc.call('HostGroup.GroupIdGroups')),
    );
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof AuthenticationError)).toBe(
      true,
    );
    expect(logins(logs)).toBe(1);
    // Latched: later calls fail without asking the server again.
    await expect(ksc.call('HostGroup.GroupIdGroups')).rejects.toBeInstanceOf(AuthenticationError);
    expect(logins(logs)).toBe(1);
    const after = [...emu.ksc.world.users.values()].find((u) => u.id === user.id)!;
    expect(after.failedAttempts).toBe(before + 1);
  });

  it('logs in again exactly once when the session expires under concurrent calls', async () => {
    const { ksc, logs } = client();
    await ksc.call('HostGroup.GroupIdGroups');
    await emu.control('POST', '/__emulator/sessions/expire');
    const results = await Promise.all(Array.from({ length: 8 }, () => ksc.call('HostGroup.GroupIdGroups')));
    expect(new Set(results.map((r) => r['PxgRetVal'])).size).toBe(1);
    expect(logins(logs)).toBe(2);
  });

  it('repeats reads over connections reset one time in ten, and every read succeeds', async () => {
    const { ksc, logs } = client({ attempts: 8 });
    await ksc.call('HostGroup.GroupIdGroups');
    await emu.control('POST', '/__emulator/faults', { resetRate: 0.1, seed: 7 });
    try {
      for (let i = 0; i < 120; i++) {
        const reply = await ksc.call('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_SERVER_VERSION_ID'] });
        expect(reply['PxgRetVal']).toEqual({ KLADMSRV_SERVER_VERSION_ID: 14 });
      }
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
    expect(logs.filter((r) => r.message.startsWith('retrying')).length).toBeGreaterThan(0);
  });

  it('does not repeat a change after an ambiguous failure', async () => {
    const { ksc, logs } = client();
    const root = (await ksc.call('HostGroup.GroupIdGroups'))['PxgRetVal'] as number;
    await emu.control('POST', '/__emulator/faults', { resetRate: 1, resetPhase: 'after', seed: 1 });
    let error: unknown;
    try {
      error = await ksc
        .call('HostGroup.AddGroup', { pInfo: { name: 'client-ambiguous', parentId: root } })
        .catch((e: unknown) => e);
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
    expect(logs.filter((r) => r.method === 'HostGroup.AddGroup' && r.message === 'call')).toHaveLength(1);
    // It did take effect, once.
    const groups = [...emu.ksc.world.groups.values()].filter((g) => g.name === 'client-ambiguous');
    expect(groups).toHaveLength(1);
  });

  it('never lets a password, a session id or an Authorization header into logs or errors', async () => {
    const secret = 'S3cret-password-never-logged';
    const { ksc: wrong, logs: wrongLogs } = client({}, 'analyst', secret);
    const refused = await wrong.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
    const { ksc, logs } = client();
    await ksc.call('HostGroup.GroupIdGroups');
    const session = [...emu.ksc.state.sessions.ids()];
    await emu.control('POST', '/__emulator/sessions/expire');
    await ksc.call('HostGroup.GroupIdGroups');
    const denied = await client({}, 'no-rights')
      .ksc.call('HostGroup.GroupIdGroups')
      .catch((e: unknown) => e);
    const text = JSON.stringify([
      wrongLogs,
      logs,
      [refused, denied].map((e) => ({
        ...(e as object),
        message: (e as Error).message,
        stack: (e as Error).stack,
      })),
    ]);
    for (const forbidden of [
      secret,
      Buffer.from(secret).toString('base64'),
      TEST_PASSWORD,
      'KSCBasic',
      ...session,
    ]) {
      expect(text).not.toContain(forbidden);
    }
    expect(session.length).toBeGreaterThan(0);
  });

  it('refuses bad options with the field and the reason', () => {
    const make = (options: Partial<KscClientOptions>) => () =>
      new KscClient({ url: emu.url, credentials: { user: 'admin', password: 'x' }, ...options });
    expect(make({ url: 'ftp://example.com' })).toThrow('url: must be https:// or http://');
    expect(make({ url: 'https://user:pw@example.com' })).toThrow(/^url: credentials go in/);
    expect(make({ timeoutMs: 0 })).toThrow('timeoutMs: an integer from 1 to 3600000');
    expect(make({ credentials: { user: ' ', password: 'x' } })).toThrow('credentials.user: required');
  });
});
