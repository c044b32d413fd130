import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KscClient,
  ProxyError,
  spkiPin,
  type KscClientOptions,
  type KscLogRecord,
} from '../../../src/ksc/index.ts';
import { startConnectProxy, type TestProxy } from '../../support/connect-proxy.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

describe('KscClient through an HTTP proxy', () => {
  let emu: TestEmulator;
  let open: TestProxy;
  let guarded: TestProxy;
  const clients: KscClient[] = [];
  const PROXY_CREDENTIALS = 'svc-proxy:proxy-only-password-0001';
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { http: false, hosts: 40, events: 100 });
    open = await startConnectProxy();
    guarded = await startConnectProxy({ credentials: PROXY_CREDENTIALS });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await open?.stop();
    await guarded?.stop();
    await emu?.stop();
  });

  function client(options: Partial<KscClientOptions>, env: Record<string, string> = {}) {
    const logs: KscLogRecord[] = [];
    // The environment is read through resolveKscConfig; the client is given the resolved proxy as an option.
    const ksc = new KscClient(
      {
        url: emu.url,
        credentials: { user: 'admin', password: TEST_PASSWORD },
        tls: { pins: [spkiPin(emu.ksc.certificatePem!)] },
        attempts: 3,
        backoffMs: 1,
        ...options,
      },
      { logger: (r) => logs.push(r), env },
    );
    clients.push(ksc);
    return { ksc, logs };
  }
  const authority = () => new URL(emu.url).host;

  it('tunnels TLS through the proxy named in the options and checks the pin end to end', async () => {
    const before = open.tunnels.length;
    const { ksc, logs } = client({ proxy: open.url });
    for (let i = 0; i < 5; i++)
      expect((await ksc.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBeTypeOf('number');
    // Keep-alive connections, each one tunnel to the server (undici may open a second for back-to-back calls).
    const tunnels = open.tunnels.slice(before);
    expect(tunnels.length).toBeGreaterThan(0);
    expect(tunnels.length).toBeLessThanOrEqual(2);
    expect(new Set(tunnels)).toEqual(new Set([authority()]));
    expect(logs.some((r) => r.message.includes(`through the proxy ${open.url}`))).toBe(true);
  });

  it('takes HTTPS_PROXY from the environment and honours NO_PROXY', async () => {
    const before = open.tunnels.length;
    await client({}, { HTTPS_PROXY: open.url }).ksc.call('HostGroup.GroupIdGroups');
    const after = open.tunnels.length;
    expect(after).toBeGreaterThan(before);
    await client({}, { HTTPS_PROXY: open.url, NO_PROXY: '127.0.0.1' }).ksc.call('HostGroup.GroupIdGroups');
    await client({ proxy: false }, { HTTPS_PROXY: open.url }).ksc.call('HostGroup.GroupIdGroups');
    expect(open.tunnels.length).toBe(after);
  });

  it('authenticates to the proxy with the URL’s credentials', async () => {
    const [user, password] = PROXY_CREDENTIALS.split(':');
    const { ksc } = client({ proxy: `http://${user}:${password}@127.0.0.1:${guarded.port}` });
    expect((await ksc.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBeTypeOf('number');
    expect(guarded.tunnels.length).toBeGreaterThan(0);
    expect(new Set(guarded.tunnels)).toEqual(new Set([authority()]));
  });

  it('reports a proxy that refuses the tunnel, without retrying and without its password', async () => {
    const { ksc, logs } = client({
      proxy: `http://svc-proxy:wrong-proxy-password@127.0.0.1:${guarded.port}`,
    });
    const before = guarded.authorizations.length;
    const error = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ proxyStatus: 407, retryable: false });
    expect((error as ProxyError).message).toContain('HTTP 407');
    expect(guarded.authorizations.length).toBe(before + 1);
    expect(JSON.stringify([logs, (error as Error).message, (error as Error).stack])).not.toContain(
      'wrong-proxy-password',
    );
  });

  it('retries reads when the proxy is unreachable, then says which proxy failed', async () => {
    const { ksc, logs } = client({ proxy: 'http://127.0.0.1:9' });
    const error = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).message).toMatch(
      /proxy http:\/\/127\.0\.0\.1:9 is unreachable \(ECONNREFUSED\)/,
    );
    expect(logs.filter((r) => r.message.startsWith('retrying'))).toHaveLength(2);
  });
});
