import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KscClient, spkiPin, type KscClientOptions, type KscLogRecord } from '../../../src/ksc/index.ts';
import { startConnectProxy, type TestProxy } from '../../support/connect-proxy.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

/**
 * Runs every way a client can fail — and the ways it recovers — with every log record captured (debug level
 * included), then searches all of it, and every error with its causes, for anything secret.
 */
describe('KscClient secrets', () => {
  let emu: TestEmulator;
  let proxy: TestProxy;
  const WRONG_PASSWORD = 'Wrong-password-never-logged-7';
  const TOKEN = 'one-time-token-never-logged-0001';
  const PROXY_PASSWORD = 'proxy-password-never-logged-3';
  const logs: KscLogRecord[] = [];
  const errors: unknown[] = [];
  const sessionIds = new Set<string>();
  const clients: KscClient[] = [];

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { http: false, hosts: 30, events: 100 });
    proxy = await startConnectProxy({ credentials: `svc:${PROXY_PASSWORD}` });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await proxy?.stop();
    await emu?.stop();
  });

  function client(options: Partial<KscClientOptions> = {}): KscClient {
    const ksc = new KscClient(
      {
        url: emu.url,
        credentials: { user: 'admin', password: TEST_PASSWORD },
        tls: { pins: [spkiPin(emu.ksc.certificatePem!)] },
        attempts: 2,
        backoffMs: 1,
        ...options,
      },
      { logger: (record) => logs.push(record) },
    );
    clients.push(ksc);
    return ksc;
  }
  async function fails(call: Promise<unknown>): Promise<void> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    errors.push(error);
  }
  const remember = () => {
    for (const id of emu.ksc.state.sessions.ids()) sessionIds.add(id);
  };

  it('keeps every secret out of logs and errors across the failure scenarios', async () => {
    const ping = (ksc: KscClient) => ksc.call('HostGroup.GroupIdGroups');
    // Refused logins: password (session and connection style, a domain account) and token.
    await fails(ping(client({ credentials: { user: 'analyst', password: WRONG_PASSWORD } })));
    await fails(
      ping(client({ login: 'connection', credentials: { user: 'analyst', password: WRONG_PASSWORD } })),
    );
    await fails(
      ping(
        client({
          credentials: { user: 'analyst', password: WRONG_PASSWORD, domain: 'CORP', internal: false },
        }),
      ),
    );
    await fails(ping(client({ credentials: { scheme: 'KSCT', token: async () => TOKEN } })));
    // A session that expires, and a connection login that the server forgets.
    for (const options of [{}, { login: 'connection' as const }]) {
      const ksc = client(options);
      await ping(ksc);
      remember();
      await emu.control('POST', '/__emulator/sessions/expire');
      await ping(ksc);
      remember();
    }
    // Rights, missing objects, bad arguments.
    await fails(ping(client({ credentials: { user: 'no-rights', password: TEST_PASSWORD } })));
    const admin = client();
    await fails(admin.call('Tasks.GetTask', { strTask: '424242' }));
    await fails(admin.call<unknown>('HostGroup.GetGroupInfo', { nGroupId: 'not a number' }));
    remember();
    // Resets on every call, then answers slower than the timeout.
    await emu.control('POST', '/__emulator/faults', { resetRate: 1, seed: 3 });
    await fails(ping(client()));
    // undici checks timeouts about once a second: the latency must outlast that, not only timeoutMs.
    await emu.control('POST', '/__emulator/faults', { latencyMs: 2500 });
    await fails(ping(client({ timeoutMs: 100 })));
    await emu.control('DELETE', '/__emulator/faults');
    // TLS: a pin that does not match; the system CAs refusing the self-signed certificate.
    await fails(ping(client({ tls: { pins: [`sha256/${Buffer.alloc(32).toString('base64')}`] } })));
    await fails(ping(client({ tls: {} })));
    // Proxies: right and wrong credentials, and one that is not there.
    const proxied = client({ proxy: `http://svc:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` });
    await ping(proxied);
    remember();
    await fails(ping(client({ proxy: `http://svc:${WRONG_PASSWORD}@127.0.0.1:${proxy.port}` })));
    await fails(ping(client({ proxy: `http://svc:${PROXY_PASSWORD}@127.0.0.1:9` })));
    // Nothing listening at all.
    await fails(ping(client({ url: 'https://127.0.0.1:9' })));

    expect(errors.length).toBe(14);
    expect(sessionIds.size).toBeGreaterThan(3);
    expect(logs.some((r) => r.level === 'debug')).toBe(true);
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const everything = [
      JSON.stringify(logs),
      ...errors.map((e) => inspect(e, { depth: Infinity, showHidden: true })),
      ...errors.map((e) => JSON.stringify(e)),
    ].join('\n');
    const secrets = [
      TEST_PASSWORD,
      WRONG_PASSWORD,
      TOKEN,
      PROXY_PASSWORD,
      ...[TEST_PASSWORD, WRONG_PASSWORD, TOKEN, `svc:${PROXY_PASSWORD}`, `svc:${WRONG_PASSWORD}`].map(b64),
      'KSCBasic',
      'KSCT ',
      'Basic ',
      ...sessionIds,
    ];
    for (const secret of secrets) expect(everything, secret).not.toContain(secret);
  });
});
