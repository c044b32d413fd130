import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, KscClient, type KscLogRecord } from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

describe('KscClient over HTTPS', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { http: false, hosts: 60, events: 100 });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  async function attempt(tls: { ca?: string; insecure?: boolean } | undefined) {
    const logs: KscLogRecord[] = [];
    const ksc = new KscClient(
      {
        url: emu.url,
        credentials: { user: 'admin', password: TEST_PASSWORD },
        attempts: 2,
        backoffMs: 1,
        ...(tls === undefined ? {} : { tls }),
      },
      { logger: (r) => logs.push(r) },
    );
    try {
      const reply = await ksc.call('HostGroup.GroupIdGroups');
      return { reply, logs };
    } finally {
      await ksc.close();
    }
  }

  it('trusts the server’s self-signed certificate when given as the CA', async () => {
    expect(emu.url.startsWith('https://')).toBe(true);
    const { reply, logs } = await attempt({ ca: emu.ksc.certificatePem! });
    expect(typeof reply['PxgRetVal']).toBe('number');
    expect(logs.some((r) => r.level === 'warn')).toBe(false);
  });

  it('refuses the certificate without it, naming the TLS failure', async () => {
    const error = await attempt(undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toMatch(/SELF_SIGNED|CERT|certificate/i);
  });

  it('connects without verification only when told to, and says so', async () => {
    const { reply, logs } = await attempt({ insecure: true });
    expect(typeof reply['PxgRetVal']).toBe('number');
    expect(logs.some((r) => r.level === 'warn' && r.message.includes('verification is off'))).toBe(true);
  });
});
