/**
 * Issue 22 (B5 / R10, R18) on the real entry point: two `kconnect serve` processes on one SQLite service database.
 * Verified tokens are kept in memory, yet a revocation made by `kconnect token revoke` holds on both at once; audit
 * rows are written by group commit, yet a service killed with SIGKILL in the middle of a fan-out of mutating calls
 * leaves an audit row for every call it answered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase } from '../../../src/adapters/http/store.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

const BIN = join(import.meta.dirname, '../../../bin/kconnect.js');

function run(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

async function createToken(name: string, scope: string, env: NodeJS.ProcessEnv): Promise<string> {
  const made = await run(['token', 'create', '--name', name, '--scope', scope], env);
  const token = made.stdout.trim();
  if (!token.startsWith('kc_')) throw new Error(`token create ${name} exited with ${made.code}`);
  return token;
}

/** `kconnect serve` on a free port; resolves with its URL once it listens. */
function serve(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match !== null) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`kconnect serve exited with ${code}`)));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('kconnect serve: token cache and audit group commit, two processes on one database', () => {
  let emu: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let database: string;
  let a: { child: ChildProcess; url: string } | undefined;
  let b: { child: ChildProcess; url: string } | undefined;
  const dispatcher = new Agent({ connections: 400 });

  const call = async (url: string, route: string, token: string, body: string, requestId?: string) => {
    const answer = await undiciRequest(`${url}${route}`, {
      method: 'POST',
      body,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...(requestId === undefined ? {} : { 'X-Request-Id': requestId }),
      },
      dispatcher,
    });
    await answer.body.text();
    return { status: answer.statusCode, requestId: String(answer.headers['x-request-id'] ?? '') };
  };

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 10, events: 10 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-group-commit-'));
    database = join(dir, 'service.db');
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      [
        'connections:',
        `  default: { url: "${emu.url}", user: admin, passwordEnv: KSC_PASSWORD, tls: { insecure: true } }`,
        'service:',
        `  database: "${database}"`,
        '  maxQueue: 2000',
        '',
      ].join('\n'),
    );
    env = { ...process.env, KCONNECT_CONFIG: join(dir, 'kconnect.yaml'), KSC_PASSWORD: TEST_PASSWORD };
    // The schema first, from one process: two replicas migrating an empty file at once is not what this tests.
    await createToken('setup', 'read', env);
    [a, b] = await Promise.all([serve(env), serve(env)]);
  }, 120_000);

  afterAll(async () => {
    await stop(a?.child);
    await stop(b?.child);
    await dispatcher.close();
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a token revoked by `kconnect token revoke` on both replicas at the very next call', async () => {
    const token = await createToken('short-lived', 'read', env);
    for (let i = 0; i < 5; i++) {
      // Several calls, so each replica has the token in its cache before the revocation.
      expect((await call(a!.url, '/v1/commands/decode_host_status', token, '{"status":1}')).status).toBe(200);
      expect((await call(b!.url, '/v1/commands/decode_host_status', token, '{"status":1}')).status).toBe(200);
    }
    const revoked = await run(['token', 'revoke', 'short-lived'], env);
    expect(revoked.code).toBe(0);
    expect((await call(a!.url, '/v1/commands/decode_host_status', token, '{"status":1}')).status).toBe(401);
    expect((await call(b!.url, '/v1/commands/decode_host_status', token, '{"status":1}')).status).toBe(401);
  }, 60_000);

  it('leaves an audit row for every mutating call answered before SIGKILL', async () => {
    const token = await createToken('responder', 'read,respond', env);
    await emu.control('POST', '/__emulator/faults', { latencyMs: 20 });
    const answered: string[] = [];
    const calls = 300;
    let killed = false;
    const killAfter = 60;
    const victim = a!;
    const exited = new Promise((resolve) => victim.child.once('exit', resolve));
    const settled = await Promise.allSettled(
      Array.from({ length: calls }, async (_, i) => {
        const requestId = `crash-${i}`;
        const answer = await call(
          victim.url,
          '/v1/commands/add_group',
          token,
          JSON.stringify({ name: `crash group ${i}` }),
          requestId,
        );
        answered.push(answer.requestId);
        if (answered.length >= killAfter && !killed) {
          killed = true;
          victim.child.kill('SIGKILL');
        }
        return answer;
      }),
    );
    await exited;
    await emu.control('DELETE', '/__emulator/faults');
    const lost = settled.filter((s) => s.status === 'rejected').length;
    // The kill landed mid-fan-out: some calls were answered, others never were.
    expect(answered.length).toBeGreaterThanOrEqual(killAfter);
    expect(lost).toBeGreaterThan(0);
    const opened = await openServiceDatabase({ file: database });
    try {
      const rows = await opened.db
        .selectFrom('audit_log')
        .select('request_id')
        .where('request_id', 'like', 'crash-%')
        .execute();
      const audited = new Set(rows.map((r) => r.request_id));
      expect(answered.filter((id) => !audited.has(id))).toEqual([]);
      // Never more than one row per call (R18).
      expect(rows.length).toBe(audited.size);
    } finally {
      await opened.close();
    }
  }, 120_000);
});
