/**
 * The syslog sink alone against a real rsyslog (test/support/rsyslog.ts): what rsyslog received and how it parsed
 * it (RFC 5424 header, structured data, octet-counted framing over TCP, one datagram per message over UDP), CEF and
 * LEEF read back field by field, a reopen that continues the count, UTF-8-safe truncation, and a receiver that goes
 * down (retryable error) and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRetryable } from '../../../../src/intake/retry.ts';
import { rawDocument } from '../../../../src/intake/mappings/raw.ts';
import { SyslogSendError } from '../../../../src/intake/sinks/syslog/errors.ts';
import { SyslogSink, type SyslogSinkOptions } from '../../../../src/intake/sinks/syslog/sink.ts';
import type { IntakeRecord, SinkBatch } from '../../../../src/intake/types.ts';
import { parseCef, parseLeef } from '../../../support/cef-leef.ts';
import { startRsyslog, type ReceivedMessage, type Rsyslog } from '../../../support/rsyslog.ts';
import { waitFor } from '../../../support/wait-for.ts';

const signal = new AbortController().signal;

/** A KSC detection with every character the formats must escape in the values people type (paths, users). */
function detection(id: number): IntakeRecord {
  return {
    kind: 'record',
    source: 'ksc.events',
    key: String(id),
    time: '2026-01-02T03:04:05.000Z',
    data: {
      event_db_id: id,
      rise_time: '2026-01-02T03:04:05.000Z',
      event_type: 'GNRL_EV_VIRUS_FOUND',
      event_type_display_name: 'Malicious object detected | high',
      GNRL_EA_SEVERITY: 4,
      GNRL_EA_DESCRIPTION: `Object "C:\\Temp\\eicar=1.com" found\nline two ✓ ${id}`,
      GNRL_EA_PARAM_1: 'C:\\Temp\\eicar=1.com',
      GNRL_EA_PARAM_2: 'EICAR-Test-File',
      GNRL_EA_PARAM_3: 'LAB\\jdoe',
      hostname: `a1b2-${id}`,
      hostdn: 'WKS-01',
      product_name: 'KES',
      product_displ_version: '12.5.0.1',
    },
  };
}

function batchOf(records: readonly IntakeRecord[]): SinkBatch {
  return { documents: records.map(rawDocument), keys: records.map((r) => r.key) };
}

function keyOf(message: ReceivedMessage): string {
  const key = /key="([^"]*)"/.exec(message.structuredData)?.[1];
  if (key === undefined) throw new Error(`no key in ${message.structuredData}`);
  return key;
}

