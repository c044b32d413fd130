import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  AccessDeniedError,
  AuthenticationError,
  CancelledError,
  ConnectionError,
  KscClient,
  NotFoundError,
  type KscClientOptions,
  type KlArgument,
  type KscLogRecord,
} from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { recordFigure } from '../../support/proof-figure.ts';
import { waitFor } from '../../support/wait-for.ts';

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
  /** Until the emulator has received a call more than `seen`: that call is then in flight. */
  const inFlight = (seen: number) =>
    waitFor(async () => (await emu.callsReceived()) > seen, { what: 'a call to reach the emulator' });

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
    recordFigure('R8', {
      figure: `${logins(logs)} login attempt for 16 concurrent callers (+1 latched call); lockout counter ${after.failedAttempts - before}`,
      pass: logins(logs) === 1 && after.failedAttempts - before <= 1,
      measured: { callers: 16, logins: logins(logs), lockoutCounter: after.failedAttempts - before },
    });
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

  it('binds the login to its connection when asked, and logs in again on a new connection', async () => {
    const { ksc, logs } = client({ login: 'connection', attempts: 10 });
    const sessionsBefore = emu.ksc.state.sessions.size;
    for (let i = 0; i < 10; i++)
      expect((await ksc.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBeTypeOf('number');
    expect(logins(logs)).toBe(1);
    expect(logs.find((r) => r.message === 'logging in')?.method).toBe('login');
    expect(emu.ksc.state.sessions.size).toBe(sessionsBefore + 1);

    // Connections reset at random: each new connection logs in again before its first call.
    await emu.control('POST', '/__emulator/faults', { resetRate: 0.3, seed: 11 });
    try {
      for (let i = 0; i < 20; i++) {
        const reply = await ksc.call('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_SERVER_VERSION_ID'] });
        expect(reply['PxgRetVal']).toEqual({ KLADMSRV_SERVER_VERSION_ID: 14 });
      }
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
    expect(logins(logs)).toBeGreaterThan(1);
    expect(logs.some((r) => r.message.startsWith('session expired'))).toBe(false);

    // A login the server ended while the connection stays open: one new login, then the call goes through.
    const before = logins(logs);
    await emu.control('POST', '/__emulator/sessions/expire');
    expect((await ksc.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBeTypeOf('number');
    expect(logins(logs)).toBe(before + 1);
  });

  it('types the calls of the method map, leaves other names untyped, and keeps the session to itself', async () => {
    const { ksc } = client();
    // Compile-time checks (npm test type-checks the tests); the function is never run.
    const typed = (k: KscClient) => {
      expectTypeOf(k.call('HostGroup.FindHosts', { vecFieldsToReturn: ['KLHST_WKS_DN'] }))
        .resolves.toHaveProperty('strAccessor')
        .toEqualTypeOf<string>();
      expectTypeOf(k.call('HostGroup.GroupIdGroups'))
        .resolves.toHaveProperty('PxgRetVal')
        .toEqualTypeOf<number>();
      expectTypeOf(k.call('Vendor.Method', { anything: 1 })).resolves.toEqualTypeOf<
        Record<string, KlArgument>
      >();
      expectTypeOf(k.call<unknown>('HostGroup.GroupIdGroups', { extra: 1 })).resolves.toBeUnknown();
      // @ts-expect-error nCount is required
      void k.call('ChunkAccessor.GetItemsChunk', { strAccessor: 'a', nStart: 0 });
      // @ts-expect-error a misspelt argument (FSOAR's strAccessorId) is refused
      void k.call('ChunkAccessor.GetItemsChunk', { strAccessorId: 'a', nStart: 0, nCount: 1 });
      // @ts-expect-error nGroupId is an int
      void k.call('HostGroup.GetGroupInfo', { nGroupId: '1' });
    };
    expect(typed).toBeTypeOf('function');
    const refused = await ksc.call('Session.StartSession').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', method: 'Session.StartSession' });
    expect((refused as Error).message).toMatch(/^method: /);
  });

  it('gives the answer in its wire shape beside the decoded reply', async () => {
    const { ksc } = client();
    const found = await ksc.call('HostGroup.FindHosts', {
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_LAST_VISIBLE'],
      lMaxLifeTime: 60,
    });
    const { reply, wire } = await ksc.callWire('ChunkAccessor.GetItemsChunk', {
      strAccessor: found.strAccessor,
      nStart: 0,
      nCount: 2,
    });
    const first = (
      wire['pChunk'] as { KLCSP_ITERATOR_ARRAY: { type: string; value: Record<string, unknown> }[] }
    ).KLCSP_ITERATOR_ARRAY[0]!;
    expect(first.type).toBe('params');
    expect(first.value['KLHST_WKS_LAST_VISIBLE']).toMatchObject({ type: 'datetime' });
    expect(reply.pChunk.KLCSP_ITERATOR_ARRAY[0]?.['KLHST_WKS_LAST_VISIBLE']).toBeInstanceOf(Date);
    expect(wire['PxgRetVal']).toBe(reply.PxgRetVal);
  });

  it('shares the session with views that carry a signal, and aborts their calls, even while logging in', async () => {
    const { ksc, logs } = client();
    const stop = new AbortController();
    const view = ksc.withSignal(stop.signal);
    expect(view).toBeInstanceOf(KscClient);
    expect(ksc.withSignal(undefined)).toBe(ksc);
    await view.call('HostGroup.GroupIdGroups');
    await ksc.call('HostGroup.GroupIdGroups');
    const other = new AbortController();
    await view.withSignal(other.signal).call('HostGroup.GroupIdGroups');
    expect(logins(logs)).toBe(1);

    // A per-call signal and the view's both count.
    const perCall = await view
      .call('HostGroup.GroupIdGroups', {}, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(perCall).toBeInstanceOf(CancelledError);
    other.abort();
    const chained = await view
      .withSignal(other.signal)
      .call('HostGroup.GroupIdGroups')
      .catch((e: unknown) => e);
    expect(chained).toMatchObject({ code: 'CANCELLED', method: 'HostGroup.GroupIdGroups' });

    // A fresh client logs in on a slow server: the view's caller is released at once, the login goes on.
    const LOGIN_LATENCY_MS = 3000;
    const { ksc: fresh, logs: freshLogs } = client();
    await emu.control('POST', '/__emulator/faults', { latencyMs: LOGIN_LATENCY_MS });
    try {
      const quick = new AbortController();
      const seen = await emu.callsReceived();
      const waiting = fresh
        .withSignal(quick.signal)
        .call('HostGroup.GroupIdGroups')
        .catch((e: unknown) => e);
      await inFlight(seen); // the login
      const aborted = Date.now();
      quick.abort();
      expect(await waiting).toBeInstanceOf(CancelledError);
      // Released at once: long before the login (still under way) could have answered.
      expect(Date.now() - aborted).toBeLessThan(LOGIN_LATENCY_MS / 2);
      // The client itself still works, through the same login (which has its latency to serve still).
      await emu.control('DELETE', '/__emulator/faults');
      expect(typeof (await fresh.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBe('number');
      expect(logins(freshLogs)).toBe(1);
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
    stop.abort();
    await expect(view.call('HostGroup.GroupIdGroups')).rejects.toBeInstanceOf(CancelledError);
    expect(typeof (await ksc.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBe('number');
  });

  it('closes at once when a login is under way on a slow server, or when the close signal aborts', async () => {
    await emu.control('POST', '/__emulator/faults', { latencyMs: 3000 });
    try {
      // A login nobody waits for any more does not hold the connections open.
      const { ksc: loggingIn } = client();
      let seen = await emu.callsReceived();
      const pending = loggingIn.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
      await inFlight(seen);
      let started = Date.now();
      await loggingIn.close();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(await pending).toMatchObject({ code: 'INVALID_INPUT', message: 'The client is closed' });

      // A call in flight is cut when the close signal aborts.
      const { ksc: busy } = client();
      await emu.control('DELETE', '/__emulator/faults');
      await busy.call('HostGroup.GroupIdGroups');
      await emu.control('POST', '/__emulator/faults', { latencyMs: 3000 });
      seen = await emu.callsReceived();
      const slow = busy.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
      await inFlight(seen);
      const interrupt = new AbortController();
      started = Date.now();
      const closing = busy.close({ signal: interrupt.signal });
      setTimeout(() => interrupt.abort(), 100);
      await closing;
      expect(Date.now() - started).toBeLessThan(1500);
      expect(await slow).toBeInstanceOf(Error);
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
  });
});
