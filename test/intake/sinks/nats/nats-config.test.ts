/** The `nats` sink and source in kconnect.yaml: issue 19's example loads as written; bad values name the field. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config/index.ts';
import { pipelineDefinitions } from '../../../../src/intake/configured.ts';

const CONNECTIONS = `connections:
  lab: { type: ksc, url: "https://ksc.example.com:13299", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
`;

function withSink(sink: string): string {
  return `${CONNECTIONS}pipelines:
  ksc-to-bus:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ocsf
    sink: ${sink}
`;
}

function withSource(source: string, mapping = 'raw'): string {
  return `${CONNECTIONS}pipelines:
  from-bus:
    source: ${source}
    mapping: ${mapping}
    sink: { type: file, path: out/from-bus.ndjson }
`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kconnect-nats-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(text: string, env: Record<string, string> = {}) {
  writeFileSync(join(dir, 'kconnect.yaml'), text);
  return loadConfig({ env, cwd: tmpdir(), file: join(dir, 'kconnect.yaml') });
}

function failure(text: string, env: Record<string, string> = {}): string {
  try {
    load(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loaded without an error');
}

const noClients = {
  vendorClient: () => {
    throw new Error('no client is made before a run');
  },
};

describe('the nats sink in kconnect.yaml', () => {
  it("loads issue 19's example as written", () => {
    const config = load(
      withSink(
        '{ type: nats, url: "nats://127.0.0.1:4222", stream: KCONNECT, subject: kconnect.ksc.events }',
      ),
    );
    expect(config.pipelines['ksc-to-bus']!.sink).toEqual({
      type: 'nats',
      connection: { url: 'nats://127.0.0.1:4222' },
      stream: 'KCONNECT',
      subject: 'kconnect.ksc.events',
      subjectPerEventType: false,
      createStream: true,
    });
    const [definition] = pipelineDefinitions(config, noClients);
    expect(definition).toMatchObject({
      sinkType: 'nats',
      sinkTarget: 'nats://127.0.0.1:4222 stream KCONNECT subject kconnect.ksc.events',
    });
  });

  it('keeps credentials as secrets: never their values in the loaded configuration', () => {
    const config = load(
      withSink(
        '{ type: nats, url: "tls://bus:4222", stream: K, subject: a.b, userEnv: NU, passwordEnv: NP, subjectPerEventType: true, duplicateWindowSeconds: 600 }',
      ),
      { NU: 'kconnect', NP: 's3cret-pass' },
    );
    const text = JSON.stringify(config.pipelines['ksc-to-bus']!.sink);
    expect(text).not.toContain('s3cret-pass');
    expect(text).toContain('*** (env NP)');
    expect(pipelineDefinitions(config, noClients)[0]!.sinkTarget).toBe(
      'tls://bus:4222 stream K subject a.b.<type>',
    );
  });

  it('names the field of a bad value', () => {
    const sink = (extra: string) => withSink(`{ type: nats, stream: K, subject: a.b, ${extra} }`);
    expect(failure(sink('url: "http://bus:4222"'))).toMatch(
      /^pipelines\.ksc-to-bus\.sink\.url: expected nats:\/\//,
    );
    expect(failure(sink('url: "nats://u:p@bus:4222"'))).toMatch(
      /^pipelines\.ksc-to-bus\.sink\.url: credentials in the URL are refused/,
    );
    expect(failure(sink('url: "nats://bus", tokenEnv: NATS_TOKEN'))).toBe(
      'pipelines.ksc-to-bus.sink.tokenEnv: environment variable NATS_TOKEN is not set',
    );
    expect(failure(sink('url: "nats://bus", userEnv: NU'), { NU: 'x' })).toBe(
      'pipelines.ksc-to-bus.sink.passwordEnv: required with userEnv',
    );
    expect(failure(sink('url: "nats://bus", createStream: false, duplicateWindowSeconds: 60'))).toMatch(
      /^pipelines\.ksc-to-bus\.sink\.duplicateWindowSeconds:/,
    );
    expect(failure(withSink('{ type: nats, url: "nats://bus", stream: "K.1", subject: a.b }'))).toMatch(
      /pipelines\.ksc-to-bus\.sink\.stream/,
    );
    expect(failure(withSink('{ type: nats, url: "nats://bus", stream: K, subject: "a.*" }'))).toMatch(
      /pipelines\.ksc-to-bus\.sink\.subject/,
    );
  });
});

describe('the nats source in kconnect.yaml', () => {
  it('needs no connection: the server is in the block', () => {
    const config = load(
      withSource(
        '{ type: nats, url: "nats://127.0.0.1:4222", stream: KCONNECT, start: start, credsFile: bus.creds }',
      ),
    );
    const pipeline = config.pipelines['from-bus']!;
    expect(pipeline.source).toEqual({
      type: 'nats',
      url: 'nats://127.0.0.1:4222',
      stream: 'KCONNECT',
      start: 'start',
      credsFile: join(dir, 'bus.creds'),
    });
    const [definition] = pipelineDefinitions(config, noClients);
    expect(definition).toMatchObject({ sourceType: 'nats' });
    expect(definition!.connection).toBeUndefined();
  });

  it('names the field of a bad value', () => {
    expect(failure(withSource('{ type: nats, url: "nats://bus", stream: K, connection: lab }'))).toMatch(
      /pipelines\.from-bus\.source/,
    );
    expect(failure(withSource('{ type: nats, url: "ftp://bus", stream: K }'))).toMatch(
      /^pipelines\.from-bus\.source\.url: expected nats:\/\//,
    );
    expect(failure(withSource('{ type: nats, url: "nats://bus", stream: K }', 'ecs'))).toMatch(
      /^pipelines\.from-bus\.mapping: a nats source delivers documents another pipeline already mapped/,
    );
    expect(
      failure(withSource('{ type: nats, url: "nats://bus", stream: K, start: "2024-01-01T00:00:00Z" }')),
    ).toMatch(/pipelines\.from-bus\.source\.start/);
  });
});
