import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, auditedIdempotencyKey, targetHosts } from '../../../src/adapters/http/audit.ts';
import { openServiceDatabase } from '../../../src/adapters/http/store.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { startServiceHarness, testServiceDatabase, type ServiceHarness } from './support.ts';

interface Entry {
  id: number;
  at: string;
  requestId: string;
  replica: string;
  token: { id: string; name: string } | null;
  command: string;
  connection: string;
  hosts: string[];
  idempotencyKey: string | null;
  outcome: string;
  statusCode: number;
  errorCode: string | null;
  message: string | null;
  durationMs: number;
}

const dn = (host: HostRecord) => host.attributes['KLHST_WKS_DN'] as string;

describe('the audit log', () => {
  let h: ServiceHarness;
  let hosts: HostRecord[];
  const requestIds: Record<string, string> = {};

  const auditOf = async (query = '') => {
    const answer = await h.get(`/v1/audit${query}`, h.tokens.admin);
    expect(answer.status).toBe(200);
    return answer.json as unknown as { entries: Entry[]; next: string | null };
  };
  const byRequest = async (requestId: string) => {
    const entry = (await auditOf('?limit=1000')).entries.find((e) => e.requestId === requestId);
    expect(entry, `no audit entry for ${requestId}`).toBeDefined();
    return entry!;
  };

  beforeAll(async () => {
    h = await startServiceHarness();
    hosts = h.emu.ksc.world.hostsOf(0).filter((x) => x.products.some((p) => p.name === 'EDRAgent'));
    const run = async (label: string, ...args: Parameters<ServiceHarness['call']>) => {
      const answer = await h.call(...args);
      requestIds[label] = answer.headers.get('x-request-id')!;
    };
    await run('success', 'get_host_status', { hostNames: [dn(hosts[0]!)] });
    await run('failure', 'get_host_status', { hostNames: ['NO-SUCH-HOST'] });
    await run('denied', 'isolate_hosts', {
      hostIds: [dn(hosts[1]!), dn(hosts[2]!)],
      idempotencyKey: 'inc-7',
    });
    await run('unauthenticated', 'list_hosts', {}, { token: null });
    await run('invalid', 'list_hosts', { limit: -1 });
    await run(
      'acted',
      'isolate_hosts',
      { hostIds: [dn(hosts[1]!)], idempotencyKey: 'inc-8' },
      {
        token: h.tokens.respond,
        connection: 'default',
      },
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('records a success: who, which command, the hosts, outcome, status, duration and request id', async () => {
    const entry = await byRequest(requestIds['success']!);
    expect(entry).toMatchObject({
      replica: 'replica-a',
      token: { name: 'soar-reader', id: expect.stringMatching(/^tok_/) as unknown },
      command: 'get_host_status',
      connection: 'default',
      hosts: [dn(hosts[0]!)],
      idempotencyKey: null,
      outcome: 'Successful',
      statusCode: 200,
      errorCode: null,
      message: null,
    });
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(entry.at)).toBeLessThan(60_000);
  });

  it('records a failure with its status code, error code and message', async () => {
    expect(await byRequest(requestIds['failure']!)).toMatchObject({
      command: 'get_host_status',
      hosts: ['NO-SUCH-HOST'],
      outcome: 'Failed',
      statusCode: 404,
      errorCode: 'NOT_FOUND',
      message: expect.stringContaining('NO-SUCH-HOST') as unknown,
    });
  });

  it('records a denial with the hosts and the idempotency key the caller aimed at', async () => {
    expect(await byRequest(requestIds['denied']!)).toMatchObject({
      token: { name: 'soar-reader' },
      command: 'isolate_hosts',
      hosts: [dn(hosts[1]!), dn(hosts[2]!)],
      idempotencyKey: 'inc-7',
      outcome: 'denied',
      statusCode: 403,
      errorCode: 'ACCESS_DENIED',
    });
  });

  it('records unauthenticated calls (nobody named) and bad input', async () => {
    expect(await byRequest(requestIds['unauthenticated']!)).toMatchObject({
      token: null,
      command: 'list_hosts',
      outcome: 'unauthenticated',
      statusCode: 401,
      errorCode: 'UNAUTHENTICATED',
    });
    expect(await byRequest(requestIds['invalid']!)).toMatchObject({
      outcome: 'Failed',
      statusCode: 400,
      errorCode: 'INVALID_INPUT',
      message: expect.stringContaining('(limit)') as unknown,
    });
  });

  it('records a destructive call with its idempotency key', async () => {
    expect(await byRequest(requestIds['acted']!)).toMatchObject({
      token: { name: 'soar-responder' },
      command: 'isolate_hosts',
      hosts: [dn(hosts[1]!)],
      idempotencyKey: 'inc-8',
      outcome: 'Successful',
      statusCode: 200,
    });
  });

  it('filters by command and time, newest first, and pages with next', async () => {
    const all = (await auditOf()).entries;
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));

    const isolations = (await auditOf('?command=isolate_hosts')).entries;
    expect(isolations.map((e) => e.outcome)).toEqual(['Successful', 'denied']);

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await auditOf(`?since=${encodeURIComponent(future)}`)).entries).toEqual([]);
    const past = Date.now() - 60_000;
    expect((await auditOf(`?since=${past}`)).entries.length).toBe(all.length);

    const first = await auditOf('?limit=2');
    expect(first.entries).toHaveLength(2);
    expect(first.next).toBe(`/v1/audit?limit=2&before=${first.entries[1]!.id}`);
    const second = await auditOf(first.next!.slice('/v1/audit'.length));
    expect(second.entries[0]!.id).toBeLessThan(first.entries[1]!.id);
  });

  it('needs the admin scope, and names a bad parameter', async () => {
    const denied = await h.get('/v1/audit', h.tokens.respond);
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({
      error: { code: 'ACCESS_DENIED', message: expect.stringContaining('"admin" scope') as unknown },
    });
    expect((await h.get('/v1/audit')).status).toBe(401);
    for (const [query, field] of [
      ['?since=yesterday', 'since'],
      ['?limit=0', 'limit'],
      ['?limit=5000', 'limit'],
      ['?before=-3', 'before'],
    ] as const) {
      const answer = await h.get(`/v1/audit${query}`, h.tokens.admin);
      expect(answer.status).toBe(400);
      expect((answer.json as { error: { message: string } }).error.message.startsWith(`${field}:`)).toBe(
        true,
      );
    }
  });
});

