/**
 * The syslog sink over TLS (RFC 5425) with a CA, a client certificate and a server name, against a TLS receiver
 * that checks the octet-counted framing byte for byte (the real rsyslog over TLS: rsyslog-tls.test.ts); a receiver the
 * CA did not sign stops the pipeline with a non-retryable SyslogTlsError.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDocument } from '../../../../src/intake/mappings/raw.ts';
import { isRetryable } from '../../../../src/intake/retry.ts';
import { createSink, resolveSinkConfig } from '../../../../src/intake/sinks/index.ts';
import { SyslogTlsError } from '../../../../src/intake/sinks/syslog/errors.ts';
import type { IntakeRecord } from '../../../../src/intake/types.ts';
import { parseLeef } from '../../../support/cef-leef.ts';
import {
  issueTestPki,
  startTlsSyslog,
  type TestPki,
  type TlsSyslogReceiver,
} from '../../../support/tls-syslog.ts';

const signal = new AbortController().signal;

function record(id: number): IntakeRecord {
  return {
    kind: 'record',
    source: 'kics.events',
    key: String(id),
    time: '2026-03-04T05:06:07.000Z',
    data: {
      id,
      eventType: 'Nic',
      title: 'Unknown device',
      description: `Unknown device ✓ ${id}`,
      severity: 'Critical',
      technology: 'Nic',
    },
  };
}

describe('the syslog sink over TLS', () => {
  let pki: TestPki;
  let other: TestPki;
  let receiver: TlsSyslogReceiver;
  beforeAll(async () => {
    pki = issueTestPki();
    other = issueTestPki();
    receiver = await startTlsSyslog(pki, { requireClientCert: true });
  });
  afterAll(async () => {
    await receiver?.stop();
    for (const dir of [pki?.dir, other?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sinkTrusting = (ca: TestPki) =>
    createSink(
      resolveSinkConfig(
        {
          type: 'syslog',
          url: `tls://127.0.0.1:${receiver.port}`,
          format: 'leef',
          caFile: ca.caFile,
          certFile: pki.clientCertFile,
          keyFile: pki.clientKeyFile,
          serverName: 'localhost',
          timeoutSeconds: 5,
        },
        { base: pki.dir, env: {}, field: 'pipelines.tls.sink' },
      ),
      { pipeline: 'tls' },
    );

  it('delivers every message octet-counted, with the client certificate, in order', async () => {
    const sink = sinkTrusting(pki);
    await sink.open(undefined, signal);
    const records = Array.from({ length: 40 }, (_, i) => record(i + 1));
    const result = await sink.write(
      { documents: records.map(rawDocument), keys: records.map((r) => r.key) },
      signal,
    );
    expect(result).toEqual({ position: { sent: 40 } });
    await sink.close();
    await expect.poll(() => receiver.messages.length).toBe(40);
    expect(receiver.framingErrors).toEqual([]);
    expect(receiver.messages.every((m) => m.client === 'kconnect-client')).toBe(true);
    const texts = receiver.messages.map((m) => m.message.toString('utf8'));
    expect(texts.map((t) => /key="(\d+)"/.exec(t)?.[1])).toEqual(records.map((r) => r.key));
    const leef = parseLeef(texts[0]!.slice(texts[0]!.indexOf('LEEF:')));
    expect(leef).toMatchObject({ product: 'KICS for Networks', eventId: 'Nic' });
    expect(leef.attributes).toMatchObject({ sev: '10', msg: 'Unknown device ✓ 1' });
  });

  it('a receiver whose certificate the CA did not sign: SyslogTlsError, not retried', async () => {
    const sink = sinkTrusting(other);
    await sink.open(undefined, signal);
    const failure = await sink
      .write({ documents: [rawDocument(record(99))], keys: ['99'] }, signal)
      .catch((error: unknown) => error);
    await sink.close();
    expect(failure).toBeInstanceOf(SyslogTlsError);
    expect(isRetryable(failure)).toBe(false);
    expect((failure as SyslogTlsError).reason).toMatch(/CERT|SIGNATURE|SELF_SIGNED/);
  });
});
