/**
 * The directory model (issue 20): a whole directory published as a reset cycle — `ds_info_reset`, every user and
 * group described, memberships in `ds_group_members` chunks of 1,000, `ds_info_reset_complete` — applied to a
 * fresh store; then lookups by each identifier and the transitive groups of a user at the bottom of a 6-level
 * nesting. Prints events/s per phase, the time to the complete generation, peak RSS, and lookup p50/p99.
 *
 * Sizes: KCONNECT_BENCH_USERS (default 100,000; groups a tenth of it, memberships ten per user), `--pg` on the
 * PostgreSQL at KCONNECT_BENCH_PG_URL instead of a SQLite file. Events are built in process (the receiver's HTTP
 * and checking are not measured here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirectoryStore } from '../src/directory/model/index.ts';
import type { DirectoryEvent, DirectoryIds, PublisherInstance } from '../src/directory/types.ts';
import { DIRECTORY_SOURCE } from '../src/directory/types.ts';

const USERS = Number(process.env['KCONNECT_BENCH_USERS'] ?? 100_000);
const GROUPS = Math.max(10, Math.floor(USERS / 10));
const PER_USER = 10;
const CHUNK = 1000;
const LOOKUPS = 500;
const NESTING = 6;
const INSTANCE: PublisherInstance = { tenantId: 'bench-tenant', kscInstanceId: 'bench-ksc' };

let sequence = 0;
let second = 0;
function envelope<T extends DirectoryEvent['type']>(type: T) {
  sequence++;
  second++;
  return {
    source: DIRECTORY_SOURCE,
    id: `bench-${sequence}`,
    time: new Date(Date.UTC(2024, 0, 1) + second).toISOString(),
    type,
    instance: INSTANCE,
  };
}

const hex = (kind: number, n: number) => `${kind.toString(16)}${n.toString(16).padStart(11, '0')}`;
const uid = (kind: number, n: number) => `00000000-0000-4000-8000-${hex(kind, n)}`;
const b64 = (tag: string, n: number) => Buffer.from(`${tag}${n}`).toString('base64');

function userEvent(n: number): DirectoryEvent {
  return {
    ...envelope('ds_user_info'),
    trustee: { id: String(100_000 + n), sfx: '65536' },
    info: {
      ds: 'AD',
      uid: uid(1, n),
      uidBin: b64('ub', n),
      sidHash: b64('sh', n),
      dn: `cn=User ${n},ou=people,dc=example,dc=com`,
      dnHash: b64('dh', n),
      displayName: `User ${n}`,
      upn: `user${n}@example.com`,
      samName: `USER${n}`,
      mail: `user${n}@example.com`,
    },
  };
}

function groupEvent(n: number): DirectoryEvent {
  return {
    ...envelope('ds_group_info'),
    trustee: { id: String(900_000 + n), sfx: '33554432' },
    info: {
      ds: 'AD',
      uid: uid(2, n),
      displayName: `Group ${n}`,
      samName: `GROUP${n}`,
      dn: `cn=Group ${n},dc=example,dc=com`,
    },
  };
}

/** Group g's members: the users whose i-th group is g (user u is in groups (u*7 + i*13) % GROUPS). */
function membershipEvents(): DirectoryEvent[] {
  const byGroup = new Map<number, DirectoryIds[]>();
  for (let u = 0; u < USERS; u++) {
    for (let i = 0; i < PER_USER; i++) {
      const g = (u * 7 + i * 13 + i * i) % GROUPS;
      const list = byGroup.get(g) ?? [];
      list.push({ uid: uid(1, u) });
      byGroup.set(g, list);
    }
  }
  const out: DirectoryEvent[] = [];
  for (const [g, members] of byGroup) {
    for (let i = 0; i < members.length; i += CHUNK) {
      out.push({
        ...envelope('ds_group_members'),
        subject: { uid: uid(2, g) },
        chunk: members.slice(i, i + CHUNK),
      });
    }
  }
  // The nesting: group k+1 contains group k, for the first NESTING groups.
  for (let k = 0; k + 1 < NESTING; k++) {
    out.push({
      ...envelope('ds_group_members'),
      subject: { uid: uid(2, k + 1) },
      chunk: [{ uid: uid(2, k) }],
    });
  }
  return out;
}