function sinkFor(rsyslog: Rsyslog, options: Partial<SyslogSinkOptions> = {}, udp = false): SyslogSink {
  return new SyslogSink({
    transport: {
      protocol: udp ? 'udp' : 'tcp',
      host: '127.0.0.1',
      port: udp ? rsyslog.udpPort : rsyslog.tcpPort,
      timeoutMs: 5_000,
    },
    format: 'cef',
    hostname: 'kconnect-test',
    maxMessageBytes: 8192,
    pipeline: 'siem',
    ...options,
  });
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('the syslog sink against rsyslog', () => {
  let rsyslog: Rsyslog;
  beforeAll(async () => {
    rsyslog = await startRsyslog();
  });
  afterAll(async () => {
    await rsyslog?.dispose();
  });

  const received = (pipelineKeys: readonly string[]) =>
    rsyslog.messages().filter((m) => pipelineKeys.includes(keyOf(m)));

  it('TCP, CEF: every document once, RFC 5424 fields as rsyslog parses them, CEF read back field by field', async () => {
    const sink = sinkFor(rsyslog);
    await sink.open(undefined, signal);
    const first = await sink.write(batchOf(ids(1000, 50).map(detection)), signal);
    const second = await sink.write(batchOf(ids(1050, 50).map(detection)), signal);
    expect(first.position).toEqual({ sent: 50 });
    expect(second).toEqual({ position: { sent: 100 } });
    await sink.close();

    const keys = ids(1000, 100).map(String);
    const messages = await waitFor(() => {
      const got = received(keys);
      return got.length >= 100 ? got : undefined;
    });
    expect(messages.map(keyOf).sort()).toEqual([...keys].sort());
    const message = messages.find((m) => keyOf(m) === '1007') as ReceivedMessage;
    expect(message).toMatchObject({
      protocolVersion: '1',
      hostname: 'kconnect-test',
      appName: 'kconnect',
      procId: String(process.pid),
      msgId: 'ksc.events',
      facility: 'local0',
      severity: 'crit',
      structuredData: '[kconnect@32473 key="1007" pipeline="siem"]',
      inputName: 'imtcp',
    });
    const cef = parseCef(message.msg.trimStart());
    expect(cef).toMatchObject({
      version: '0',
      vendor: 'Kaspersky',
      product: 'Security Center',
      productVersion: '12.5.0.1',
      signatureId: 'GNRL_EV_VIRUS_FOUND',
      name: 'Malicious object detected | high',
      severity: '10',
    });
    expect(cef.extension).toMatchObject({
      rt: String(Date.parse('2026-01-02T03:04:05.000Z')),
      externalId: '1007',
      dhost: 'WKS-01',
      deviceExternalId: 'a1b2-1007',
      suser: 'jdoe',
      filePath: 'C:\\Temp\\eicar=1.com',
      fname: 'eicar=1.com',
      msg: 'Object "C:\\Temp\\eicar=1.com" found\nline two ✓ 1007',
      cs1: 'EICAR-Test-File',
      cs1Label: 'threat',
    });
  });

  it('a reopened sink continues the count from the committed position', async () => {
    const sink = sinkFor(rsyslog);
    await sink.open({ sent: 100 }, signal);
    expect(await sink.write(batchOf(ids(2000, 3).map(detection)), signal)).toEqual({
      position: { sent: 103 },
    });
    await sink.close();
    await waitFor(() => received(['2000', '2001', '2002']).length === 3);
  });

  it('UDP, LEEF: one datagram per message, tab-delimited LEEF 2.0, long messages cut at a UTF-8 boundary', async () => {
    const sink = sinkFor(rsyslog, { format: 'leef', maxMessageBytes: 600 }, true);
    await sink.open(undefined, signal);
    const long: IntakeRecord = {
      ...detection(3001),
      data: { ...detection(3001).data, GNRL_EA_DESCRIPTION: '✓'.repeat(400) },
    };
    await sink.write(batchOf([detection(3000), long]), signal);
    await sink.close();
    const [short, cut] = await waitFor(() => {
      const got = received(['3000', '3001']);
      if (got.length !== 2) return undefined;
      return [got.find((m) => keyOf(m) === '3000')!, got.find((m) => keyOf(m) === '3001')!] as const;
    });
    expect(short!.inputName).toBe('imudp');
    const leef = parseLeef(short!.msg.trimStart());
    expect(leef).toMatchObject({
      vendor: 'Kaspersky',
      product: 'Security Center',
      eventId: 'GNRL_EV_VIRUS_FOUND',
      delimiter: '\t',
    });
    expect(leef.attributes).toMatchObject({
      devTime: '2026-01-02T03:04:05.000Z',
      devTimeFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSX",
      sev: '10',
      usrName: 'jdoe',
      identHostName: 'WKS-01',
      filePath: 'C:\\Temp\\eicar=1.com',
      // LEEF has no escape for line breaks: they become spaces.
      msg: 'Object "C:\\Temp\\eicar=1.com" found line two ✓ 3000',
    });
    expect(short!.raw).toMatch(/^<\d+>1 \S+ kconnect-test kconnect \d+ ksc\.events \[kconnect@32473 /);
    // 600 octets at most, and no broken character: every ✓ that is there is whole.
    expect(Buffer.byteLength(cut!.raw, 'utf8')).toBeLessThanOrEqual(600);
    expect(Buffer.byteLength(cut!.raw, 'utf8')).toBeGreaterThan(590);
    expect(cut!.raw).not.toContain('\ufffd');
    expect(cut!.raw).toMatch(/msg=✓+$/);
  });

  it('TCP, JSON: the mapped document as MSG', async () => {
    const sink = sinkFor(rsyslog, { format: 'json' });
    await sink.open(undefined, signal);
    const batch = batchOf([detection(4000)]);
    await sink.write(batch, signal);
    await sink.close();
    const [message] = await waitFor(() => {
      const got = received(['4000']);
      return got.length === 1 ? got : undefined;
    });
    expect(JSON.parse(message!.msg)).toEqual(batch.documents[0]);
    expect(message!.msgId).toBe('ksc.events');
  });

  it('a receiver that goes down gives a retryable error; once it is back the next write gets through', async () => {
    const sink = sinkFor(rsyslog);
    await sink.open(undefined, signal);
    await sink.write(batchOf([detection(5000)]), signal);
    await waitFor(() => received(['5000']).length === 1);
    await rsyslog.stop();
    // The first write after the peer closed may still be taken by the kernel; the sink notices the FIN first.
    const failure = await sink.write(batchOf([detection(5001)]), signal).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SyslogSendError);
    expect(isRetryable(failure)).toBe(true);
    expect((failure as SyslogSendError).target).toBe(`tcp://127.0.0.1:${rsyslog.tcpPort}`);
    const again = await sink.write(batchOf([detection(5001)]), signal).catch((error: unknown) => error);
    expect(again).toMatchObject({ stage: 'connect', reason: 'ECONNREFUSED', retryable: true });
    await rsyslog.start();
    expect(await sink.write(batchOf([detection(5001)]), signal)).toEqual({ position: { sent: 2 } });
    await sink.close();
    await waitFor(() => received(['5001']).length === 1);
  });
});
