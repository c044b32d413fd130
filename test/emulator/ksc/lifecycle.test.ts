import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startKscEmulator, type RunningKscEmulator } from '../../../src/emulator/ksc/emulator.ts';
import {
  basicAuth,
  KscCaller,
  rawPost,
  startTestEmulator,
  TEST_PASSWORD,
} from '../../support/ksc-emulator.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-life-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('KSC emulator lifecycle', () => {
  it('keeps its world across restarts; sessions do not survive', async () => {
    const dataDir = tempDir();
    const options = { http: true, port: 0, dataDir, hosts: 120, events: 500, adminPassword: TEST_PASSWORD };
    const first = await startKscEmulator(options);
    const login = await rawPost(first.url, '/api/v1.0/Session.StartSession', '{}', {
      Authorization: basicAuth('admin', TEST_PASSWORD),
    });
    const session = (login.json as { PxgRetVal: string }).PxgRetVal;
    const hostsBefore = [...first.world.hosts.keys()];
    const eventsBefore = first.world.eventCount;
    await first.close();

    const second = await startKscEmulator({ ...options, hosts: 5, seed: 99 });
    try {
      expect([...second.world.hosts.keys()]).toEqual(hostsBefore);
      expect(second.world.eventCount).toBe(eventsBefore);
      const stale = await rawPost(second.url, '/api/v1.0/Session.Ping', '{}', { 'X-KSC-Session': session });
      expect(stale.status).toBe(403);
    } finally {
      await second.close();
    }

    // The administrator's password is the one given at start, also in an existing world.
    const third = await startKscEmulator({ ...options, adminPassword: 'another-test-password' });
    try {
      const oldLogin = await rawPost(third.url, '/api/v1.0/Session.StartSession', '{}', {
        Authorization: basicAuth('admin', TEST_PASSWORD),
      });
      expect(oldLogin.status).toBe(401);
      const newLogin = await rawPost(third.url, '/api/v1.0/Session.StartSession', '{}', {
        Authorization: basicAuth('admin', 'another-test-password'),
      });
      expect(newLogin.status).toBe(200);
    } finally {
      await third.close();
    }
  });

  it("keeps tasks, host settings and the agents' pending work across a restart", async () => {
    const dataDir = tempDir();
    const options = {
      http: true,
      port: 0,
      dataDir,
      hosts: 150,
      events: 500,
      adminPassword: TEST_PASSWORD,
      agentSyncSeconds: 30,
    };
    const caller = (ksc: RunningKscEmulator) =>
      new KscCaller(ksc.url, { Authorization: basicAuth('admin', TEST_PASSWORD) });
    const first = await startKscEmulator(options);
    const host = first.world.hostsOf(0).find((h) => h.products.some((p) => p.name === 'KES'));
    if (host === undefined) throw new Error('the test world has no KES host');
    let strTask: string;
    try {
      const admin = caller(first);
      strTask = (
        await admin.call('Tasks.AddTask', {
          pData: {
            TASK_NAME: 'ods',
            TASKID_PRODUCT_NAME: 'KES',
            TASKID_VERSION: '11.0.0.0',
            TASK_INFO_PARAMS: { DisplayName: 'Survives a restart', HostList: [{ HostName: host.id }] },
          },
        })
      )['PxgRetVal'] as string;
      await admin.call('Tasks.RunTask', { strTask });
      expect((await first.state.agents.pending(host.id)).length).toBeGreaterThan(0);
    } finally {
      await first.close();
    }

    const second = await startKscEmulator(options);
    try {
      const admin = caller(second);
      const task = (await admin.call('Tasks.GetTask', { strTask }))['PxgRetVal'] as Record<string, unknown>;
      expect(task['DisplayName']).toBe('Survives a restart');
      expect((await second.state.agents.pending(host.id)).length).toBeGreaterThan(0);
      // The run queued before the restart still reaches the host at its next sync.
      second.clock.advance(31_000);
      await second.state.agents.runDue();
      const statistics = (await admin.call('Tasks.GetTaskStatistics', { strTask }))['PxgRetVal'] as Record<
        string,
        unknown
      >;
      expect(statistics['2']).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('generates the same world from the same seed, and another from another seed', async () => {
    const start = (seed: number): Promise<RunningKscEmulator> =>
      startKscEmulator({
        http: true,
        port: 0,
        dataDir: tempDir(),
        hosts: 80,
        events: 300,
        seed,
        adminPassword: TEST_PASSWORD,
      });
    const [a, b, c] = await Promise.all([start(7), start(7), start(8)]);
    try {
      expect([...a.world.hosts.keys()]).toEqual([...b.world.hosts.keys()]);
      expect([...a.world.hosts.keys()]).not.toEqual([...c.world.hosts.keys()]);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('serves HTTPS with a self-signed certificate kept in the data directory', async () => {
    const dataDir = tempDir();
    const ksc = await startKscEmulator({
      port: 0,
      dataDir,
      hosts: 10,
      events: 10,
      adminPassword: TEST_PASSWORD,
    });
    try {
      expect(ksc.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(ksc.certificatePem).toContain('BEGIN CERTIFICATE');
      expect(existsSync(path.join(dataDir, 'tls', 'cert.pem'))).toBe(true);
      const { Agent, request } = await import('undici');
      const trusted = new Agent({ connect: { ca: ksc.certificatePem!, servername: 'localhost' } });
      const response = await request(`${ksc.url}/api/v1.0/Session.StartSession`, {
        method: 'POST',
        dispatcher: trusted,
        headers: { Authorization: basicAuth('admin', TEST_PASSWORD) },
        body: '{}',
      });
      expect(response.statusCode).toBe(200);
      await response.body.text();
      await trusted.close();
      const untrusted = await request(`${ksc.url}/api/v1.0/Session.Ping`, {
        method: 'POST',
        body: '{}',
      }).catch((e: unknown) => e);
      expect(untrusted).toBeInstanceOf(Error);
    } finally {
      await ksc.close();
    }
    // The same certificate on the next start.
    const again = await startKscEmulator({ port: 0, dataDir, adminPassword: TEST_PASSWORD });
    try {
      expect(again.certificatePem).toBe(ksc.certificatePem);
    } finally {
      await again.close();
    }
  });

  it('refuses a missing or short admin password with an error naming the field', async () => {
    await expect(startKscEmulator({ http: true, port: 0, dataDir: tempDir() })).rejects.toThrow(
      /^adminPassword: /,
    );
  });

  it('starts from the CLI, prints one ready line with its URL, and stops on SIGTERM', async () => {
    const dataDir = tempDir();
    const child = spawn(
      process.execPath,
      [
        'bin/kconnect.js',
        'emulator',
        'ksc',
        '--http',
        '--port',
        '0',
        '--hosts',
        '20',
        '--events',
        '50',
        '--data-dir',
        dataDir,
      ],
      {
        cwd: path.resolve(import.meta.dirname, '../../..'),
        env: { ...process.env, KCONNECT_EMULATOR_PASSWORD: TEST_PASSWORD },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^KSC emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
        if (match !== null) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const reply = await rawPost(url, '/api/v1.0/Session.StartSession', '{}', {
      Authorization: basicAuth('admin', TEST_PASSWORD),
    });
    expect(reply.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(output).not.toContain(TEST_PASSWORD);
  });

  it('protects the control API with its token', async () => {
    const emu = await startTestEmulator('sqlite', { hosts: 20, events: 50 });
    try {
      const denied = await fetch(new URL('/__emulator/state', emu.url), {
        headers: { Authorization: 'Bearer wrong' },
      });
      expect(denied.status).toBe(401);
      const state = await emu.control('GET', '/__emulator/state');
      expect(state.body).toMatchObject({ hosts: 20 });
      const bad = await emu.control('POST', '/__emulator/faults', { resetRate: 2 });
      expect(bad.status).toBe(400);
      expect((bad.body as { error: string }).error).toMatch(/^resetRate: /);
    } finally {
      await emu.stop();
    }
  });
});
