/**
 * Directory events from a real nats-server's JetStream into a real DirectoryStore through the service's consumer:
 * seed 003's examples and the KSC emulator publisher's whole directory, in the three modes, with bad messages on
 * the same subject that are counted and never block the stream.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { DirectoryStore } from '../../../src/directory/model/index.ts';
import type { DirectorySnapshot } from '../../../src/emulator/ksc/directory/truth.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';
import { startTestEmulator, type TestEmulator } from '../../support/ksc-emulator.ts';

const STREAM = 'DIRECTORY';
const SUBJECT = 'ksc.directory';
const SEED_TYPES = ['ds_info_reset', 'ds_user_info', 'ds_group_members', 'ds_info_reset_complete'];

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('directory events from NATS JetStream', () => {
  let dir: string;
  let nats: NatsServer;
  let client: NatsConnection;
  let ksc: TestEmulator;
  let store: DirectoryStore;
  let service: RunningService;
  let truth: DirectorySnapshot;
  let published: readonly object[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-dir-nats-'));
    nats = await startNatsServer();
    client = await connect({ servers: nats.url });
    await (await jetstreamManager(client)).streams.add({ name: STREAM, subjects: ['ksc.>'] });
    // The publisher's events are taken from it, not delivered by it: its receiver address leads nowhere.
    ksc = await startTestEmulator('sqlite', {
      hosts: 60,
      events: 10,
      directory: { url: 'http://127.0.0.1:9/v1/directory/events', token: 'unused', retryInitialMs: 60_000 },
    });
    published = ksc.ksc.directory!.fullPublication();
    truth = ksc.ksc.directory!.truth();
    store = await DirectoryStore.open({ file: join(dir, 'directory.db') });
    service = await startService({
      contexts: () => ({ now: Date.now }),
      database: { file: join(dir, 'service.db') },
      port: 0,
      directory: store,
      directoryNats: { connection: { url: nats.url }, stream: STREAM, subject: SUBJECT },
    });
  });
  afterAll(async () => {
    await service?.close();
    await store?.close();
    await ksc?.stop();
    await client?.close();
    await nats?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the seed examples and a generated directory, skipping bad messages, and acks them all', async () => {
    const js = jetstream(client);
    // Seed 003's examples as structured events, one a message.
    for (const type of SEED_TYPES) {
      const text = readFileSync(new URL(`../fixtures/seed-003/${type}.json`, import.meta.url), 'utf8');
      await js.publish(SUBJECT, text);
    }
    // Bad messages in between: not JSON, and a valid envelope with a missing attribute.
    await js.publish(SUBJECT, 'not json at all');
    await js.publish(
      SUBJECT,
      JSON.stringify({
        specversion: '1.0',
        id: 'bad-1',
        source: 'osmp-ds-info-provider',
        type: 'ds_user_info',
        time: '2024-09-13T09:45:28Z',
        data: { tenant_id: 't' },
      }),
    );
    // The emulator's directory: batches of 100, the first event of each batch alone in binary mode.
    for (let i = 0; i < published.length; i += 100) {
      const [first, ...rest] = published.slice(i, i + 100) as Array<Record<string, unknown>>;
      const h = natsHeaders();
      for (const name of ['id', 'source', 'type', 'specversion', 'time'] as const) {
        h.set(`ce-${name}`, String(first![name]));
      }
      h.set('content-type', 'application/json');
      await js.publish(SUBJECT, JSON.stringify(first!['data']), { headers: h });
      if (rest.length > 0) await js.publish(SUBJECT, JSON.stringify(rest));
    }
    const messages = SEED_TYPES.length + 2 + Math.ceil(published.length / 100) * 2;
    await until(async () => (service.directoryNats?.stats().messages ?? 0) >= messages);

    const stats = service.directoryNats!.stats();
    expect(stats.rejected).toBe(2);
    expect(stats.applied + stats.duplicate + stats.stale).toBe(SEED_TYPES.length + published.length);
    const jsm = await jetstreamManager(client);
    const consumer = await jsm.consumers.info(STREAM, 'kconnect-directory');
    expect(consumer.num_ack_pending).toBe(0);
    expect(consumer.num_pending).toBe(0);

    // The seed's user by its UPN, and the publisher's directory whole.
    const john = await store.getUser('john.smith@example.com');
    expect(john.candidates.map((c) => c.user.info.displayName)).toEqual(['John Smith']);
    const status = await store.status();
    const emulated = status.instances.find((i) => i.users === truth.users.length);
    expect(emulated).toMatchObject({
      users: truth.users.length,
      groups: truth.groups.length,
      memberships: truth.memberships.length,
    });
    const someone = truth.users.find((u) => u.upn !== undefined)!;
    const found = await store.getUser(someone.upn!);
    const expected = truth.memberships
      .filter(([, member]) => member === someone.key)
      .map(([group]) => truth.groups.find((g) => g.key === group)!.displayName)
      .sort();
    expect(found.candidates[0]!.directGroups.map((g) => g.info.displayName).sort()).toEqual(expected);
  });

  it('goes on after a redelivery of everything: nothing changes', async () => {
    const before = await store.status();
    await jetstream(client).publish(SUBJECT, JSON.stringify(published.slice(0, 50)));
    const seen = service.directoryNats!.stats().messages;
    await until(async () => service.directoryNats!.stats().messages > seen);
    const after = await store.status();
    expect(after.instances.map((i) => [i.users, i.groups, i.memberships])).toEqual(
      before.instances.map((i) => [i.users, i.groups, i.memberships]),
    );
    expect(service.directoryNats!.stats().duplicate).toBeGreaterThanOrEqual(50);
  });
});
