/**
 * R19, the SSRF guard: every spelling of a refused address is refused (decimal, octal and hex IPv4, IPv4-mapped
 * IPv6), metadata addresses never reached, loopback and private ranges only when allowed; at connect time a DNS
 * name whose answer is refused fails before any connection — the receiver counts 0 connections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookSink } from '../../src/intake/sinks/webhook/index.ts';
import type { Resolve } from '../../src/net/guarded-connector.ts';
import { formatIp, parseIp } from '../../src/net/ip.ts';
import { assertUrlAllowed, classifyAddress, SsrfRefusedError, type SsrfPolicy } from '../../src/net/ssrf.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

function refusal(url: string, policy: SsrfPolicy = {}): string | undefined {
  try {
    assertUrlAllowed(new URL(url), policy);
    return undefined;
  } catch (error) {
    if (error instanceof SsrfRefusedError) return error.message;
    throw error;
  }
}

describe('address forms and classes', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['::ffff:a9fe:a9fe', '::ffff:a9fe:a9fe'],
  ])('%s is %s', (text, canonical) => {
    expect(formatIp(parseIp(text)!)).toBe(canonical);
  });

  it.each([
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['127.9.9.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['10.1.2.3', 'private'],
    ['172.31.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2001:4860::8888', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(parseIp(address)!)).toBe(kind);
  });
});

describe('URLs checked without resolving', () => {
  it.each([
    'file:///etc/passwd',
    'ftp://siem.example.com/in',
    'gopher://siem.example.com:70/_x',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'https://[fe80::1]/',
    'https://0.0.0.0/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:8080/',
    'https://10.0.0.5/',
    'https://[fc00::1]/',
  ])('refuses %s by default', (url) => {
    expect(refusal(url)).toBeDefined();
  });

  it('allows loopback and private ranges only when told; metadata and link-local never', () => {
    const open = { allowLoopback: true, allowPrivateNetworks: true };
    expect(refusal('http://0x7f.1/', open)).toBeUndefined();
    expect(refusal('http://localhost:1/', { allowLoopback: true })).toBeUndefined();
    expect(refusal('https://10.0.0.5/', { allowPrivateNetworks: true })).toBeUndefined();
    expect(refusal('https://10.0.0.5/', { allowLoopback: true })).toMatch(/private network/);
    expect(refusal('http://169.254.169.254/', open)).toMatch(/metadata/);
    expect(refusal('http://[::ffff:169.254.169.254]/', open)).toMatch(/metadata/);
    expect(refusal('http://[fe80::1]/', open)).toMatch(/link-local/);
    expect(refusal('https://siem.example.com/ingest')).toBeUndefined();
  });
});

describe('at connect time, on every DNS answer (webhook sink, real receiver)', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver({ tls: false });
  });
  afterEach(async () => {
    await receiver.close();
  });

  const signal = new AbortController().signal;
  const batch = { documents: [{ key: 'k1' }], keys: ['k1'] };

  async function attempt(host: string, resolve: Resolve | undefined, policy: SsrfPolicy = {}) {
    const sink = new WebhookSink({
      url: `http://${host}:${receiver.port}/ingest`,
      pipeline: 'p',
      policy,
      maxAttempts: 3,
      sleep: () => Promise.resolve(),
      resolve,
    });
    await sink.open(undefined, signal);
    try {
      return await sink.write(batch, signal).catch((error: unknown) => error);
    } finally {
      await sink.close();
    }
  }

  const resolvesTo =
    (...addresses: string[]): Resolve =>
    () =>
      Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

  it('refuses a name that resolves to loopback, with no connection made', async () => {
    const failure = await attempt('siem.example.com', resolvesTo('127.0.0.1'));
    expect(failure).toBeInstanceOf(SsrfRefusedError);
    expect((failure as Error).message).toBe(
      'siem.example.com resolves to 127.0.0.1, a loopback address, refused unless allowLoopback: true',
    );
    expect(receiver.connections()).toBe(0);
  });

  it('refuses when any answer is refused (DNS rebinding: a public and a loopback address)', async () => {
    const failure = await attempt('siem.example.com', resolvesTo('93.184.216.34', '127.0.0.1'));
    expect(failure).toBeInstanceOf(SsrfRefusedError);
    expect(receiver.connections()).toBe(0);
  });

  it('refuses an IPv4-mapped loopback answer', async () => {
    const failure = await attempt('siem.example.com', resolvesTo('::ffff:127.0.0.1'));
    expect(failure).toBeInstanceOf(SsrfRefusedError);
    expect(receiver.connections()).toBe(0);
  });

  it('refuses localhost through the system resolver, and an IP literal, without connecting', async () => {
    expect(await attempt('localhost', undefined)).toBeInstanceOf(SsrfRefusedError);
    expect(await attempt('127.0.0.1', undefined)).toBeInstanceOf(SsrfRefusedError);
    expect(receiver.connections()).toBe(0);
  });

  it('connects when the policy allows the answer', async () => {
    const result = await attempt('siem.example.com', resolvesTo('127.0.0.1'), { allowLoopback: true });
    expect(result).toEqual({ position: { lastKey: 'k1' } });
    expect(receiver.connections()).toBe(1);
    expect(receiver.accepted).toHaveLength(1);
  });
});
