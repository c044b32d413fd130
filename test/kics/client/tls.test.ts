/**
 * How the KICS client trusts the server and presents itself: the package's CA, a foreign CA refused, SPKI pins,
 * PEM files instead of the package, a certificate of another server refused, a wrong package password.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorPki } from '../../../src/emulator/kics/auth/pki.ts';
import { writePkcs12 } from '../../../src/emulator/kics/auth/pkcs12.ts';
import { FieldError } from '../../../src/errors.ts';
import { spkiPin } from '../../../src/http/pins.ts';
import { AuthenticationError, KicsClient, TlsError } from '../../../src/kics/client/index.ts';
import { PACKAGE_PASSWORD, startClientHarness, type ClientHarness } from './harness.ts';

describe('KICS client: TLS and credentials', () => {
  let harness: ClientHarness;
  let scratch: string;
  let otherPki: EmulatorPki;
  beforeAll(async () => {
    harness = await startClientHarness({ devices: 10, events: 20 });
    scratch = mkdtempSync(path.join(os.tmpdir(), 'kconnect-kics-client-tls-'));
    otherPki = EmulatorPki.open(path.join(scratch, 'other'), { host: '127.0.0.1' });
  });
  afterAll(async () => {
    await harness.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('trusts the server through the CA in the package and takes the addresses from metadata.json', async () => {
    const client = await harness.client();
    try {
      expect(client.config.origin).toBe(harness.kics.url);
      expect(client.config.apiPath).toBe('/kics/api/v3');
      expect((await client.checkHealth()).server?.product).toBe('KICS for Networks');
    } finally {
      await client.close();
    }
  });

  it('refuses a server its CA did not issue, before any token is asked for (TlsError, not repeated)', async () => {
    let attempts = 0;
    const client = await harness.client(
      undefined,
      { tls: { ca: otherPki.caCertificate } },
      {
        sleep: async () => void attempts++,
      },
    );
    try {
      const error = await client.about().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(TlsError);
      expect(error).toMatchObject({ operation: 'token', retryable: false });
      expect(attempts).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('checks SPKI pins instead of the CA: the server key passes, another is refused', async () => {
    const serverPin = spkiPin(harness.kics.auth.pki.serverCertificate.cert);
    const pinned = await harness.client(undefined, { tls: { pins: [serverPin] } });
    const wrong = await harness.client(undefined, { tls: { pins: [spkiPin(otherPki.caCertificate)] } });
    try {
      expect(typeof (await pinned.about()).version).toBe('string');
      await expect(wrong.about()).rejects.toBeInstanceOf(TlsError);
    } finally {
      await pinned.close();
      await wrong.close();
    }
  });

  it('authenticates with PEM files of the connector certificate and a CA file', async () => {
    const pfx = readFileSync(path.join(harness.kics.packageDir, 'certificates.pfx'));
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), PACKAGE_PASSWORD);
    const keyBag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
      forge.pki.oids.pkcs8ShroudedKeyBag!
    ]![0]!;
    const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]!;
    const certBag = certBags.find(
      (bag) => bag.attributes['localKeyId']?.[0] === keyBag.attributes['localKeyId']?.[0],
    )!;
    const certFile = path.join(scratch, 'connector.crt');
    const keyFile = path.join(scratch, 'connector.key');
    const caFile = path.join(scratch, 'ca.crt');
    writeFileSync(certFile, forge.pki.certificateToPem(certBag.cert!));
    writeFileSync(keyFile, forge.pki.privateKeyToPem(keyBag.key!), { mode: 0o600 });
    writeFileSync(caFile, harness.kics.caCertificatePem);
    const client = await KicsClient.create({
      url: harness.kics.url,
      credentials: { cert: certFile, key: keyFile },
      tls: { ca: caFile },
    });
    try {
      expect(client.config.authPath).toBe('/kics/api/auth/v3/token');
      expect((await client.queryDevices({ limit: 1 })).values).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('reports a certificate the server does not know as a fatal authentication failure', async () => {
    const foreign = otherPki.issueClientCertificate('kconnect KICS connector kconnect');
    const dir = path.join(scratch, 'foreign-package');
    const pfx = writePkcs12({
      key: foreign.key,
      certificates: [foreign.cert, harness.kics.caCertificatePem],
      password: PACKAGE_PASSWORD,
    });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'certificates.pfx'), pfx);
    const client = await KicsClient.create(
      { url: harness.kics.apiUrl, credentials: { package: dir, password: PACKAGE_PASSWORD } },
      { sleep: async () => undefined },
    );
    try {
      const error = await client.about().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(AuthenticationError);
      await expect(client.about()).rejects.toBe(error);
    } finally {
      await client.close();
    }
  });

  it('refuses a wrong package password with the field named and the password nowhere', async () => {
    const wrongPassword = 'test-only-wrong-password-777';
    const error = await KicsClient.create({
      credentials: { package: harness.kics.packageDir, password: wrongPassword },
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(FieldError);
    expect((error as FieldError).field).toBe('package');
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(
      wrongPassword,
    );
  });
});
