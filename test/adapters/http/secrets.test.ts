import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase } from '../../../src/adapters/http/store.ts';
import { TEST_PASSWORD } from '../../support/ksc-emulator.ts';
import { startServiceHarness, WRONG_PASSWORD, type HttpAnswer, type ServiceHarness } from './support.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('secrets never leave the service', () => {
  let h: ServiceHarness;
  const answers: HttpAnswer[] = [];
  const sessionIds = new Set<string>();
  let revoked: string;

  beforeAll(async () => {
    h = await startServiceHarness();
    const made = await h.service.tokens.create('to-revoke', 'read,respond,admin');
    revoked = made.token;
    await h.service.tokens.revoke('to-revoke');
    const calls: Array<Promise<HttpAnswer>> = [
      h.call('list_hosts', { limit: 2 }),
      h.call('get_host_status', { hostNames: ['NO-SUCH-HOST'] }),
      h.call('isolate_hosts', { hostIds: ['x'], idempotencyKey: 'k-1' }),
      h.call(
        'isolate_hosts',
        { hostIds: ['NO-SUCH-HOST'], idempotencyKey: 'k-2' },
        { token: h.tokens.respond },
      ),
      h.call('list_hosts', {}, { token: null }),
      h.call('list_hosts', {}, { token: revoked }),
      h.call('list_hosts', {}, { token: `${h.tokens.admin}x` }),
      h.call('list_hosts', { limit: 1 }, { connection: 'wrong' }),
      h.call('list_hosts', { limit: 1 }, { connection: 'reader' }),
      h.call('list_hosts', '{not json'),
      h.call('list_hosts', { limit: 'all' }),
      h.get('/v1/commands', h.tokens.read),
      h.get('/v1/audit?limit=1000', h.tokens.admin),
      h.get('/v1/audit', h.tokens.read),
      h.get('/openapi.json'),
      h.get('/docs'),
      h.get('/readyz'),
      h.get('/readyz', h.tokens.read),
      h.get('/healthz'),
    ];
    answers.push(...(await Promise.all(calls)));
    for (const id of h.emu.ksc.state.sessions.ids()) sessionIds.add(id);
    answers.push(await h.get('/metrics'));
    // The audit log as it is after every call above.
    answers.push(await h.get('/v1/audit?limit=1000', h.tokens.admin));
  });
  afterAll(async () => {
    await h?.stop();
  });

  function secrets(): string[] {
    const list = [
      h.tokens.read,
      h.tokens.respond,
      h.tokens.admin,
      revoked,
      TEST_PASSWORD,
      WRONG_PASSWORD,
      b64(TEST_PASSWORD),
      b64(WRONG_PASSWORD),
      'KSCBasic',
      ...sessionIds,
    ];
    // The test proves nothing if the secrets were never in play.
    expect(sessionIds.size).toBeGreaterThan(0);
    return list;
  }

  it('in no response (body or header)', () => {
    expect(answers.length).toBeGreaterThan(15);
    for (const answer of answers) {
      const headers = [...answer.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
      for (const secret of secrets()) {
        expect(answer.text).not.toContain(secret);
        expect(headers).not.toContain(secret);
      }
    }
  });

  it('in no audit row or stored token (only the SHA-256 is kept)', async () => {
    const database = await openServiceDatabase(h.database);
    try {
      const audit = JSON.stringify(await database.db.selectFrom('audit_log').selectAll().execute());
      const tokens = JSON.stringify(await database.db.selectFrom('api_tokens').selectAll().execute());
      const keys = JSON.stringify(await database.db.selectFrom('kconnect_state').selectAll().execute());
      expect(audit).toContain('isolate_hosts');
      expect(tokens).toContain('soar-reader');
      for (const secret of secrets()) {
        expect(audit).not.toContain(secret);
        expect(tokens).not.toContain(secret);
        expect(keys).not.toContain(secret);
      }
    } finally {
      await database.close();
    }
  });

  it('in no log record', () => {
    const logs = h.logs.map((r) => JSON.stringify(r)).join('\n');
    expect(logs).toContain('"message":"command"');
    expect(logs).toContain('UNAUTHENTICATED');
    for (const secret of secrets()) expect(logs).not.toContain(secret);
  });
});
