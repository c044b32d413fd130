/**
 * End to end through the real entry point: `kconnect intake run --once` reads the KSC emulator's history into a
 * NATS stream (issue 19's sink block as written), and a second pipeline reads that stream back with the `nats`
 * source into a file. Ledgers by event id: every event once in the stream and once in the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconnectRun } from '../../../adapters/cli/kconnect-process.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../../support/ksc-emulator.ts';
import { startNatsServer, type NatsServer } from '../../../support/nats-server.ts';
import { countBy, streamMessages } from './support.ts';

const CONFIG = (kscUrl: string, natsUrl: string) => `connections:
  lab: { type: ksc, url: "${kscUrl}", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
pipelines:
  ksc-to-bus:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ocsf
    sink: { type: nats, url: "${natsUrl}", stream: KCONNECT, subject: kconnect.ksc.events }
  bus-to-file:
    source: { type: nats, url: "${natsUrl}", stream: KCONNECT, start: start }
    mapping: raw
    sink: { type: file, path: out/from-bus.ndjson }
    batchSize: 250
`;

describe('kconnect intake run: KSC emulator → NATS JetStream → file', () => {
  let emulator: TestEmulator;
  let nats: NatsServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const intake = (...args: string[]) =>
    kconnectRun(['intake', ...args, '--config', join(dir, 'kconnect.yaml')], env);

  beforeAll(async () => {
    [emulator, nats] = await Promise.all([
      startTestEmulator('sqlite', { events: 1500, hosts: 20, virtualServers: [], adminUser: 'svc-kconnect' }),
      startNatsServer(),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'kconnect-nats-cli-'));
    writeFileSync(join(dir, 'kconnect.yaml'), CONFIG(emulator.url, nats.url));
    env = { ...process.env, KSC_PASSWORD: TEST_PASSWORD, KCONNECT_CONFIG: '' };
  }, 120_000);
  afterAll(async () => {
    await Promise.all([emulator?.stop(), nats?.stop()]);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function emulatorEvents(): Promise<number> {
    return ((await emulator.control('GET', '/__emulator/state')).body as { events: number }).events;
  }

  async function streamIds(): Promise<string[]> {
    return (await streamMessages(nats.url, 'KCONNECT')).map((message) => message.id ?? '(none)');
  }

  function fileKeys(): string[] {
    return readFileSync(join(dir, 'out', 'from-bus.ndjson'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { key: string }).key);
  }

  it('every event reaches the stream once with its id; again adds nothing; new events come once', async () => {
    const first = await intake('run', '--pipeline', 'ksc-to-bus', '--once');
    expect(first.code, first.output).toBe(0);
    const events = await emulatorEvents();
    const ids = await streamIds();
    expect(ids).toHaveLength(events);
    expect(new Set(ids).size).toBe(events);
    expect(ids.every((id) => /^ksc-to-bus:\d+$/.test(id))).toBe(true);
    const [message] = await streamMessages(nats.url, 'KCONNECT');
    expect(message!.subject).toBe('kconnect.ksc.events');
    expect(message!.document).toMatchObject({ class_uid: expect.any(Number), metadata: expect.any(Object) });

    const again = await intake('run', '--pipeline', 'ksc-to-bus', '--once');
    expect(again.code, again.output).toBe(0);
    expect(await streamIds()).toHaveLength(events);

    await emulator.control('POST', '/__emulator/events', { count: 7 });
    const third = await intake('run', '--pipeline', 'ksc-to-bus', '--once');
    expect(third.code, third.output).toBe(0);
    const after = await streamIds();
    expect(after).toHaveLength(events + 7);
    expect([...countBy(after).values()].every((count) => count === 1)).toBe(true);
    expect(after.slice(0, events)).toEqual(ids);
  }, 120_000);

  it('the nats source feeds a file from that stream: every event once, and only new ones after', async () => {
    const first = await intake('run', '--pipeline', 'bus-to-file', '--once');
    expect(first.code, first.output).toBe(0);
    const ids = await streamIds();
    expect(fileKeys()).toEqual(ids);

    await emulator.control('POST', '/__emulator/events', { count: 5 });
    expect((await intake('run', '--pipeline', 'ksc-to-bus', '--once')).code).toBe(0);
    const second = await intake('run', '--pipeline', 'bus-to-file', '--once');
    expect(second.code, second.output).toBe(0);
    const all = await streamIds();
    expect(all).toHaveLength(ids.length + 5);
    expect(fileKeys()).toEqual(all);

    const status = await intake('status', '--pipeline', 'bus-to-file', '--format', 'json');
    expect(status.code, status.output).toBe(0);
    expect(status.stdout).toContain(`KCONNECT sequence ${all.length}`);
  }, 120_000);
});