// Sampled after every batch: with SQLite the applies run synchronously underneath, so a timer would starve.
let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};

async function phase(
  name: string,
  store: DirectoryStore,
  events: readonly DirectoryEvent[],
  batch = 100,
): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < events.length; i += batch) {
    await store.apply(events.slice(i, i + batch));
    sampleRss();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${name}: ${events.length.toLocaleString('en')} events in ${seconds.toFixed(1)} s, ${Math.round(events.length / seconds).toLocaleString('en')} events/s`,
  );
  return seconds;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const pg = process.argv.includes('--pg');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-directory-'));
  const url = process.env['KCONNECT_BENCH_PG_URL'];
  if (pg && (url === undefined || url === ''))
    throw new Error('--pg needs KCONNECT_BENCH_PG_URL (an empty database)');
  const store = await DirectoryStore.open(pg ? { url: url! } : { file: path.join(dir, 'directory.sqlite') });
  try {
    console.log(
      `${USERS.toLocaleString('en')} users, ${GROUPS.toLocaleString('en')} groups, ${(USERS * PER_USER).toLocaleString('en')} memberships on ${pg ? 'PostgreSQL' : 'SQLite'}`,
    );
    const opening = envelope('ds_info_reset');
    const users = Array.from({ length: USERS }, (_, n) => userEvent(n));
    const groups = Array.from({ length: GROUPS }, (_, n) => groupEvent(n));
    const memberships = membershipEvents();
    const total = performance.now();
    await phase('reset', store, [opening]);
    await phase('users', store, users);
    await phase('groups', store, groups);
    await phase('memberships (chunks of 1,000)', store, memberships, 10);
    await phase('complete', store, [envelope('ds_info_reset_complete')]);
    console.log(`complete generation after ${((performance.now() - total) / 1000).toFixed(1)} s`);
    const status = (await store.status()).instances[0]!;
    console.log(
      `status: ${status.users} users, ${status.groups} groups, ${status.memberships} memberships, generation ${status.generation}`,
    );
    const lookups: [string, (n: number) => string][] = [
      ['trustee', (n) => `${100_000 + n}:65536`],
      ['uid', (n) => uid(1, n)],
      ['uid_bin', (n) => b64('ub', n)],
      ['sid_hash', (n) => b64('sh', n)],
      ['dn_hash', (n) => b64('dh', n)],
      ['upn', (n) => `USER${n}@example.com`],
      ['sam_name', (n) => `user${n}`],
      ['dn', (n) => `cn=User ${n},ou=people,dc=example,dc=com`],
      ['display name', (n) => `User ${n}`],
    ];
    for (const [name, identifier] of lookups) {
      const times: number[] = [];
      for (let i = 0; i < LOOKUPS; i++) {
        const n = (i * 7919) % USERS;
        const started = performance.now();
        const found = await store.getUser(identifier(n));
        times.push(performance.now() - started);
        if (found.candidates.length !== 1)
          throw new Error(`lookup by ${name} of user ${n}: ${found.candidates.length} candidates`);
      }
      times.sort((a, b) => a - b);
      console.log(
        `getUser by ${name}: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
      );
    }
    // A user of group 0, at the bottom of the 6-level nesting (group 0 in 1 in … in 5).
    const bottom = membershipEvents()[0]!;
    const member = (bottom as { chunk: readonly DirectoryIds[] }).chunk[0]!.uid!;
    const times: number[] = [];
    let depth = 0;
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      const found = await store.getUser(member);
      times.push(performance.now() - started);
      depth = Math.max(...found.candidates[0]!.groups.map((g) => g.depth));
    }
    times.sort((a, b) => a - b);
    console.log(
      `transitive groups through ${depth} levels: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
    );
    console.log(`peak RSS ${Math.round(peakRss / 1024 / 1024)} MB`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
