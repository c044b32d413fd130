/**
 * The `kics` connection type on its own (it is not in the registry yet): a package with its password by file or
 * variable, PEM files, the errors naming the field, `config show`'s view with the password masked.
 */
import { describe, expect, it } from 'vitest';
import { kicsConnectionFileSchema, kicsConnectionType } from '../../src/config/connections/kics.ts';
import {
  ConnectionSettings,
  fileLayer,
  type ConfigFileSystem,
} from '../../src/config/connections/settings.ts';
import { ConfigError } from '../../src/config/errors.ts';

const FILES = new Set([
  '/etc/kconnect/pkg/certificates.pfx',
  '/etc/kconnect/pw',
  '/etc/kconnect/c.pem',
  '/etc/kconnect/k.pem',
]);
const fs: ConfigFileSystem = {
  readText: () => undefined,
  isFile: (path) => FILES.has(path),
  readTextAsync: async () => 'test-only-password',
};

function build(connection: Record<string, unknown>, env: Record<string, string> = {}) {
  const parsed = kicsConnectionFileSchema.parse({ type: 'kics', ...connection });
  return kicsConnectionType.build(
    new ConnectionSettings('plant', fileLayer('plant', parsed, '/etc/kconnect'), env, fs),
  );
}

describe('kics connections', () => {
  it('takes a package folder and a password file, relative to the configuration', () => {
    const connection = build({
      package: 'pkg',
      packagePasswordFile: 'pw',
      tls: { pins: [`sha256/${'A'.repeat(43)}=`] },
    });
    expect(connection).toMatchObject({
      type: 'kics',
      url: '',
      credentials: { package: { path: '/etc/kconnect/pkg', field: 'connections.plant.package' } },
      tls: { pins: [`sha256/${'A'.repeat(43)}=`], insecure: false },
    });
    const view = kicsConnectionType.view(connection);
    expect(view).toMatchObject({ type: 'kics', package: '/etc/kconnect/pkg' });
    expect(JSON.stringify(view)).not.toContain('test-only-password');
  });

  it('takes PEM files with a URL', () => {
    const connection = build({ url: 'https://kics.example:8080', cert: 'c.pem', key: 'k.pem' });
    expect(connection.credentials).toEqual({
      cert: { path: '/etc/kconnect/c.pem', field: 'connections.plant.cert' },
      key: { path: '/etc/kconnect/k.pem', field: 'connections.plant.key' },
    });
  });

  it('names the field of every mistake', () => {
    const error = (connection: Record<string, unknown>): ConfigError => {
      try {
        build(connection);
      } catch (thrown) {
        if (thrown instanceof ConfigError) return thrown;
        throw thrown;
      }
      throw new Error('no error');
    };
    expect(error({}).field).toBe('connections.plant.package');
    expect(error({ package: 'pkg' }).field).toBe('connections.plant.packagePassword');
    expect(error({ package: 'pkg', packagePassword: 'x', cert: 'c.pem' }).field).toBe(
      'connections.plant.cert',
    );
    expect(error({ cert: 'c.pem', url: 'https://k' }).field).toBe('connections.plant.key');
    expect(error({ cert: 'c.pem', key: 'k.pem' }).field).toBe('connections.plant.url');
    expect(error({ url: 'http://k', cert: 'c.pem', key: 'k.pem' }).field).toBe('connections.plant.url');
    expect(error({ package: 'pkg', packagePassword: 'x', tls: { insecure: true } }).field).toBe(
      'connections.plant.tls.insecure',
    );
    const pin = error({ package: 'pkg', packagePassword: 'x', tls: { pins: ['nope'] } });
    expect([pin.field, pin.index]).toEqual(['connections.plant.tls.pins', 0]);
  });
});
