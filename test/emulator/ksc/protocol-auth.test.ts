import { Buffer } from 'node:buffer';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  basicAuth,
  KscCaller,
  KscCallError,
  rawPost,
  startTestEmulator,
  TEST_PASSWORD,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

const pxg = (json: unknown): { code?: number; message?: string; module?: string } =>
  (json as { PxgError?: { code?: number; message?: string; module?: string } }).PxgError ?? {};

describe.each(BACKENDS)('KSC emulator protocol and identity (%s)', (backend) => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(backend, {
      lockoutAttempts: 3,
      lockoutSeconds: 600,
      sessionIdleSeconds: 300,
    });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  describe('envelope', () => {
    it('answers PxgRetVal and out-parameters, with Instance.Class.Method and v1.1 accepted', async () => {
      const admin = await emu.session();
      const reply = await admin.raw('HostGroup.GroupIdGroups');
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ PxgRetVal: 0 });
      const withInstance = await rawPost(
        emu.url,
        '/api/v1.0/default.HostGroup.GroupIdUnassigned',
        '{}',
        admin.headers,
      );
      expect(withInstance.json).toEqual({ PxgRetVal: 1 });
      const v11 = await rawPost(emu.url, '/api/v1.1/HostGroup.GroupIdGroups', '', admin.headers);
      expect(v11.json).toEqual({ PxgRetVal: 0 });
    });

    it('reports an unknown method with a PxgError, and an unknown path with 404', async () => {
      const admin = await emu.session();
      const reply = await admin.raw('HostGroup.NoSuchMethod');
      expect(reply.status).toBe(200);
      expect(pxg(reply.json)).toMatchObject({ code: 1194, module: 'KLCONN' });
      expect(pxg(reply.json).message).toContain('HostGroup.NoSuchMethod');
      const notApi = await rawPost(emu.url, '/api/v9/HostGroup.GroupIdGroups', '{}', admin.headers);
      expect(notApi.status).toBe(404);
    });

    it('names the argument that is missing or mistyped: Bad parameter "…"', async () => {
      const admin = await emu.session();
      const missing = await admin.raw('HostGroup.GetHostInfo', {});
      expect(pxg(missing.json)).toMatchObject({
        code: 1187,
        module: 'KLSTD',
        message: 'Bad parameter "strHostName"',
      });
      const mistyped = await admin.raw('ChunkAccessor.GetItemsChunk', {
        strAccessor: 'x',
        nStart: 'zero',
        nCount: 1,
      });
      expect(pxg(mistyped.json).message).toBe('Bad parameter "nStart"');
    });

    it('answers malformed JSON with HTTP 400 and a PxgError', async () => {
      const admin = await emu.session();
      const reply = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', '{"broken":', admin.headers);
      expect(reply.status).toBe(400);
      expect(pxg(reply.json).code).toBe(1192);
    });

    it('compresses with gzip when asked, and echoes X-KSC-RequestId', async () => {
      const admin = await emu.session();
      const found = await admin.call('HostGroup.FindHosts', {
        wstrFilter: '',
        vecFieldsToReturn: ['KLHST_WKS_DN', 'KLHST_WKS_HOSTNAME'],
        lMaxLifeTime: 60,
      });
      const page = await admin.raw(
        'ChunkAccessor.GetItemsChunk',
        { strAccessor: found['strAccessor'] as string, nStart: 0, nCount: 100 },
        { 'Accept-Encoding': 'gzip', 'X-KSC-RequestId': 'req-42' },
      );
      expect(page.headers['content-encoding']).toBe('gzip');
      expect(page.headers['x-ksc-requestid']).toBe('req-42');
      expect((page.json as { PxgRetVal: number }).PxgRetVal).toBe(100);
      const plain = await admin.raw('HostGroup.GroupIdGroups');
      expect(plain.headers['content-encoding']).toBeUndefined();
    });
  });

  describe('authentication', () => {
    it('StartSession returns a session id that X-KSC-Session then carries; EndSession makes later calls 403', async () => {
      const start = await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', {
        Authorization: basicAuth('admin', TEST_PASSWORD),
      });
      const id = (start.json as { PxgRetVal: string }).PxgRetVal;
      expect(id).toMatch(/^ns[A-Za-z0-9+/]{20}==$/);
      const caller = new KscCaller(emu.url, { 'X-KSC-Session': id });
      expect((await caller.raw('Session.Ping')).status).toBe(200);
      expect((await caller.raw('Session.EndSession')).status).toBe(200);
      const after = await caller.raw('Session.Ping');
      expect(after.status).toBe(403);
      expect((await caller.raw('HostGroup.GroupIdGroups')).status).toBe(403);
    });

    it('binds /login to the TCP connection: the same connection is authenticated, another is not', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const login = await rawPost(
          emu.url,
          '/api/v1.0/login',
          '',
          { Authorization: basicAuth('admin', TEST_PASSWORD) },
          agent,
        );
        expect(login.status).toBe(200);
        const same = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', '{}', {}, agent);
        expect(same.json).toEqual({ PxgRetVal: 0 });
        const other = await rawPost(
          emu.url,
          '/api/v1.0/HostGroup.GroupIdGroups',
          '{}',
          {},
          new http.Agent({ keepAlive: false }),
        );
        expect(other.status).toBe(403);
      } finally {
        agent.destroy();
      }
    });

    it('accepts per-request KSCBasic, including go-ksc unquoted internal=true and a domain', async () => {
      const reply = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', '{}', {
        Authorization: basicAuth('analyst', TEST_PASSWORD, ', domain="", internal=true'),
      });
      expect(reply.json).toEqual({ PxgRetVal: 0 });
    });

    it('answers wrong credentials with 401 "Authentication failure" and locks after the configured attempts', async () => {
      const wrong = { Authorization: basicAuth('reader', 'not-the-password') };
      const first = await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', wrong);
      expect(first.status).toBe(401);
      expect(pxg(first.json).message).toBe('Authentication failure');
      expect(first.text).not.toContain('not-the-password');
      await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', wrong);
      await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', wrong);
      // Locked now: even the right password is refused, with the lockout error.
      const right = { Authorization: basicAuth('reader', TEST_PASSWORD) };
      const locked = await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', right);
      expect(locked.status).toBe(401);
      expect(pxg(locked.json).code).toBe(2013);
      // The lock ends after its duration on the emulator clock.
      await emu.control('POST', '/__emulator/clock/advance', { seconds: 601 });
      const again = await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', right);
      expect(again.status).toBe(200);
    });

    it('answers an unknown user and a malformed header with 401, and no credentials at all with 403', async () => {
      expect(
        (
          await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', {
            Authorization: basicAuth('nobody', 'x'),
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', {
            Authorization: 'KSCBasic garbage',
          })
        ).status,
      ).toBe(401);
      expect((await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', '{}')).status).toBe(403);
    });

    it('issues one-time KSCT tokens', async () => {
      const admin = await emu.session();
      const token = (await admin.call('Session.CreateToken'))['PxgRetVal'] as string;
      const once = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', '{}', {
        Authorization: `KSCT ${token}`,
      });
      expect(once.json).toEqual({ PxgRetVal: 0 });
      const twice = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', '{}', {
        Authorization: `KSCT ${token}`,
      });
      expect(twice.status).toBe(401);
    });

    it('ends idle sessions after the idle timeout on the emulator clock', async () => {
      const admin = await emu.session();
      await emu.control('POST', '/__emulator/clock/advance', { seconds: 301 });
      expect((await admin.raw('Session.Ping')).status).toBe(403);
    });

    it('selects a virtual server with X-KSC-VServer: its own groups and hosts', async () => {
      const main = await emu.session();
      const branch = await emu.session('admin', 'vs-branch');
      const mainRoot = (await main.call('HostGroup.GroupIdGroups'))['PxgRetVal'];
      const branchRoot = (await branch.call('HostGroup.GroupIdGroups'))['PxgRetVal'];
      expect(branchRoot).not.toBe(mainRoot);
      const hostsOf = async (caller: KscCaller): Promise<string[]> => {
        const found = await caller.call('HostGroup.FindHosts', {
          vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
          lMaxLifeTime: 60,
        });
        return (await caller.chunkAll(found['strAccessor'] as string, 500)).map(
          (h) => h['KLHST_WKS_HOSTNAME'] as string,
        );
      };
      const [mainHosts, branchHosts] = await Promise.all([hostsOf(main), hostsOf(branch)]);
      expect(mainHosts.length).toBeGreaterThan(0);
      expect(branchHosts.length).toBeGreaterThan(0);
      expect(mainHosts.filter((id) => branchHosts.includes(id))).toEqual([]);
      const unknown = await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', {
        Authorization: basicAuth('admin', TEST_PASSWORD),
        'X-KSC-VServer': Buffer.from('no-such-vs').toString('base64'),
      });
      expect(unknown.status).toBe(401);
    });
  });

  describe('rights', () => {
    it('refuses a user without a role with 1184 Access denied', async () => {
      const nobody = await emu.session('no-rights');
      const error = await nobody
        .call('HostGroup.FindHosts', { vecFieldsToReturn: ['KLHST_WKS_DN'] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KscCallError);
      expect((error as KscCallError).pxgCode).toBe(1184);
      expect((error as KscCallError).pxgMessage).toBe('Access denied');
    });

    it('returns no devices to a user whose role lacks the Managed devices scope', async () => {
      const serverOnly = await emu.session('server-only');
      const found = await serverOnly.call('HostGroup.FindHosts', { vecFieldsToReturn: ['KLHST_WKS_DN'] });
      expect(found['PxgRetVal']).toBe(0);
      const groups = await serverOnly.call('HostGroup.FindGroups', { vecFieldsToReturn: ['id'] });
      expect(groups['PxgRetVal']).toBeGreaterThan(0);
    });

    it('refuses writes to a read-only user', async () => {
      const reader = await emu.session('analyst');
      const error = await reader
        .call('HostGroup.AddGroup', { pInfo: { name: 'x', parentId: 0 } })
        .catch((e: unknown) => e);
      expect((error as KscCallError).pxgCode).toBe(1184);
    });
  });
});
