import type { KscClient } from '../../src/ksc/client/client.ts';
import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../src/commands/core/execute.ts';
import { commandByName } from '../../src/commands/registry.ts';
import {
  ConfigError,
  createContextFactory,
  loadConfig,
  type ContextFactory,
} from '../../src/config/index.ts';
import { spkiPin, TlsError } from '../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';

describe('createContextFactory (HTTPS emulator)', () => {
  let emu: TestEmulator;
  let dir: string;
  const factories: ContextFactory[] = [];

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { http: false, hosts: 20, events: 20 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-context-'));
    const pem = emu.ksc.certificatePem!;
    writeFileSync(join(dir, 'klserver.pem'), pem);
    writeFileSync(join(dir, 'klserver.der'), new X509Certificate(pem).raw);
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello');
  });
  afterAll(async () => {
    for (const factory of factories) await factory.close();
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function factoryOf(yaml: string, env: Record<string, string | undefined> = {}): ContextFactory {
    writeFileSync(join(dir, 'kconnect.yaml'), yaml);
    const factory = createContextFactory(loadConfig({ env, cwd: dir }), { env: {} });
    factories.push(factory);
    return factory;
  }

  it('makes one client per connection, cached, trusting the CA file (PEM or DER), and runs commands on it', async () => {
    const factory = factoryOf(
      [
        'defaultConnection: pem',
        'connections:',
        `  pem: { url: "${emu.url}", user: admin, passwordEnv: KSC_PASSWORD, tls: { caFile: klserver.pem } }`,
        `  der: { url: "${emu.url}", user: reader, passwordEnv: KSC_PASSWORD, tls: { caFile: klserver.der } }`,
      ].join('\n'),
      { KSC_PASSWORD: TEST_PASSWORD },
    );
    expect(factory.client()).toBe(factory.client('pem'));
    expect(factory.client('der')).not.toBe(factory.client('pem'));
    expect(new X509Certificate(factory.client('der').config.tls.ca!).fingerprint256).toBe(
      new X509Certificate(emu.ksc.certificatePem!).fingerprint256,
    );
    const result = await executeCommand(commandByName('list_groups')!, factory.context(), {});
    expect(result.status).toBe('Successful');
    expect(typeof (await factory.client('der').call('HostGroup.GroupIdGroups')).PxgRetVal).toBe('number');
    const context = factory.context('der');
    expect(context.ksc).toBe(factory.client('der'));
    expect(context.now()).toBeGreaterThan(0);
  });

  it('passes pins through: the right one connects, another one is refused before anything is sent', async () => {
    const pin = spkiPin(emu.ksc.certificatePem!);
    const other = `sha256/${randomBytes(32).toString('base64')}`;
    const factory = factoryOf(
      [
        'connections:',
        `  right: { url: "${emu.url}", user: admin, passwordEnv: P, tls: { pins: ["${pin}"] } }`,
        `  wrong: { url: "${emu.url}", user: admin, passwordEnv: P, tls: { pins: ["${other}"] } }`,
      ].join('\n'),
      { P: TEST_PASSWORD },
    );
    expect(factory.client('right').config.tls.pins).toEqual([pin]);
    expect(typeof (await factory.client('right').call('HostGroup.GroupIdGroups')).PxgRetVal).toBe('number');
    await expect(factory.client('wrong').call('HostGroup.GroupIdGroups')).rejects.toBeInstanceOf(TlsError);
  });

  it('reads the password only when the client logs in', async () => {
    const env: Record<string, string | undefined> = {};
    writeFileSync(join(dir, 'password'), 'not yet the password');
    const factory = factoryOf(
      [
        'connections:',
        `  file: { url: "${emu.url}", user: admin, passwordFile: password, tls: { caFile: klserver.pem } }`,
        `  env: { url: "${emu.url}", user: admin, passwordEnv: LATE, tls: { caFile: klserver.pem } }`,
      ].join('\n'),
      env,
    );
    const fromFile = factory.context('file');
    const fromEnv = factory.context('env');
    // Set after the configuration was loaded and the clients were made.
    writeFileSync(join(dir, 'password'), `${TEST_PASSWORD}\n`);
    env['LATE'] = TEST_PASSWORD;
    expect(typeof (await (fromFile.ksc as KscClient).call('HostGroup.GroupIdGroups')).PxgRetVal).toBe(
      'number',
    );
    expect(typeof (await (fromEnv.ksc as KscClient).call('HostGroup.GroupIdGroups')).PxgRetVal).toBe(
      'number',
    );
  });

  it('names the field of a CA file it cannot use, and says which connection to choose', () => {
    const factory = factoryOf(
      [
        'connections:',
        `  a: { url: "${emu.url}", user: admin, password: x, tls: { caFile: not-a-cert.pem } }`,
        `  b: { url: "${emu.url}", user: admin, password: x }`,
      ].join('\n'),
    );
    expect(() => factory.client('a')).toThrow(
      new ConfigError(
        'connections.a.tls.caFile',
        `not a certificate (PEM or DER): ${join(dir, 'not-a-cert.pem')}`,
      ),
    );
    expect(() => factory.context()).toThrow(/several are configured \(a, b\) and none is the default/);
    expect(() => factory.context('c')).toThrow('connection: no connection named "c" (configured: a, b)');
    const empty = createContextFactory(loadConfig({ env: {}, cwd: tmpdir() + '/nonexistent-kconnect-dir' }));
    expect(() => empty.context()).toThrow(/^connection: none configured/);
  });
});
