import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as shared from '../../../src/errors.ts';
import {
  AuthenticationError,
  CallError,
  CancelledError,
  ConnectionError,
  KscClient,
  KscClientError,
  ProxyError,
  SessionExpiredError,
  TimeoutError,
  TlsError,
  type KscClientOptions,
} from '../../../src/ksc/index.ts';
import type { VendorClient } from '../../../src/vendor-client.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

describe('KscClient as a VendorClient', () => {
  let emu: TestEmulator;
  const clients: KscClient[] = [];
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 20, events: 20 });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await emu?.stop();
  });

  function client(options: Partial<KscClientOptions> = {}, dispatcher?: Dispatcher): KscClient {
    const ksc = new KscClient(
      { url: emu.url, credentials: { user: 'admin', password: TEST_PASSWORD }, backoffMs: 1, ...options },
      { sleep: () => Promise.resolve(), ...(dispatcher === undefined ? {} : { dispatcher }) },
    );
    clients.push(ksc);
    return ksc;
  }

  it('checks its health with a login and one static read, and says what the server is', async () => {
    const vendor: VendorClient = client();
    const report = await vendor.checkHealth();
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
    expect(report.server).toEqual({
      product: 'KSC',
      version: '14.2.0.26967',
      hostName: 'Administration Server',
    });
    expect((await client({ virtualServer: 'vs-branch' }).checkHealth()).server?.hostName).toBe('vs-branch');
  });

  it('fails its health check with the shared typed errors', async () => {
    const refused = await client({ credentials: { user: 'admin', password: 'wrong-0004' } })
      .checkHealth()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toBeInstanceOf(shared.AuthenticationError);
    const unreachable = await client({ url: 'http://127.0.0.1:9', attempts: 1 })
      .checkHealth()
      .catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(ConnectionError);
    expect(unreachable).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', operation: 'Session.StartSession' });
    const cancelled = await client()
      .checkHealth(AbortSignal.abort())
      .catch((e: unknown) => e);
    expect(cancelled).toBeInstanceOf(CancelledError);
    expect(cancelled).toMatchObject({
      operation: 'HostGroup.GetStaticInfo',
      method: 'HostGroup.GetStaticInfo',
    });
  });

  it('sends through an injected dispatcher, which closing the client leaves open', async () => {
    const paths: string[] = [];
    const agent = new Agent();
    const recording = agent.compose(
      (dispatch: Dispatcher['dispatch']): Dispatcher['dispatch'] =>
        (options, handler) => {
          paths.push(options.path);
          return dispatch(options, handler);
        },
    );
    try {
      const ksc = client({}, recording);
      expect(typeof (await ksc.call('HostGroup.GroupIdGroups')).PxgRetVal).toBe('number');
      await ksc.close();
      expect(paths).toEqual([
        '/api/v1.0/Session.StartSession',
        '/api/v1.0/HostGroup.GroupIdGroups',
        '/api/v1.0/Session.EndSession',
      ]);
      // The agent is the caller's: a second client goes on using it.
      expect((await client({}, recording).checkHealth()).server?.product).toBe('KSC');
    } finally {
      await agent.close();
    }
  });
});

describe('the error classes under their KSC names', () => {
  it('are the shared classes, with their names, fields and instanceof relations unchanged', () => {
    expect(ConnectionError).toBe(shared.ConnectionError);
    expect(TlsError).toBe(shared.TlsError);
    expect(ProxyError).toBe(shared.ProxyError);
    expect(TimeoutError).toBe(shared.TimeoutError);
    expect(CancelledError).toBe(shared.CancelledError);
    expect(AuthenticationError).toBe(shared.AuthenticationError);
    expect(CallError).toBe(shared.CallError);

    const tls = new TlsError('TLS to https://ksc:13299 refused', {
      operation: 'HostGroup.FindHosts',
      requestId: 'r',
    });
    expect(tls.name).toBe('TlsError');
    expect(tls).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: false,
      operation: 'HostGroup.FindHosts',
    });
    expect(tls.method).toBe('HostGroup.FindHosts');
    for (const type of [TlsError, ConnectionError, CallError, KscClientError, shared.KconnectError]) {
      expect(tls).toBeInstanceOf(type);
    }
    const names = [
      new ConnectionError('x', { retryable: true }),
      new ProxyError('x', { retryable: false, proxyStatus: 407 }),
      new TimeoutError('x', { retryable: true }),
      new CancelledError('x', {}),
      new AuthenticationError('x'),
      new SessionExpiredError(),
      new KscClientError('UPSTREAM_ERROR', 'x'),
    ].map((e) => e.name);
    expect(names).toEqual([
      'ConnectionError',
      'ProxyError',
      'TimeoutError',
      'CancelledError',
      'AuthenticationError',
      'SessionExpiredError',
      'KscClientError',
    ]);
    // KSC's own subclasses check as usual: a transport error is no expired session.
    expect(new ConnectionError('x', { retryable: true })).not.toBeInstanceOf(SessionExpiredError);
    expect(new SessionExpiredError()).toBeInstanceOf(KscClientError);
    expect(new Error('x')).not.toBeInstanceOf(KscClientError);
  });
});
