/**
 * The syslog sink over `tls://` (RFC 5425) against a real rsyslog with the gtls driver (Debian's `rsyslog-gnutls`),
 * its CA and server certificate made by the test: every message arrives, parsed by rsyslog as RFC 5424 with the CEF
 * payload intact and in order; a sink trusting another CA fails with a non-retryable SyslogTlsError and nothing
 * reaches rsyslog.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDocument } from '../../../../src/intake/mappings/raw.ts';
import { isRetryable } from '../../../../src/intake/retry.ts';
import { createSink, resolveSinkConfig } from '../../../../src/intake/sinks/index.ts';
import { SyslogTlsError } from '../../../../src/intake/sinks/syslog/errors.ts';
import type { IntakeRecord } from '../../../../src/intake/types.ts';
import { parseCef } from '../../../support/cef-leef.ts';
import { RSYSLOG_GTLS, startRsyslog, type Rsyslog } from '../../../support/rsyslog.ts';
import { issueTestPki, type TestPki } from '../../../support/tls-syslog.ts';

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

describe('the syslog sink over TLS into a real rsyslog (gtls)', () => {
  let pki: TestPki;
  let other: TestPki;
  let rsyslog: Rsyslog;
  beforeAll(async () => {
    if (!existsSync(RSYSLOG_GTLS))
      throw new Error(
        `${RSYSLOG_GTLS} is missing: install the rsyslog-gnutls package (CI's APT_PACKAGES has it)`,
      );
    pki = issueTestPki();
    other = issueTestPki();
    rsyslog = await startRsyslog({
      tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile },
    });
  });
  afterAll(async () => {
    await rsyslog?.dispose();
    for (const dir of [pki?.dir, other?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sinkTrusting = (ca: TestPki) =>
    createSink(
      resolveSinkConfig(
        {
          type: 'syslog',
          url: `tls://127.0.0.1:${rsyslog.tlsPort}`,
          format: 'cef',
          caFile: ca.caFile,
          serverName: 'localhost',
          timeoutSeconds: 5,
        },
        { base: ca.dir, env: {}, field: 'pipelines.tls.sink' },
      ),
      { pipeline: 'tls' },
    );

  it('delivers every message over TLS, parsed by rsyslog, CEF intact, in order', async () => {
    const sink = sinkTrusting(pki);
    await sink.open(undefined, signal);
    const records = Array.from({ length: 40 }, (_, i) => record(i + 1));
    const result = await sink.write(
      { documents: records.map(rawDocument), keys: records.map((r) => r.key) },
      signal,
    );
    expect(result).toEqual({ position: { sent: 40 } });
    await sink.close();
    await expect.poll(() => rsyslog.messages().length, { timeout: 10_000 }).toBe(40);
    const messages = rsyslog.messages();
    expect(messages.every((m) => m.protocolVersion === '1')).toBe(true);
    const cef = messages.map((m) => parseCef(m.msg.slice(m.msg.indexOf('CEF:'))));
    expect(cef.map((c) => c.extension['msg'])).toEqual(records.map((r) => `Unknown device ✓ ${r.key}`));
    expect(cef[0]).toMatchObject({ vendor: 'Kaspersky', product: 'KICS for Networks' });
  });

  it('a sink trusting another CA: SyslogTlsError, not retried, nothing received', async () => {
    const before = rsyslog.messages().length;
    const sink = sinkTrusting(other);
    await sink.open(undefined, signal);
    const failure = await sink
      .write({ documents: [rawDocument(record(99))], keys: ['99'] }, signal)
      .catch((error: unknown) => error);
    await sink.close();
    expect(failure).toBeInstanceOf(SyslogTlsError);
    expect(isRetryable(failure)).toBe(false);
    expect((failure as SyslogTlsError).reason).toMatch(/CERT|SIGNATURE|SELF_SIGNED/);
    expect(rsyslog.messages()).toHaveLength(before);
  });
});
