import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveKscConfig, type KscClientOptions } from '../../../src/ksc/index.ts';
import { normalizePin } from '../../../src/http/pins.ts';

const base: KscClientOptions = {
  url: 'https://ksc.example.com:13299',
  credentials: { user: 'soc', password: 'placeholder-password' },
};
const resolve = (options: Partial<KscClientOptions>, env: Record<string, string> = {}) =>
  resolveKscConfig({ ...base, ...options }, env);
const pin = `sha256/${Buffer.alloc(32, 7).toString('base64')}`;

describe('resolveKscConfig', () => {
  it('refuses bad options with the field and the reason', () => {
    const cases: [Partial<KscClientOptions>, string | RegExp][] = [
      [{ url: 'ftp://example.com' }, 'url: must be https:// or http://'],
      [{ url: 'https://user:pw@example.com' }, /^url: credentials go in/],
      [{ timeoutMs: 0 }, 'timeoutMs: an integer from 1 to 3600000'],
      [{ credentials: { user: ' ', password: 'x' } }, 'credentials.user: required'],
      [{ login: 'connection', connections: 2 }, 'connections: a connection-bound login uses exactly one'],
      [{ tls: { pins: [] } }, 'tls.pins: at least one pin'],
      [{ tls: { pins: [pin, 'sha1/abc'] } }, 'tls.pins[1]: expected sha256/<base64 of 32 bytes>'],
      [{ tls: { insecure: true, pins: [pin] } }, 'tls.insecure: cannot be combined with tls.ca or tls.pins'],
      [{ proxy: 'https://proxy.example.com:3128' }, 'proxy: only http:// proxies are supported'],
    ];
    for (const [options, message] of cases) expect(() => resolve(options)).toThrow(message);
    expect(() => resolve({}, { HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(
      'HTTPS_PROXY: only http:// proxies are supported',
    );
  });

  it('freezes what it resolved', () => {
    const config = resolve({ tls: { pins: [pin] } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tls)).toBe(true);
    expect(Object.isFrozen(config.tls.pins)).toBe(true);
    expect(config.login).toBe('session');
    expect(resolve({ login: 'connection' }).connections).toBe(1);
  });

  it('reads pins as sha256/<base64> or curl’s sha256//<base64>, whatever the base64 starts with', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const base64 = Buffer.from(bytes).toString('base64');
        const canonical = `sha256/${base64}`;
        expect(normalizePin(canonical)).toBe(canonical);
        expect(normalizePin(`sha256//${base64}`)).toBe(canonical);
        expect(normalizePin(` SHA256/${base64} `)).toBe(canonical);
        expect(normalizePin(`sha256/${Buffer.from(bytes.subarray(1)).toString('base64')}`)).toBeUndefined();
      }),
    );
  });

  it('takes the proxy from the option, or from the environment by the server’s scheme', () => {
    expect(resolve({ proxy: 'http://proxy.corp:3128' }).proxy).toMatchObject({
      origin: 'http://proxy.corp:3128',
      hostname: 'proxy.corp',
      port: 3128,
      authorization: undefined,
      source: 'proxy',
    });
    const env = { https_proxy: 'proxy.corp:8080', HTTP_PROXY: 'http://plain.corp:80' };
    expect(resolve({}, env).proxy).toMatchObject({ origin: 'http://proxy.corp:8080', source: 'HTTPS_PROXY' });
    expect(resolve({ url: 'http://ksc.example.com', allowInsecureHttp: true }, env).proxy).toMatchObject({
      source: 'HTTP_PROXY',
    });
    expect(resolve({ proxy: false }, env).proxy).toBeUndefined();
    const withCredentials = resolve({ proxy: 'http://svc%40corp:p%3Ass@proxy.corp:3128' }).proxy;
    expect(withCredentials?.origin).toBe('http://proxy.corp:3128');
    expect(withCredentials?.authorization).toBe(`Basic ${Buffer.from('svc@corp:p:ss').toString('base64')}`);
  });

  it('skips the environment’s proxy for the hosts NO_PROXY names', () => {
    const through = (url: string, noProxy: string) =>
      resolve({ url }, { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: noProxy }).proxy !== undefined;
    expect(through('https://ksc.example.com:13299', '*')).toBe(false);
    expect(through('https://ksc.example.com:13299', 'localhost, .example.com')).toBe(false);
    expect(through('https://ksc.example.com:13299', 'example.com')).toBe(false);
    expect(through('https://ksc.example.com:13299', '*.example.com')).toBe(false);
    expect(through('https://ksc.example.com:13299', 'ksc.example.com:13299')).toBe(false);
    expect(through('https://ksc.example.com:13299', 'ksc.example.com:443')).toBe(true);
    expect(through('https://ksc.example.com:13299', 'ample.com,other.org')).toBe(true);
    expect(through('https://10.0.0.5:13299', '10.0.0.5')).toBe(false);
    expect(through('https://[fd00::5]:13299', 'fd00::5')).toBe(false);
    expect(through('https://[fd00::5]:13299', '[fd00::5]:13299')).toBe(false);
    expect(through('https://[fd00::5]:13299', '[fd00::6]')).toBe(true);
  });
});
