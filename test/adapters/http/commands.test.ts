import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/commands/index.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { resultOf, startServiceHarness, type ServiceHarness } from './support.ts';

const ISOLATION = {
  strType: 'SS_SETTINGS',
  strProduct: 'EDRAgent',
  strVersion: '3.0.0.0',
  strSection: 'NetworkIsolation',
};
const dn = (host: HostRecord) => host.attributes['KLHST_WKS_DN'] as string;

describe('POST /v1/commands/{name}', () => {
  let h: ServiceHarness;
  let admin: KscCaller;
  let agents: HostRecord[];

  beforeAll(async () => {
    h = await startServiceHarness();
    admin = await h.emu.session('admin');
    agents = h.emu.ksc.world.hostsOf(0).filter((x) => x.products.some((p) => p.name === 'EDRAgent'));
    expect(agents.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const isolationOf = async (host: HostRecord) =>
    (await admin.call('HostGroup.SS_Read', { strHostName: host.id, ...ISOLATION }))['PxgRetVal'] as Record<
      string,
      unknown
    >;

  it('runs a read-only command with a read token and answers its CommandResult', async () => {
    const answer = await h.call(
      'list_hosts',
      { limit: 5 },
      { headers: { 'X-Request-Id': 'playbook-42.step-1' } },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-request-id')).toBe('playbook-42.step-1');
    const body = resultOf(answer);
    expect(body.status).toBe('Successful');
    expect(body.errors).toEqual([]);
    const ids = body.keyFields['HostIDs'] as string[];
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(h.emu.ksc.world.hosts.has(id)).toBe(true);
    expect(body.keyFields['TotalHostCount']).toBe(h.emu.ksc.world.hostsOf(0).length);
    expect(body.result.rows).toEqual([[5]]);
  });

  it('gives every answer a request id, its own when the caller sends none or an unusable one', async () => {
    const a = await h.call('list_groups', { limit: 1 });
    const b = await h.call(
      'list_groups',
      { limit: 1 },
      { headers: { 'X-Request-Id': 'bad id with spaces' } },
    );
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('refuses a destructive command to a read token with 403 and a clear body, acting on nothing', async () => {
    const host = agents[0]!;
    const before = await isolationOf(host);
    expect(before['Enable']).not.toBe(true);
    const answer = await h.call('isolate_hosts', { hostIds: [dn(host)], isolationTimeout: 60 });
    expect(answer.status).toBe(403);
    const body = resultOf(answer);
    expect(body.status).toBe('Failed');
    expect(body.errors).toEqual([
      {
        failureIndicator: 'Isolate Hosts failed.',
        statusCode: 403,
        code: 'ACCESS_DENIED',
        message: expect.stringContaining('lacks the "respond" scope that isolate_hosts needs') as unknown,
      },
    ]);
    expect(body.errors[0]!.message).toContain('"soar-reader"');
    expect(body.errors[0]!.message).toContain('(it has: read)');
    expect(await isolationOf(host)).toEqual(before);
  });

  it('runs the destructive command for a token with the respond scope', async () => {
    const host = agents[0]!;
    const answer = await h.call(
      'isolate_hosts',
      { hostIds: [dn(host)], isolationTimeout: 45 },
      { token: h.tokens.respond },
    );
    expect(answer.status).toBe(200);
    const body = resultOf(answer);
    expect(body.status).toBe('Successful');
    expect(body.keyFields['HostIDs']).toEqual([host.id]);
    expect(await isolationOf(host)).toMatchObject({ Enable: true, IsolationTimeout: 45 * 60 });
  });

  it('needs respond for commands that change KSC without being destructive (add_group)', async () => {
    const denied = await h.call('add_group', { name: 'http-denied' });
    expect(denied.status).toBe(403);
    const allowed = await h.call('add_group', { name: 'http-allowed' }, { token: h.tokens.respond });
    expect(allowed.status).toBe(200);
    expect(resultOf(allowed).status).toBe('Successful');
  });

  it('answers 401 without a token, with an unknown, malformed or revoked one', async () => {
    const none = await h.call('list_hosts', {}, { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kconnect"');
    expect(resultOf(none).errors[0]).toMatchObject({
      statusCode: 401,
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('Missing API token') as unknown,
    });

    const unknown = await h.call('list_hosts', {}, { token: `kc_${'A'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(resultOf(unknown).errors[0]!.message).toBe('Unknown or revoked API token');

    const malformed = await h.call('list_hosts', {}, { token: 'not-a-kconnect-token' });
    expect(malformed.status).toBe(401);

    const made = await h.service.tokens.create('short-lived', 'read');
    expect((await h.call('list_groups', { limit: 1 }, { token: made.token })).status).toBe(200);
    await h.service.tokens.revoke('short-lived');
    const revoked = await h.call('list_groups', { limit: 1 }, { token: made.token });
    expect(revoked.status).toBe(401);
    expect(resultOf(revoked).errors[0]!.message).toBe('Unknown or revoked API token');
  });

  it('answers bad input with 400 and errors naming each field and the reason', async () => {
    const answer = await h.call('list_hosts', { limit: 0, fields: 'KLHST_WKS_DN' });
    expect(answer.status).toBe(400);
    const messages = resultOf(answer).errors.map((e) => e.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^The value for parameter \(limit\) is invalid: .*>=\s?1/);
    expect(messages[1]).toMatch(/^The value for parameter \(fields\) is invalid: .*array/);

    const missing = await h.call('isolate_hosts', {}, { token: h.tokens.respond });
    expect(missing.status).toBe(400);
    expect(resultOf(missing).errors[0]!.message).toMatch(/^The value for parameter \(hostIds\) is invalid/);
  });

  it('refuses an idempotency key with control characters before acting', async () => {
    const host = agents[1]!;
    const before = await isolationOf(host);
    const answer = await h.call(
      'isolate_hosts',
      { hostIds: [dn(host)], idempotencyKey: 'inc\u0000-1' },
      { token: h.tokens.respond },
    );
    expect(answer.status).toBe(400);
    expect(resultOf(answer).errors[0]!.message).toBe(
      'The value for parameter (idempotencyKey) is invalid: control characters are not allowed.',
    );
    expect(await isolationOf(host)).toEqual(before);
  });

  it('answers a body that is not JSON with 400, and an empty body as {}', async () => {
    const broken = await h.call('list_hosts', '{"limit": 5');
    expect(broken.status).toBe(400);
    expect(resultOf(broken).errors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^The request body is not JSON: /) as unknown,
    });
    const empty = await h.call('test_connection', '');
    expect(empty.status).toBe(200);
  });

  it('refuses a body larger than 1 MiB', async () => {
    const answer = await h.call('list_hosts', JSON.stringify({ filter: 'x'.repeat((1 << 20) + 10) }));
    expect(answer.status).toBe(400);
    expect(resultOf(answer).errors[0]!.message).toContain('larger than 1048576 bytes');
  });

  it('answers an unknown command with 404 and a CommandResult', async () => {
    const answer = await h.call('drop_everything', {});
    expect(answer.status).toBe(404);
    expect(resultOf(answer).errors[0]).toMatchObject({
      failureIndicator: 'drop_everything failed.',
      code: 'NOT_FOUND',
      message: 'No command "drop_everything": GET /v1/commands lists them',
    });
  });

  it('selects the KSC connection by query parameter or header', async () => {
    const branchHosts = new Set(h.emu.ksc.world.hostsOf(1).map((x) => x.id));
    expect(branchHosts.size).toBeGreaterThan(0);
    const byQuery = resultOf(await h.call('list_hosts', { limit: 3 }, { connection: 'branch' }));
    const byHeader = resultOf(
      await h.call('list_hosts', { limit: 3 }, { headers: { 'Kconnect-Connection': 'branch' } }),
    );
    const byDefault = resultOf(await h.call('list_hosts', { limit: 3 }));
    for (const id of byQuery.keyFields['HostIDs'] as string[]) expect(branchHosts.has(id)).toBe(true);
    expect(byHeader.keyFields['HostIDs']).toEqual(byQuery.keyFields['HostIDs']);
    for (const id of byDefault.keyFields['HostIDs'] as string[]) expect(branchHosts.has(id)).toBe(false);
  });

  it('refuses an unknown connection (404) and a malformed connection name (400)', async () => {
    const unknown = await h.call('list_hosts', {}, { connection: 'nowhere' });
    expect(unknown.status).toBe(404);
    expect(resultOf(unknown).errors[0]!.message).toContain('no connection named "nowhere"');
    const malformed = await h.call('list_hosts', {}, { connection: 'a b' });
    expect(malformed.status).toBe(400);
    expect(resultOf(malformed).errors[0]!.message).toContain('(connection)');
  });

  it('answers a failed command with the status code of its first error (KSC access denied: 403)', async () => {
    const answer = await h.call(
      'isolate_hosts',
      { hostIds: [dn(agents[1]!)] },
      { token: h.tokens.respond, connection: 'reader' },
    );
    expect(answer.status).toBe(403);
    const body = resultOf(answer);
    expect(body.status).toBe('Failed');
    expect(body.errors[0]).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });

  it('answers 200 for Partially Successful, with the failed items in errors', async () => {
    const answer = await h.call(
      'isolate_hosts',
      { hostIds: [dn(agents[2]!), 'NO-SUCH-HOST'] },
      { token: h.tokens.respond },
    );
    expect(answer.status).toBe(200);
    const body = resultOf(answer);
    expect(body.status).toBe('Partially Successful');
    expect(body.errors.map((e) => [e.item, e.statusCode])).toEqual([['NO-SUCH-HOST', 404]]);
  });

  it('answers a KSC login failure with 401 from the command (not the service)', async () => {
    const answer = await h.call('list_hosts', { limit: 1 }, { connection: 'wrong' });
    expect(answer.status).toBe(401);
    expect(resultOf(answer).errors[0]).toMatchObject({
      failureIndicator: 'List Hosts failed.',
      code: 'UNAUTHENTICATED',
    });
  });
});

describe('GET /v1/commands', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startServiceHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('lists every command of the catalog with its flags and the scope it needs', async () => {
    const answer = await h.get('/v1/commands', h.tokens.admin);
    expect(answer.status).toBe(200);
    const commands = (answer.json as { commands: Array<Record<string, unknown>> }).commands;
    expect(commands.map((c) => c['name'])).toEqual(COMMANDS.map((c) => c.name));
    const byName = new Map(commands.map((c) => [c['name'], c]));
    expect(byName.get('list_hosts')).toMatchObject({
      scope: 'read',
      readOnly: true,
      path: '/v1/commands/list_hosts',
    });
    expect(byName.get('isolate_hosts')).toMatchObject({ scope: 'respond', destructive: true });
    expect(byName.get('add_group')).toMatchObject({ scope: 'respond', readOnly: false, destructive: false });
  });

  it('needs a token', async () => {
    const answer = await h.get('/v1/commands');
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('answers unknown routes with 404 and a JSON error', async () => {
    const answer = await h.get('/v2/nothing');
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No route GET /v2/nothing' } });
  });
});