describe('audit helpers', () => {
  it('finds the target hosts in every field that names hosts, and caps them', () => {
    const fields = ['hostIds', 'host', 'hosts', 'hostNames', 'ipAddresses'];
    expect(
      targetHosts({ hostIds: ['a', 'b'], host: 'c', ipAddresses: ['10.0.0.1'], filter: 'x' }, fields),
    ).toEqual(['a', 'b', 'c', '10.0.0.1']);
    expect(targetHosts({ hostNames: [1, null, 'ok'] }, fields)).toEqual(['ok']);
    expect(targetHosts('not an object', fields)).toEqual([]);
    const many = targetHosts({ hosts: Array.from({ length: 105 }, (_, i) => `h${i}`) }, fields);
    expect(many).toHaveLength(101);
    expect(many.at(-1)).toBe('… and 5 more');
    expect(auditedIdempotencyKey({ idempotencyKey: 'k' })).toBe('k');
    expect(auditedIdempotencyKey({ idempotencyKey: '' })).toBeNull();
  });

  it('stores and queries entries on PostgreSQL as on SQLite', async () => {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const location = await testServiceDatabase(kind);
      const database = await openServiceDatabase(location.location);
      try {
        const log = new AuditLog(database.db);
        const base = {
          requestId: 'r',
          replica: 'x',
          tokenId: null,
          tokenName: null,
          connection: 'default',
          hosts: ['h1'],
          idempotencyKey: null,
          outcome: 'Successful' as const,
          statusCode: 200,
          errorCode: null,
          message: null,
          durationMs: 12.6,
        };
        await log.record({ ...base, at: 1000, command: 'list_hosts' });
        await log.record({ ...base, at: 2000, command: 'list_groups' });
        await log.record({ ...base, at: 3000, command: 'list_hosts' });
        const hostsOnly = await log.query({ command: 'list_hosts', limit: 10 });
        expect(hostsOnly.map((e) => e.at)).toEqual([3000, 1000]);
        expect(hostsOnly[0]).toMatchObject({ hosts: ['h1'], durationMs: 13 });
        expect((await log.query({ since: 2000, limit: 10 })).map((e) => e.at)).toEqual([3000, 2000]);
      } finally {
        await database.close();
        await location.drop();
      }
    }
  });
});
