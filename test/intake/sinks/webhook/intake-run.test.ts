/**
 * End to end: `kconnect intake run --once` (a process) from the KSC emulator to the webhook sink, a real HTTPS
 * receiver on loopback that checks the bearer token and cuts 10 % of the requests (R3: half before reading the
 * body, half after, so the answer is lost). Ledger by event key: every event delivered, 0 lost; a duplicate only
 * where an answer was lost, always under the same Idempotency-Key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconnectRun } from '../../../adapters/cli/kconnect-process.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../../support/ksc-emulator.ts';
import {
  documentsOf,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../support/webhook-receiver.ts';

const TOKEN = 'tok-e2e-8c1d';

describe('kconnect intake run --once into a webhook (KSC emulator → HTTPS receiver)', () => {
  let emulator: TestEmulator;
  let receiver: WebhookReceiver;
  let dir: string;

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', {
      events: 600,
      hosts: 10,
      virtualServers: [],
      adminUser: 'svc-kconnect',
    });
    receiver = await startWebhookReceiver();
    dir = mkdtempSync(join(tmpdir(), 'kconnect-webhook-e2e-'));
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      `connections:
  lab: { type: ksc, url: "${emulator.url}", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
pipelines:
  siem:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: raw
    batchSize: 100
    sink:
      type: webhook
      url: "${receiver.origin}/ingest"
      tokenEnv: SIEM_TOKEN
      caFile: ${receiver.caFile}
      allowLoopback: true
      maxBatchDocuments: 25
      maxAttempts: 8
`,
    );
  });
  afterAll(async () => {
    await receiver?.close();
    await emulator?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every event, 0 lost, while 10 % of requests are cut', async () => {
    receiver.cutMidRequest = (seq) => seq % 20 === 3;
    let read = 0;
    receiver.reply = (request) =>
      request.headers['authorization'] !== `Bearer ${TOKEN}`
        ? { status: 401 }
        : ++read % 20 === 13
          ? { cut: true }
          : { status: 200 };
    const run = await kconnectRun(['intake', 'run', '--once', '--config', join(dir, 'kconnect.yaml')], {
      ...process.env,
      KSC_PASSWORD: TEST_PASSWORD,
      SIEM_TOKEN: TOKEN,
      KCONNECT_CONFIG: '',
    });
    expect(run.output).not.toContain(TOKEN);
    expect(run.code).toBe(0);

    const state = await emulator.control('GET', '/__emulator/state');
    const total = (state.body as { events: number }).events;
    const counts = new Map<string, number>();
    for (const request of receiver.accepted) {
      for (const document of documentsOf(request)) {
        const key = String(document['key']);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    expect(total).toBeGreaterThan(0);
    expect(counts.size).toBe(total); // 0 lost
    expect(receiver.requests.length).toBeGreaterThan(receiver.accepted.length); // answers were lost
    // Duplicates: none at the receiver's accepted set (a cut request was never answered 2xx), and every repeat
    // of a request carried the key of the first.
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const bodiesByKey = new Map<string, Set<string>>();
    for (const request of receiver.requests) {
      const key = String(request.headers['idempotency-key']);
      const bodies = bodiesByKey.get(key) ?? new Set<string>();
      bodies.add(request.body.toString('hex'));
      bodiesByKey.set(key, bodies);
    }
    expect([...bodiesByKey.values()].every((bodies) => bodies.size === 1)).toBe(true);
    expect(receiver.requests.length).toBeGreaterThan(bodiesByKey.size); // requests were repeated
  });
});
