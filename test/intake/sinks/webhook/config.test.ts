/**
 * The webhook sink in kconnect.yaml: issue 19's example loads as written (with SIEM_TOKEN set), secrets stay
 * Secrets, and bad values — an unset variable, credentials in static headers or the URL, a refused address
 * (R19), plain http to another machine — fail at load naming the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config/index.ts';
import { Secret } from '../../../../src/config/secrets.ts';
import { pipelineDefinitions } from '../../../../src/intake/configured.ts';

const CONNECTION = `connections:
  lab: { type: ksc, url: "https://ksc.example.com:13299", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
`;
const withSink = (sink: string) => `${CONNECTION}pipelines:
  siem:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ocsf
    sink: ${sink}
`;
const EXAMPLE = withSink('{ type: webhook, url: "https://siem.example.com/ingest", tokenEnv: SIEM_TOKEN }');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-webhook-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(text: string, env: Record<string, string> = { SIEM_TOKEN: 'tok-secret-1' }) {
  writeFileSync(join(dir, 'kconnect.yaml'), text);
  return loadConfig({ env, cwd: tmpdir(), file: join(dir, 'kconnect.yaml') });
}

function failure(text: string, env?: Record<string, string>): string {
  try {
    load(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loaded without an error');
}

describe('type: webhook in kconnect.yaml', () => {
  it('loads issue 19’s example as written; the token stays a Secret and out of the target', async () => {
    const config = load(EXAMPLE);
    const sink = config.pipelines['siem']!.sink;
    expect(sink).toMatchObject({
      type: 'webhook',
      url: 'https://siem.example.com/ingest',
      format: 'json',
      policy: { allowLoopback: false, allowPrivateNetworks: false },
      maxAttempts: 5,
    });
    const token = (sink as { auth: { token: Secret } }).auth.token;
    expect(token).toBeInstanceOf(Secret);
    expect(await token.read()).toBe('tok-secret-1');
    expect(JSON.stringify(config)).not.toContain('tok-secret-1');
    const [definition] = pipelineDefinitions(config, { vendorClient: () => undefined as never });
    expect(definition).toMatchObject({ sinkType: 'webhook', sinkTarget: 'https://siem.example.com/ingest' });
  });

  it('takes basic, hmac, headers, format, limits and the network allowances', () => {
    writeFileSync(join(dir, 'hmac.key'), 'k\n');
    const config = load(
      withSink(`
      type: webhook
      url: "https://10.0.0.7:8443/in?key=abc"
      format: ndjson
      basic: { user: collector, passwordEnv: SIEM_PASSWORD }
      hmac: { secretFile: hmac.key, header: X-Signature }
      headers: { X-Tenant: soc-1 }
      allowPrivateNetworks: true
      timeoutSeconds: 5
      maxBatchDocuments: 100
      maxBatchBytes: 65536
      maxAttempts: 3
      maxRetryAfterSeconds: 60`),
      { SIEM_PASSWORD: 'pw' },
    );
    const sink = config.pipelines['siem']!.sink;
    expect(sink).toMatchObject({
      format: 'ndjson',
      headers: { 'x-tenant': 'soc-1' },
      policy: { allowLoopback: false, allowPrivateNetworks: true },
      timeoutMs: 5000,
      maxBatchDocuments: 100,
      maxBatchBytes: 65536,
      maxAttempts: 3,
      maxRetryAfterMs: 60_000,
      auth: { basic: { user: 'collector' }, hmac: { header: 'X-Signature', algorithm: 'sha256' } },
    });
    const [definition] = pipelineDefinitions(config, { vendorClient: () => undefined as never });
    expect(definition!.sinkTarget).toBe('https://10.0.0.7:8443/in'); // never the query, which may hold a key
  });

  it('names the field and the reason for bad values', () => {
    const field = 'pipelines.siem.sink';
    expect(failure(EXAMPLE, {})).toBe(`${field}.tokenEnv: environment variable SIEM_TOKEN is not set`);
    expect(
      failure(
        withSink(
          '{ type: webhook, url: "https://siem.example.com/", headers: { Authorization: "Bearer x" } }',
        ),
      ),
    ).toBe(
      `${field}.headers.Authorization: credentials are refused in static headers: use tokenEnv, tokenFile or basic`,
    );
    expect(failure(withSink('{ type: webhook, url: "https://siem.example.com/", format: xml }'))).toMatch(
      new RegExp(`^${field.replace(/\./g, '\\.')}\\.format: `),
    );
    expect(failure(withSink('{ type: webhook, url: "https://u:p@siem.example.com/" }'))).toMatch(
      /^pipelines\.siem\.sink\.url: credentials in the URL are refused/,
    );
    expect(failure(withSink('{ type: webhook, url: "http://siem.example.com/" }'))).toMatch(
      /^pipelines\.siem\.sink\.url: plain http:\/\//,
    );
    expect(
      failure(withSink('{ type: webhook, url: "https://siem.example.com/", caFile: nope.pem }')),
    ).toMatch(/^pipelines\.siem\.sink\.caFile: file not found: /);
    expect(failure(withSink('{ type: webhook, url: "https://siem.example.com/", basic: { user: u } }'))).toBe(
      `${field}.basic.passwordEnv: give passwordEnv or passwordFile`,
    );
    expect(failure(withSink('{ type: webhook, url: "https://siem.example.com/", retries: 3 }'))).toBe(
      `${field}.retries: unknown setting`,
    );
  });

  it.each([
    ['file:///etc/passwd', /a scheme other than https or http/],
    ['gopher://siem.example.com/', /a scheme other than https or http/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a cloud metadata address/],
    ['http://[fd00:ec2::254]/', /a cloud metadata address/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback address, refused unless allowLoopback: true/],
    ['http://0x7f.1/', /loopback address/],
    ['http://[::ffff:127.0.0.1]/', /loopback address/],
    ['https://localhost/', /localhost is a loopback address/],
    ['https://192.168.1.10/', /private network address, refused unless allowPrivateNetworks: true/],
    ['https://[fe80::1]/', /link-local address, never reached/],
  ])('R19 at load: %s refused, naming pipelines.siem.sink.url', (url, reason) => {
    const message = failure(withSink(`{ type: webhook, url: "${url}", allowInsecureHttp: true }`));
    expect(message).toMatch(/^pipelines\.siem\.sink\.url: /);
    expect(message).toMatch(reason);
  });
});
