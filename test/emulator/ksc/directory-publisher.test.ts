import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTP } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  directoryPublishOptionsFrom,
  type DirectoryPublishFlags,
} from '../../../src/adapters/cli/emulator-directory-options.ts';
import { DirectoryDelivery } from '../../../src/emulator/ksc/directory/delivery.ts';
import type { DirectorySnapshot } from '../../../src/emulator/ksc/directory/truth.ts';
import { DirectoryEventFactory, identityOfSeed } from '../../../src/emulator/ksc/directory/events.ts';
import type {
  DirectoryPublishOptions,
  PublisherStatus,
} from '../../../src/emulator/ksc/directory/publisher.ts';
import { dnHashOf, uidBinOf } from '../../../src/emulator/ksc/directory/identity.ts';
import { EmulatorClock } from '../../../src/emulator/core/clock.ts';
import { startTestEmulator, type TestEmulator } from '../../support/ksc-emulator.ts';
import {
  applyAll,
  problemsOf,
  startReceiver,
  type ReceivedEvent,
  type TestReceiver,
} from './directory-receiver.ts';

/** Placeholder receiver token of these tests; obviously not a real secret. */
const RECEIVER_TOKEN = 'test-directory-token-0001';
const CHUNK = 40;

interface Publishing {
  readonly emulator: TestEmulator;
  readonly receiver: TestReceiver;
  status(): Promise<PublisherStatus>;
  truth(): Promise<DirectorySnapshot>;
  /** Waits until the publisher's queue is empty. */
  delivered(): Promise<void>;
  stop(): Promise<void>;
}

async function startPublishing(
  options: Partial<DirectoryPublishOptions> = {},
  seed = 7,
): Promise<Publishing> {
  const receiver = await startReceiver(RECEIVER_TOKEN);
  const emulator = await startTestEmulator('sqlite', {
    seed,
    hosts: 150,
    events: 50,
    virtualServers: [],
    directory: {
      url: receiver.url,
      token: RECEIVER_TOKEN,
      chunkSize: CHUNK,
      batchSize: 100,
      retryInitialMs: 20,
      retryMaxMs: 100,
      ...options,
    },
  });
  const publisher = emulator.ksc.directory;
  if (publisher === undefined) throw new Error('no publisher');
  return {
    emulator,
    receiver,
    status: async () => (await emulator.control('GET', '/__emulator/directory')).body as PublisherStatus,
    truth: async () =>
      (await emulator.control('GET', '/__emulator/directory/truth')).body as DirectorySnapshot,
    delivered: () => publisher.idle(),
    async stop() {
      await emulator.stop();
      await receiver.stop();
    },
  };
}

