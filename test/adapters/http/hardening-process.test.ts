/**
 * Issue 14, items 3, 6, 8, 10 and 12 on the real entry point: `kconnect serve` as a process, configured by a
 * kconnect.yaml with two connections to a KSC emulator, tokens made by `kconnect token create`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase } from '../../../src/adapters/http/store.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { request, resultOf } from './support.ts';

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

/** Sends `text` on a raw socket and resolves with what came back once the server closes it (or `ms` pass). */
function raw(
  port: number,
  write: (socket: net.Socket) => void,
  ms = 15_000,
): Promise<{ text: string; closedMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => write(socket));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    const done = () => resolve({ text, closedMs: Date.now() - started });
    socket.on('close', done);
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), ms);
  });
}

describe('kconnect serve, hardened', () => {
  let emu: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let child: ChildProcess;
  let output = '';
  let url = '';
  let port = 0;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 10, events: 10 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-hardened-'));
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      [
        'defaultConnection: prod',
        'connections:',
        `  prod: { url: "${emu.url}", user: admin, passwordEnv: KSC_PASSWORD, tls: { insecure: true } }`,
        `  branch: { url: "${emu.url}", user: admin, passwordEnv: KSC_PASSWORD, virtualServer: vs-branch, tls: { insecure: true } }`,
        `  secret-lab: { url: "${emu.url}", user: admin, passwordEnv: KSC_PASSWORD, tls: { insecure: true } }`,
        'service:',
        `  database: "${join(dir, 'service.db')}"`,
        '  headersTimeoutSeconds: 2',
        '  auditRetentionDays: 30',
        '',
      ].join('\n'),
    );
    env = { ...process.env, KCONNECT_CONFIG: join(dir, 'kconnect.yaml'), KSC_PASSWORD: TEST_PASSWORD };
    for (const [name, args] of [
      ['read', ['--scope', 'read']],
      ['respond', ['--scope', 'read,respond']],
      ['admin', ['--scope', 'admin']],
      ['prodOnly', ['--scope', 'read', '--connections', 'prod']],
    ] as const) {
      const made = await run(['token', 'create', '--name', name, ...args], env);
      expect(made.code).toBe(0);
      tokens[name] = made.stdout.trim();
    }
    // An audit row older than the retention: the service removes it when it starts.
    const database = await openServiceDatabase({ file: join(dir, 'service.db') });
    await database.db
      .insertInto('audit_log')
      .values({
        at: Date.now() - 31 * 86_400_000,
        request_id: 'ancient',
        replica: 'r',
        token_id: null,
        token_name: null,
        command: 'list_hosts',
        connection: 'prod',
        hosts: '[]',
        idempotency_key: null,
        outcome: 'Successful',
        status_code: 200,
        error_code: null,
        message: null,
        duration_ms: 1,
        client: null,
        count: 1,
      })
      .execute();
    await database.close();

    child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--request-timeout', '2', '--log-level', 'debug'],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const match = /listening on (http:\/\/[\d.]+:(\d+))/.exec(output);
      if (match !== null) {
        url = match[1]!;
        port = Number(match[2]);
        break;
      }
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`serve did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const records = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) => JSON.parse(line) as { level: string; message: string; status?: number; requestId?: string },
      );

  it('removed the audit rows past the retention at start', async () => {
    const audit = await request(url, '/v1/audit?limit=1000', { token: tokens['admin']! });
    const entries = (audit.json as { entries: Array<{ requestId: string }> }).entries;
    expect(entries.some((e) => e.requestId === 'ancient')).toBe(false);
  });

  it('item 10: an unknown connection is a 404 naming only itself; a limited token is refused elsewhere', async () => {
    const unknown = await request(url, '/v1/commands/list_groups?connection=nowhere', {
      token: tokens['read']!,
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    const message = resultOf(unknown).errors[0]!.message;
    expect(message).toContain('"nowhere"');
    for (const name of ['prod', 'branch', 'secret-lab']) expect(unknown.text).not.toContain(name);

    const allowed = await request(url, '/v1/commands/list_groups', {
      token: tokens['prodOnly']!,
      body: '{}',
    });
    expect(allowed.status).toBe(200);
    const denied = await request(url, '/v1/commands/list_groups?connection=branch', {
      token: tokens['prodOnly']!,
      body: '{}',
    });
    expect(denied.status).toBe(403);
    expect(resultOf(denied).errors[0]!.message).toContain('not allowed on the connection "branch"');
    const listed = await request(url, '/v1/connections', { token: tokens['prodOnly']! });
    expect((listed.json as { connections: Array<{ name: string }> }).connections.map((c) => c.name)).toEqual([
      'prod',
    ]);
    // Tokens made without --connections keep every connection.
    const all = await request(url, '/v1/connections', { token: tokens['read']! });
    expect((all.json as { connections: Array<{ name: string }> }).connections.map((c) => c.name)).toEqual([
      'prod',
      'branch',
      'secret-lab',
    ]);
  });

  it('item 6: /readyz says up or down only, without a token', async () => {
    const open = await request(url, '/readyz');
    expect(open.json).toEqual({ status: 'ready' });
    expect(open.text).not.toContain('127.0.0.1');
    expect(open.text).not.toContain('prod');
    const detailed = await request(url, '/readyz', { token: tokens['read']! });
    expect(detailed.status).toBe(200);
    expect((detailed.json as { checks: Array<{ name: string }> }).checks.map((c) => c.name)).toContain(
      'ksc:secret-lab',
    );
    const bad = await request(url, '/readyz', { token: `kc_${'x'.repeat(43)}` });
    expect(bad.status).toBe(401);
  });

  it('item 8: a body cut off mid-way or never sent is the client’s fault, never a 500', async () => {
    const before = records().length;
    const head = (length: number) =>
      'POST /v1/commands/list_groups HTTP/1.1\r\nHost: x\r\n' +
      `Authorization: Bearer ${tokens['read']}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${length}\r\n\r\n`;
    // Cut off: half the body, then the client goes away.
    await raw(port, (socket) => {
      socket.write(head(40) + '{"limit":');
      setTimeout(() => socket.destroy(), 200);
    });
    // Declared and never sent: the service answers 400 at the request timeout (2 s) and closes.
    const late = await raw(port, (socket) => socket.write(head(40)));
    expect(late.text).toMatch(/^HTTP\/1\.1 400/);
    expect(late.text).toContain('did not arrive within 2 s');
    expect(late.closedMs).toBeLessThan(6000);
    await new Promise((r) => setTimeout(r, 300));
    const logged = records()
      .slice(before)
      .filter((r) => r.message === 'command');
    expect(logged.map((r) => r.status).sort()).toEqual([400, 499]);
    expect(logged.every((r) => r.level === 'warn')).toBe(true);
    expect(records().some((r) => r.level === 'error')).toBe(false);
    const audit = await request(url, '/v1/audit?limit=10', { token: tokens['admin']! });
    const outcomes = (audit.json as { entries: Array<{ outcome: string; statusCode: number }> }).entries.map(
      (e) => [e.outcome, e.statusCode],
    );
    expect(outcomes).toContainEqual(['aborted', 499]);
    expect(outcomes).toContainEqual(['invalid', 400]);
    expect(outcomes.some(([, status]) => status === 500)).toBe(false);
  }, 30_000);

  it('item 12: a slowloris of 300 sockets neither stops a normal client nor outlives the headers timeout', async () => {
    const sockets = Array.from({ length: 300 }, () =>
      raw(
        port,
        (socket) => {
          const text = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ';
          let i = 0;
          const drip = setInterval(() => {
            if (socket.destroyed) return clearInterval(drip);
            socket.write(text[i % text.length]!);
            i++;
          }, 200);
          socket.on('close', () => clearInterval(drip));
        },
        20_000,
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    const served = await request(url, '/v1/commands/list_groups', { token: tokens['read']!, body: '{}' });
    expect(served.status).toBe(200);
    const closed = await Promise.all(sockets);
    // Cut at the headers timeout (2 s) plus Node's check interval, long before the test's 20 s.
    for (const socket of closed) expect(socket.closedMs).toBeLessThan(8000);
  }, 40_000);

  it('item 3: a flood of bad tokens is answered 429 after a burst and costs a bounded number of audit rows', async () => {
    const bad = `kc_${'B'.repeat(43)}`;
    const before = (
      (await request(url, '/v1/audit?limit=1000', { token: tokens['admin']! })).json as {
        entries: unknown[];
      }
    ).entries.length;
    const statuses: number[] = [];
    let audited = '';
    for (let round = 0; round < 30; round++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          request(url, '/v1/commands/list_groups', { token: bad, body: '{}' }),
        ),
      );
      statuses.push(...answers.map((a) => a.status));
      if (round === 15) {
        const good = await request(url, '/v1/commands/list_groups', { token: tokens['read']!, body: '{}' });
        expect(good.status).toBe(200);
        audited = good.headers.get('x-request-id')!;
      }
    }
    // The burst (20 a minute, one of them spent by the /readyz test) answers 401, the rest 429.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2980);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const limited = await request(url, '/v1/commands/list_groups', { token: bad, body: '{}' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Stop the service: it writes the last counts before it closes the database.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const database = await openServiceDatabase({ file: join(dir, 'service.db') });
    const rows = await database.db.selectFrom('audit_log').selectAll().execute();
    await database.close();
    const refused = rows.filter(
      (r) => r.token_id === null && r.outcome !== 'aborted' && r.outcome !== 'invalid',
    );
    expect(rows.length - before).toBeLessThanOrEqual(5);
    expect(refused.reduce((sum, r) => sum + Number(r.count), 0)).toBeGreaterThanOrEqual(3001);
    expect(rows.some((r) => r.request_id === audited && r.token_name === 'read')).toBe(true);
  }, 120_000);
});
