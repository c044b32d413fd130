import { randomBytes, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate as generateCertificate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  KscClient,
  spkiPin,
  TlsError,
  type KscLogRecord,
  type KscTlsOptions,
} from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

describe('KscClient over HTTPS', () => {
  let emu: TestEmulator;
  const clients: KscClient[] = [];
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { http: false, hosts: 60, events: 100 });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await emu?.stop();
  });

  function client(tls: KscTlsOptions | undefined): { ksc: KscClient; logs: KscLogRecord[] } {
    const logs: KscLogRecord[] = [];
    const ksc = new KscClient(
      {
        url: emu.url,
        credentials: { user: 'admin', password: TEST_PASSWORD },
        attempts: 3,
        backoffMs: 1,
        ...(tls === undefined ? {} : { tls }),
      },
      { logger: (r) => logs.push(r) },
    );
    clients.push(ksc);
    return { ksc, logs };
  }

  async function attempt(tls: KscTlsOptions | undefined) {
    const { ksc, logs } = client(tls);
    const reply = await ksc.call('HostGroup.GroupIdGroups');
    return { reply, logs };
  }

  /** API calls the emulator has seen: a refused certificate must stop the client before it sends anything. */
  const callsSeen = () => emu.ksc.state.faults.counters.calls;
  const retries = (logs: readonly KscLogRecord[]) => logs.filter((r) => r.message.startsWith('retrying'));
  // The pin of no key at all: it must not match.
  const otherPin = `sha256/${randomBytes(32).toString('base64')}`;

  it('trusts the server’s self-signed certificate when given as the CA', async () => {
    expect(emu.url.startsWith('https://')).toBe(true);
    const { reply, logs } = await attempt({ ca: emu.ksc.certificatePem! });
    expect(typeof reply['PxgRetVal']).toBe('number');
    expect(logs.some((r) => r.level === 'warn')).toBe(false);
  });

  it('refuses the certificate without it, naming the TLS failure, and does not retry', async () => {
    const before = callsSeen();
    const { ksc, logs } = client(undefined);
    const error = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as TlsError).message).toMatch(/SELF_SIGNED|CERT/);
    expect((error as TlsError).retryable).toBe(false);
    expect(retries(logs)).toHaveLength(0);
    expect(callsSeen()).toBe(before);
  });

  it('connects without verification only when told to, and says so', async () => {
    const { reply, logs } = await attempt({ insecure: true });
    expect(typeof reply['PxgRetVal']).toBe('number');
    expect(logs.some((r) => r.level === 'warn' && r.message.includes('verification is off'))).toBe(true);
  });

  it('accepts the server by its pinned key, in place of a CA or on top of one', async () => {
    const pin = spkiPin(emu.ksc.certificatePem!);
    expect(pin).toMatch(/^sha256\/[A-Za-z0-9+/]{43}=$/);
    expect((await attempt({ pins: [otherPin, pin] })).reply['PxgRetVal']).toBeTypeOf('number');
    expect((await attempt({ ca: emu.ksc.certificatePem!, pins: [pin] })).reply['PxgRetVal']).toBeTypeOf(
      'number',
    );
  });

  it('refuses a server whose key matches no pin before sending it anything', async () => {
    for (const tls of [{ pins: [otherPin] }, { ca: emu.ksc.certificatePem!, pins: [otherPin] }]) {
      const before = callsSeen();
      const { ksc, logs } = client(tls);
      const error = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).message).toContain('matches none of tls.pins');
      expect((error as TlsError).message).toContain(spkiPin(emu.ksc.certificatePem!));
      expect(retries(logs)).toHaveLength(0);
      expect(callsSeen()).toBe(before);
    }
  });

  it('warns once when the server certificate is about to expire', async () => {
    const validTo = Date.parse(new X509Certificate(emu.ksc.certificatePem!).validTo);
    const logs: KscLogRecord[] = [];
    const ksc = new KscClient(
      {
        url: emu.url,
        credentials: { user: 'admin', password: TEST_PASSWORD },
        tls: { pins: [spkiPin(emu.ksc.certificatePem!)] },
      },
      { logger: (r) => logs.push(r), now: () => validTo - 10 * 86_400_000 },
    );
    clients.push(ksc);
    await Promise.all(Array.from({ length: 6 }, () => ksc.call('HostGroup.GroupIdGroups')));
    const warnings = logs.filter((r) => r.message.startsWith('the server certificate expires'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('reserve certificate’s pin');
  });

  /**
   * An HTTPS server on loopback with a certificate of our making, counting the requests that reach it: the
   * emulator's own certificate is always valid and names 127.0.0.1, so the wrong-name and expired cases need
   * one of their own.
   */
  async function serverWith(options: {
    readonly names: readonly string[];
    readonly notBefore: Date;
    readonly notAfter: Date;
  }): Promise<{ url: string; cert: string; requests: () => number; close: () => Promise<void> }> {
    const pems = await generateCertificate([{ name: 'commonName', value: options.names[0]! }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: options.notBefore,
      notAfterDate: options.notAfter,
      extensions: [
        { name: 'subjectAltName', altNames: options.names.map((value) => ({ type: 2 as const, value })) },
      ],
    });
    let requests = 0;
    const server: Server = createServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `https://127.0.0.1:${port}`,
      cert: pems.cert,
      requests: () => requests,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  async function refusal(url: string, ca: string) {
    const logs: KscLogRecord[] = [];
    const ksc = new KscClient(
      {
        url,
        credentials: { user: 'admin', password: TEST_PASSWORD },
        attempts: 3,
        backoffMs: 1,
        tls: { ca },
      },
      { logger: (r) => logs.push(r) },
    );
    clients.push(ksc);
    const error = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
    return { error, logs };
  }

  it('refuses a trusted certificate issued for another host name, naming the host, before sending anything', async () => {
    const day = 86_400_000;
    const other = await serverWith({
      names: ['ksc.example.test'],
      notBefore: new Date(Date.now() - day),
      notAfter: new Date(Date.now() + 365 * day),
    });
    try {
      const { error, logs } = await refusal(other.url, other.cert);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).retryable).toBe(false);
      expect((error as TlsError).message).toContain(other.url);
      expect((error as TlsError).message).toMatch(/ALTNAME/);
      expect(retries(logs)).toHaveLength(0);
      expect(other.requests()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('refuses a trusted certificate that has already expired, saying so, before sending anything', async () => {
    const day = 86_400_000;
    const expired = await serverWith({
      names: ['localhost', '127.0.0.1'],
      notBefore: new Date(Date.now() - 400 * day),
      notAfter: new Date(Date.now() - day),
    });
    try {
      const { error, logs } = await refusal(expired.url, expired.cert);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).retryable).toBe(false);
      expect((error as TlsError).message).toContain(expired.url);
      expect((error as TlsError).message).toMatch(/EXPIRED/);
      expect(retries(logs)).toHaveLength(0);
      expect(expired.requests()).toBe(0);
    } finally {
      await expired.close();
    }
  });

  // Last: it changes the emulator's certificate for the rest of the file.
  it('keeps working across a certificate rotation when the reserve key is pinned too', async () => {
    const current = emu.ksc.certificatePem!;
    const reserve = emu.ksc.reserveCertificatePem!;
    expect(spkiPin(reserve)).not.toBe(spkiPin(current));
    const both = client({ pins: [spkiPin(current), spkiPin(reserve)] });
    const currentOnly = client({ pins: [spkiPin(current)] });
    const byCa = client({ ca: current });
    for (const { ksc } of [both, currentOnly, byCa]) await ksc.call('HostGroup.GroupIdGroups');

    expect((await emu.control('POST', '/__emulator/tls/rotate')).status).toBe(200);
    expect(emu.ksc.certificatePem).toBe(reserve);

    const reply = await both.ksc.call('HostGroup.GroupIdGroups');
    expect(reply['PxgRetVal']).toBeTypeOf('number');
    for (const { ksc } of [currentOnly, byCa]) {
      await expect(ksc.call('HostGroup.GroupIdGroups')).rejects.toBeInstanceOf(TlsError);
    }
    // The new reserve differs from both, ready for the next rotation.
    expect(emu.ksc.reserveCertificatePem).not.toBe(current);
    expect(emu.ksc.reserveCertificatePem).not.toBe(reserve);
  });
});
