/**
 * A `sinks:` pipeline in the HTTP service, seen through its real `/metrics` and `/v1/pipelines`: a webhook sink
 * whose receiver is down shows `kconnect_intake_sink_up` 0 with `kconnect_intake_retries_total` growing while the
 * file sink next to it keeps committing (R11); once the receiver is back it shows up 1, catches up with the file
 * sink, and the documents the receiver refused for good are counted in `kconnect_intake_dead_lettered_total` (R12).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import type { KscClient } from '../../../src/ksc/client/client.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { SiemSwitch, twoSinkPipeline } from '../../support/two-sink-pipeline.ts';
import { documentsOf, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';
import { request, TestContexts } from './support.ts';

const EVENTS = 300;
const REFUSED = 3;
const PIPELINE = 'ksc-to-siem';

/** The value of one metric line with exactly these labels, or undefined. */
function metric(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${wanted}} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('a sinks: pipeline in /metrics: sink up, retries, dead-lettered', () => {
  let emu: TestEmulator;
  let dir: string;
  let contexts: TestContexts;
  let receiver: WebhookReceiver;
  let siem: SiemSwitch;
  let service: RunningService;
  const clients: KscClient[] = [];

  const metrics = async () => (await request(service.url, '/metrics', {})).text;
  const of = (text: string, name: string, sink: string) => metric(text, name, { pipeline: PIPELINE, sink });

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 40, events: EVENTS, virtualServers: [] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-service-sinks-'));
    contexts = new TestContexts(emu);
    receiver = await startWebhookReceiver({ tls: false });
    siem = new SiemSwitch(receiver, REFUSED);
    // The SIEM is down from the start: the archive must not wait for it.
    siem.down = true;
    service = await startService({
      contexts: contexts.context,
      connections: ['default'],
      database: { file: path.join(dir, 'service.db') },
      port: 0,
      pipelines: [
        twoSinkPipeline({
          name: PIPELINE,
          kscUrl: emu.url,
          password: TEST_PASSWORD,
          connection: 'default',
          receiver,
          dir,
          clients,
        }),
      ],
      shutdownGraceMs: 5000,
    });
  });
  afterAll(async () => {
    await service?.close();
    await contexts?.close();
    for (const client of clients) await client.close().catch(() => undefined);
    await receiver?.close();
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the SIEM down (up 0, retries growing) while the archive commits, then up and caught up', async () => {
    // Down: retried, and the file sink next to it went on committing.
    await expect
      .poll(
        async () => {
          const text = await metrics();
          return [
            of(text, 'kconnect_intake_sink_up', 'siem'),
            (of(text, 'kconnect_intake_retries_total', 'siem') ?? 0) >= 2,
          ];
        },
        { timeout: 20_000 },
      )
      .toEqual([0, true]);
    const during = await metrics();
    expect(of(during, 'kconnect_intake_sink_up', 'archive')).toBe(1);
    expect(of(during, 'kconnect_intake_sink_records_total', 'archive')).toBeGreaterThan(0);
    expect(of(during, 'kconnect_intake_sink_records_total', 'siem')).toBe(0);
    const retriesBefore = of(during, 'kconnect_intake_retries_total', 'siem')!;
    await expect
      .poll(async () => of(await metrics(), 'kconnect_intake_retries_total', 'siem'), { timeout: 20_000 })
      .toBeGreaterThan(retriesBefore);
    // The outage shows in the status too: the sink retrying, blocked writing, since when.
    const status = JSON.parse(
      (await request(service.url, '/v1/pipelines', { token: await readToken() })).text,
    ) as {
      pipelines: Array<{
        sinks: Array<{
          name: string;
          state: string;
          blockedStage: string | null;
          blockedSince: string | null;
        }>;
      }>;
    };
    const siemStatus = status.pipelines[0]!.sinks.find((s) => s.name === 'siem')!;
    expect(siemStatus.blockedStage).toBe('sink-write');
    expect(siemStatus.blockedSince).not.toBeNull();

    // Back: up again, and as far as the archive once the source is drained; the refused documents counted.
    siem.down = false;
    await expect
      .poll(
        async () => {
          const text = await metrics();
          const archive = of(text, 'kconnect_intake_sink_records_total', 'archive');
          return [
            of(text, 'kconnect_intake_sink_up', 'siem'),
            of(text, 'kconnect_intake_sink_records_total', 'siem') === archive,
            of(text, 'kconnect_intake_dead_lettered_total', 'siem'),
          ];
        },
        { timeout: 40_000, interval: 250 },
      )
      .toEqual([1, true, REFUSED]);
    const after = await metrics();
    expect(of(after, 'kconnect_intake_dead_lettered_total', 'archive')).toBe(0);
    // The dead-letter file holds exactly the refused documents, each with the receiver's reason.
    const entries = readFileSync(path.join(dir, `${PIPELINE}.dead-letter.ndjson`), 'utf8')
      .trim()
      .split('\n');
    expect(entries).toHaveLength(REFUSED);
    expect(entries.every((line) => line.includes('document refused'))).toBe(true);
    // Every other document reached the SIEM.
    const archived = readFileSync(path.join(dir, `${PIPELINE}.ndjson`), 'utf8')
      .trim()
      .split('\n').length;
    const received = new Set(receiver.accepted.flatMap((r) => documentsOf(r).map((d) => JSON.stringify(d))));
    expect(received.size).toBe(archived - REFUSED);
  }, 90_000);

  let token: string | undefined;
  async function readToken(): Promise<string> {
    token ??= (await service.tokens.create('reader', 'read')).token;
    return token;
  }
});
