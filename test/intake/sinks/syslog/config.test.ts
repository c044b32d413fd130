/**
 * `sink: { type: syslog, … }` in kconnect.yaml: issue 19's line loads as written (with the OCSF mapping of its
 * example), defaults are filled, paths resolve beside the file, and bad values name the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config/index.ts';
import { pipelineDefinitions } from '../../../../src/intake/configured.ts';

const WITH_SINK = (sink: string) => `connections:
  lab: { type: ksc, url: "https://ksc.example.com:13299", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
pipelines:
  ksc-to-siem:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ocsf
    sink: ${sink}
`;
const CONTRACT_SINK = '{ type: syslog, url: "tcp://127.0.0.1:6514", format: cef }';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-syslog-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(sink: string) {
  writeFileSync(join(dir, 'kconnect.yaml'), WITH_SINK(sink));
  return loadConfig({ env: {}, cwd: tmpdir(), file: join(dir, 'kconnect.yaml') });
}

function failure(sink: string): string {
  try {
    load(sink);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loaded without an error');
}

describe('the syslog sink in kconnect.yaml', () => {
  it("loads issue 19's line as written, with its defaults", () => {
    const config = load(CONTRACT_SINK);
    expect(config.pipelines['ksc-to-siem']!.sink).toEqual({
      type: 'syslog',
      transport: { protocol: 'tcp', host: '127.0.0.1', port: 6514, timeoutMs: 30_000 },
      format: 'cef',
      facility: 16,
      maxMessageBytes: 8192,
      leefDelimiter: '\t',
    });
    const [definition] = pipelineDefinitions(config, { vendorClient: () => undefined as never });
    expect(definition).toMatchObject({ sinkType: 'syslog', sinkTarget: 'tcp://127.0.0.1:6514' });
  });

  it('takes UDP and TLS with their options; files resolve beside the configuration', () => {
    expect(
      load('{ type: syslog, url: "udp://siem.example", format: leef }').pipelines['ksc-to-siem']!.sink,
    ).toMatchObject({
      transport: { protocol: 'udp', host: 'siem.example', port: 514 },
      format: 'leef',
      maxMessageBytes: 2048,
    });
    const tls = load(
      '{ type: syslog, url: "tls://[::1]", format: json, caFile: ca.pem, certFile: c.pem, keyFile: k.pem, ' +
        'serverName: siem.example, facility: auth, appName: kc, hostname: intake-1, maxMessageBytes: 4096, ' +
        'leefDelimiter: "^", timeoutSeconds: 5 }',
    ).pipelines['ksc-to-siem']!.sink;
    expect(tls).toEqual({
      type: 'syslog',
      transport: {
        protocol: 'tls',
        host: '::1',
        port: 6514,
        timeoutMs: 5000,
        tls: {
          caFile: join(dir, 'ca.pem'),
          certFile: join(dir, 'c.pem'),
          keyFile: join(dir, 'k.pem'),
          serverName: 'siem.example',
        },
      },
      format: 'json',
      facility: 4,
      appName: 'kc',
      hostname: 'intake-1',
      maxMessageBytes: 4096,
      leefDelimiter: '^',
    });
  });

  it('names the field and the reason', () => {
    const field = 'pipelines.ksc-to-siem.sink';
    expect(failure('{ type: syslog, url: "http://siem:514" }')).toBe(
      `${field}.url: scheme http: is not udp:, tcp: or tls:`,
    );
    expect(failure('{ type: syslog, url: "not a url" }')).toBe(`${field}.url: not a URL: "not a url"`);
    expect(failure('{ type: syslog, url: "tcp://u:p@siem:514" }')).toBe(
      `${field}.url: syslog takes no credentials in the URL`,
    );
    expect(failure('{ type: syslog, url: "tcp://siem:514", format: xml }')).toMatch(
      new RegExp(`^${field.replace(/\./g, '\\.')}\\.format: `),
    );
    expect(failure('{ type: syslog, url: "tcp://siem:514", caFile: ca.pem }')).toBe(
      `${field}.caFile: only with a tls:// url`,
    );
    expect(failure('{ type: syslog, url: "tls://siem", certFile: c.pem }')).toBe(
      `${field}.keyFile: certFile and keyFile go together`,
    );
    expect(failure('{ type: syslog, url: "udp://siem", maxMessageBytes: 100 }')).toMatch(
      /^pipelines\.ksc-to-siem\.sink\.maxMessageBytes: /,
    );
    expect(failure('{ type: syslog, url: "udp://siem", facility: local9 }')).toMatch(
      /^pipelines\.ksc-to-siem\.sink\.facility: /,
    );
    expect(failure('{ type: syslog, url: "udp://siem", port: 514 }')).toBe(`${field}.port: unknown setting`);
  });
});