function countByType(events: readonly ReceivedEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

/** The receiver's directory compared with the publisher's truth, by uid. */
async function expectSameDirectory(p: Publishing): Promise<void> {
  const truth = await p.truth();
  const applied = applyAll(p.receiver.events);
  const uidOf = new Map([...truth.users, ...truth.groups].map((o) => [o.key, o.uid]));
  expect([...applied.users.keys()].sort()).toEqual(truth.users.map((u) => u.uid).sort());
  expect([...applied.groups.keys()].sort()).toEqual(truth.groups.map((g) => g.uid).sort());
  expect([...applied.memberships].sort()).toEqual(
    truth.memberships.map(([g, m]) => `${uidOf.get(g) ?? g}→${uidOf.get(m) ?? m}`).sort(),
  );
}

/** The longest chain of nested groups in the truth (group inside group inside …). */
function nestingDepth(truth: DirectorySnapshot): number {
  const groups = new Set(truth.groups.map((g) => g.key));
  const children = new Map<string, string[]>();
  for (const [g, m] of truth.memberships) {
    if (groups.has(m)) children.set(g, [...(children.get(g) ?? []), m]);
  }
  const depth = (g: string, seen: Set<string>): number => {
    if (seen.has(g)) throw new Error(`cycle at ${g}`);
    const next = children.get(g) ?? [];
    return 1 + Math.max(0, ...next.map((c) => depth(c, new Set([...seen, g]))));
  };
  return Math.max(...[...groups].map((g) => depth(g, new Set())));
}

describe('the KSC emulator as the directory publisher (seed 003)', () => {
  let p: Publishing;
  beforeAll(async () => {
    p = await startPublishing({ rate: 2 });
    // The live changes run on the emulator's clock: frozen, there are none until a test advances it.
    await p.emulator.control('POST', '/__emulator/clock/freeze', { frozen: true });
    await p.delivered();
  }, 60_000);
  afterAll(() => p.stop());

  it('publishes the whole directory on start: valid events of every kind, chunks of at most N items', async () => {
    const events = p.receiver.events;
    for (const event of events) expect(problemsOf(event), event.id).toEqual([]);
    expect(events.every((e) => /^[0-9a-f]{40}$/.test(e.id))).toBe(true);
    const truth = await p.truth();
    const counts = countByType(events);
    expect(counts['ds_user_info']).toBe(truth.users.length);
    expect(counts['ds_group_info']).toBe(truth.groups.length);
    expect(counts['ds_obj_memberof']).toBeGreaterThan(0);
    expect(truth.users.length).toBeGreaterThan(CHUNK);
    const chunks = events
      .filter((e) => e.type === 'ds_group_members')
      .map((e) => e.data?.['ds_ids_chunk'] as unknown[]);
    expect(Math.max(...chunks.map((c) => c.length))).toBe(CHUNK);
    // Domain Users holds every user: its members take several chunks.
    expect(chunks.filter((c) => c.length === CHUNK).length).toBeGreaterThan(0);
    expect(p.receiver.contentTypes.every((t) => t.startsWith('application/cloudevents-batch+json'))).toBe(
      true,
    );
    expect(nestingDepth(truth)).toBeGreaterThanOrEqual(7);
    await expectSameDirectory(p);

    const status = await p.status();
    expect(status.deliveredByType).toEqual(counts);
    expect(status.lastIdByType['ds_user_info']).toBe(
      events.filter((e) => e.type === 'ds_user_info').at(-1)?.id,
    );
    expect(status.delivery).toMatchObject({ queued: 0, dropped: 0 });
  });

  it('derives every identifier as the seed and the users views do', async () => {
    const user = p.receiver.events.find((e) => e.type === 'ds_user_info');
    const info = user?.data?.['ds_info'] as Record<string, string>;
    expect(info['uid_bin']).toBe(uidBinOf(info['uid'] ?? ''));
    expect(info['dn_hash']).toBe(dnHashOf(info['dn'] ?? ''));
    expect(info['upn']).toMatch(/@corp\.example\.com$/);
    // Seed 003's own sample reproduces: dn_hash is MD5 of the DN, uid_bin the GUID's bytes in text order.
    expect(dnHashOf('cn=John Smith,ou=people,dc=example,dc=com')).toBe('Lxq33Udh1dH0yGlXdRRaFA==');
    expect(uidBinOf('81e8d217-de5c-4fe9-875a-569522f005b7')).toBe('gejSF95cT+mHWlaVIvAFtw==');

    // The users view of KSC shows the same trustee ids, GUIDs and SID hashes for the same accounts.
    const caller = await p.emulator.session();
    const view = (await caller.viewAll('GlobalUsersListSrvViewName', {
      // Domain accounts only: a workgroup host's user has the same name but is another (local) account.
      filter: '',
      fields: [
        'ul_llTrusteeId',
        'ul_strObjectGUID',
        'ul_binSidHash',
        'ul_wstrSamAccountName',
        'ul_Local',
        'ul_InternalUser',
      ],
      order: [],
      params: {},
      page: 1000,
    })) as Record<string, unknown>[];
    const domainAccounts = view.filter((u) => u['ul_Local'] === false && u['ul_InternalUser'] === false);
    const bySam = new Map(domainAccounts.map((u) => [String(u['ul_wstrSamAccountName']), u]));
    const published = p.receiver.events.filter((e) => e.type === 'ds_user_info');
    // Users added by live changes log on to no host, so the view does not know them: under load, real time may
    // pass between the start and the clock's freeze, and such changes are published with the rest. They are
    // at most as many as the changes made; every other user is one of the view's accounts.
    const seeded = published.filter((e) =>
      bySam.has((e.data?.['ds_info'] as Record<string, string>)['sam_name'] ?? ''),
    );
    expect(published.length - seeded.length).toBeLessThanOrEqual((await p.status()).changes);
    expect(new Set(seeded.map((e) => (e.data?.['ds_info'] as Record<string, string>)['sam_name']))).toEqual(
      new Set(bySam.keys()),
    );
    for (const event of seeded) {
      const ds = event.data?.['ds_info'] as Record<string, string>;
      const row = bySam.get(ds['sam_name'] ?? '');
      expect(String(row?.['ul_llTrusteeId'])).toBe(event.data?.['ksc_trustee_id']);
      expect(row?.['ul_strObjectGUID']).toBe(ds['uid']);
      expect(Buffer.from(row?.['ul_binSidHash'] as Uint8Array).toString('base64')).toBe(ds['sid_hash']);
    }
  });

  it('makes live changes at the rate on the emulator clock: none while frozen, rate × seconds when advanced', async () => {
    const before = (await p.status()).changes;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await p.status()).changes).toBe(before);
    const advanced = await p.emulator.control('POST', '/__emulator/clock/advance', { seconds: 10 });
    expect((advanced.body as { directoryChanges: number }).directoryChanges).toBe(20);
    await p.delivered();
    expect((await p.status()).changes).toBe(before + 20);
    const types = new Set(p.receiver.events.map((e) => e.type));
    expect(
      types.has('ds_obj_deleted') ||
        types.has('ds_group_members_deleted') ||
        types.has('ds_obj_memberof_deleted'),
    ).toBe(true);
    for (const event of p.receiver.events) expect(problemsOf(event), event.id).toEqual([]);
    await expectSameDirectory(p);
  });

  it('simulates a restore: reset, the republished directory with duplicates and reordering, then completion', async () => {
    const from = p.receiver.events.length;
    const restored = await p.emulator.control('POST', '/__emulator/directory/restore', {
      omit: 3,
      duplicates: 5,
      reorderWindow: 10,
    });
    expect(restored.status).toBe(200);
    const outcome = restored.body as { omitted: string[]; events: number };
    expect(outcome.omitted).toHaveLength(3);
    await p.delivered();
    const cycle = p.receiver.events.slice(from);
    expect(cycle).toHaveLength(outcome.events);
    expect(cycle[0]?.type).toBe('ds_info_reset');
    expect(cycle.at(-1)?.type).toBe('ds_info_reset_complete');
    expect(cycle.length - new Set(cycle.map((e) => e.id)).size).toBe(5);
    const times = cycle.map((e) => e.time ?? '');
    expect(times).not.toEqual([...times].sort());
    const truth = await p.truth();
    const users = new Set(truth.users.map((u) => u.key));
    for (const key of outcome.omitted) expect(users.has(key)).toBe(false);
    expect(applyAll(p.receiver.events).resetOpen).toBe(false);
    await expectSameDirectory(p);
  });

  it('can leave a reset open: no completion, and the status says so', async () => {
    const from = p.receiver.events.length;
    await p.emulator.control('POST', '/__emulator/directory/restore', { complete: false });
    await p.delivered();
    const cycle = p.receiver.events.slice(from);
    expect(cycle[0]?.type).toBe('ds_info_reset');
    expect(cycle.some((e) => e.type === 'ds_info_reset_complete')).toBe(false);
    expect((await p.status()).reset).toMatchObject({ open: true, events: cycle.length });
    expect(applyAll(p.receiver.events).resetOpen).toBe(true);
    // The next complete cycle closes it.
    await p.emulator.control('POST', '/__emulator/directory/restore', {});
    await p.delivered();
    expect((await p.status()).reset?.open).toBe(false);
    await expectSameDirectory(p);
  });

  it('keeps events while the receiver is down and delivers them when it is back', async () => {
    await p.receiver.stop();
    const from = p.receiver.events.length;
    const published = await p.emulator.control('POST', '/__emulator/directory/publish', { changes: 30 });
    expect((published.body as { changes: number }).changes).toBe(30);
    await expect.poll(async () => (await p.status()).delivery.failures, { timeout: 5000 }).toBeGreaterThan(0);
    const waiting = (await p.status()).delivery.queued;
    expect(waiting).toBeGreaterThan(0);
    await p.receiver.restart();
    await p.emulator.control('POST', '/__emulator/directory/publish', {});
    await p.delivered();
    expect(p.receiver.events.length - from).toBe(waiting);
    expect((await p.status()).delivery.dropped).toBe(0);
    await expectSameDirectory(p);
  });

  it('pauses and resumes delivery; refuses bad control bodies', async () => {
    await p.emulator.control('POST', '/__emulator/directory/pause');
    const from = p.receiver.events.length;
    await p.emulator.control('POST', '/__emulator/directory/publish', { changes: 5 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(p.receiver.events.length).toBe(from);
    expect((await p.status()).delivery.paused).toBe(true);
    await p.emulator.control('POST', '/__emulator/directory/resume');
    await p.delivered();
    expect(p.receiver.events.length).toBeGreaterThan(from);
    const bad = await p.emulator.control('POST', '/__emulator/directory/restore', { omitt: 1 });
    expect(bad.status).toBe(400);
  });
});

describe('determinism', () => {
  it('two runs with one seed publish the same events (all but their time)', async () => {
    const strip = (events: readonly ReceivedEvent[]) =>
      events.map((e) => ({ id: e.id, type: e.type, source: e.source, data: e.data }));
    const runs: ReturnType<typeof strip>[] = [];
    for (let run = 0; run < 2; run++) {
      const p = await startPublishing({}, 11);
      try {
        await p.delivered();
        await p.emulator.control('POST', '/__emulator/directory/publish', { changes: 25 });
        await p.delivered();
        runs.push(strip(p.receiver.events));
      } finally {
        await p.stop();
      }
    }
    expect(runs[0]?.length).toBeGreaterThan(100);
    expect(runs[1]).toEqual(runs[0]);
  }, 60_000);
});

describe('delivery', () => {
  const clock = new EmulatorClock();
  const factory = new DirectoryEventFactory(identityOfSeed(1), clock);
  const events = (n: number) => Array.from({ length: n }, () => factory.make('ds_info_reset'));

  it.each(['structured', 'binary'] as const)('sends one event per request in %s mode', async (mode) => {
    const receiver = await startReceiver(RECEIVER_TOKEN);
    const delivery = new DirectoryDelivery({
      url: receiver.url,
      token: RECEIVER_TOKEN,
      mode,
      batchSize: 100,
      queueLimit: 100,
      retryInitialMs: 20,
      retryMaxMs: 50,
      requestTimeoutMs: 5000,
    });
    try {
      const sent = events(3);
      delivery.enqueue(sent);
      await delivery.idle();
      expect(receiver.events.map((e) => e.id)).toEqual(sent.map((e) => e.id));
      expect(receiver.contentTypes).toHaveLength(3);
      if (mode === 'binary') expect(receiver.contentTypes[0]).toMatch(/^application\/json/);
      else expect(receiver.contentTypes[0]).toMatch(/^application\/cloudevents\+json/);
    } finally {
      await delivery.close();
      await receiver.stop();
    }
  });

  it('bounds the queue while the receiver is down: what does not fit is dropped and counted, the rest arrives', async () => {
    const receiver = await startReceiver(RECEIVER_TOKEN);
    await receiver.stop();
    const logged: string[] = [];
    const delivery = new DirectoryDelivery({
      url: receiver.url,
      token: RECEIVER_TOKEN,
      mode: 'batch',
      batchSize: 4,
      queueLimit: 10,
      retryInitialMs: 20,
      retryMaxMs: 50,
      requestTimeoutMs: 5000,
      logger: (r) => logged.push(r.message),
    });
    try {
      const sent = events(15);
      expect(delivery.enqueue(sent)).toBe(10);
      expect(delivery.stats()).toMatchObject({ queued: 10, dropped: 5 });
      expect(logged.some((m) => m.includes('5 dropped'))).toBe(true);
      await expect.poll(() => delivery.stats().failures, { timeout: 5000 }).toBeGreaterThan(1);
      await receiver.restart();
      delivery.retryNow();
      await delivery.idle();
      expect(receiver.events.map((e) => e.id)).toEqual(sent.slice(0, 10).map((e) => e.id));
    } finally {
      await delivery.close();
      await receiver.stop();
    }
  });

  it('sends the bearer token; a refused token is retried, not dropped', async () => {
    const receiver = await startReceiver('another-token');
    const delivery = new DirectoryDelivery({
      url: receiver.url,
      token: RECEIVER_TOKEN,
      mode: 'batch',
      batchSize: 10,
      queueLimit: 10,
      retryInitialMs: 20,
      retryMaxMs: 50,
      requestTimeoutMs: 5000,
    });
    try {
      delivery.enqueue(events(2));
      await expect.poll(() => receiver.unauthorized, { timeout: 5000 }).toBeGreaterThan(1);
      expect(delivery.stats()).toMatchObject({ queued: 2, rejected: 0, lastError: 'HTTP 401' });
    } finally {
      await delivery.close();
      await receiver.stop();
    }
  });
});

describe("seed 003's own examples (test/directory/fixtures/seed-003)", () => {
  it.each(['ds_info_reset', 'ds_info_reset_complete', 'ds_user_info', 'ds_group_members'])(
    '%s is a structured CloudEvent the checker accepts',
    (type) => {
      const body = readFileSync(
        new URL(`../../directory/fixtures/seed-003/${type}.json`, import.meta.url),
        'utf8',
      );
      const event = HTTP.toEvent({
        headers: { 'content-type': 'application/cloudevents+json' },
        body,
      }) as ReceivedEvent;
      expect(event.type).toBe(type);
      expect(problemsOf(event)).toEqual([]);
    },
  );
});

describe('--directory-* flags', () => {
  const flags = {
    directoryPublish: 'http://127.0.0.1:1/v1/directory/events',
    directoryMode: 'binary' as const,
    directoryRate: 1,
    directoryChunkSize: 10,
    directoryBatchSize: 20,
    directoryQueueLimit: 30,
  };

  it('reads the token from the default variable, a named variable or a file, never from a flag value', async () => {
    const off: DirectoryPublishFlags = { ...flags };
    delete off.directoryPublish;
    expect(await directoryPublishOptionsFrom(off, {})).toBeUndefined();
    const fromDefault = await directoryPublishOptionsFrom(flags, { KCONNECT_DIRECTORY_TOKEN: 'a-token' });
    expect(fromDefault).toMatchObject({ token: 'a-token', mode: 'binary', chunkSize: 10, queueLimit: 30 });
    const named = await directoryPublishOptionsFrom(
      { ...flags, directoryTokenEnv: 'MY_TOKEN' },
      { MY_TOKEN: 'b' },
    );
    expect(named?.token).toBe('b');
    const dir = mkdtempSync(join(tmpdir(), 'kconnect-dir-token-'));
    try {
      writeFileSync(join(dir, 'token'), 'c-token\n');
      const fromFile = await directoryPublishOptionsFrom(
        { ...flags, directoryTokenFile: join(dir, 'token') },
        {},
      );
      expect(fromFile?.token).toBe('c-token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(directoryPublishOptionsFrom(flags, {})).rejects.toThrow(/KCONNECT_DIRECTORY_TOKEN/);
  });
});
