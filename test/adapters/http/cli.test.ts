import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../../src/adapters/http/service.ts';
import { serveCommand, type LoadedServeContexts } from '../../../src/adapters/cli/serve-command.ts';
import { tokenCommand } from '../../../src/adapters/cli/token-command.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { request, resultOf, TestContexts } from './support.ts';

interface Run {
  stdout: string;
  stderr: string[];
  exitCode: number | undefined;
}

async function token(args: string[], configuredDatabase?: string): Promise<Run> {
  const run: Run = { stdout: '', stderr: [], exitCode: undefined };
  const command = tokenCommand({
    stdout: (text) => (run.stdout += text),
    stderr: (line) => run.stderr.push(line),
    exit: (code) => (run.exitCode = code),
    ...(configuredDatabase === undefined
      ? {}
      : { configuredDatabase: () => Promise.resolve(configuredDatabase) }),
  });
  command.exitOverride();
  for (const sub of command.commands) sub.exitOverride();
  await command.parseAsync(args, { from: 'user' });
  return run;
}

describe('kconnect token', () => {
  let dir: string;
  let database: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-token-cli-'));
    database = path.join(dir, 'service.db');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('create prints the token alone on stdout, the rest on stderr', async () => {
    const run = await token(['--database', database, 'create', '--name', 'soar', '--scope', 'read,respond']);
    expect(run.exitCode).toBeUndefined();
    expect(run.stdout).toMatch(/^kc_[A-Za-z0-9_-]{43}\n$/);
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /^created tok_\S+ "soar" with scopes read, respond: the token is shown only this once/,
      ),
    ]);
    const json = await token([
      '--database',
      database,
      'create',
      '--name',
      'auditor',
      '--scope',
      'admin',
      '--json',
    ]);
    const parsed = JSON.parse(json.stdout) as { id: string; name: string; scopes: string[]; token: string };
    expect(parsed).toMatchObject({ name: 'auditor', scopes: ['admin'] });
    expect(parsed.token).toMatch(/^kc_/);
  });

  it('list shows names, scopes and dates, never a token', async () => {
    const created = await token(['--database', database, 'create', '--name', 'listed', '--scope', 'read']);
    const run = await token(['--database', database, 'list']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+SCOPES\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(lines.some((l) => /^tok_\S+\s+soar\s+read,respond\s+\d{4}-\d\d-\d\dT\S+Z\s+-\s+-$/.test(l))).toBe(
      true,
    );
    expect(run.stdout).not.toContain(created.stdout.trim());
    expect(run.stdout).not.toContain('kc_');
    const json = JSON.parse((await token(['--database', database, 'list', '--json'])).stdout) as Array<{
      name: string;
    }>;
    expect(json.map((t) => t.name)).toEqual(expect.arrayContaining(['soar', 'auditor', 'listed']));
  });

  it('revoke by name; list --all shows it revoked', async () => {
    const run = await token(['--database', database, 'revoke', 'listed']);
    expect(run.exitCode).toBeUndefined();
    expect(run.stderr[0]).toMatch(/^revoked tok_\S+ "listed"$/);
    expect((await token(['--database', database, 'list'])).stdout).not.toContain('listed');
    const all = (await token(['--database', database, 'list', '--all'])).stdout;
    expect(all).toMatch(/listed\s+read\s+\S+\s+-\s+\d{4}-/);
  });

  it('names the field and exits with the code of the error', async () => {
    const scope = await token(['--database', database, 'create', '--name', 'x', '--scope', 'write']);
    expect(scope.stderr).toEqual([
      'error: scope: unknown scope "write" (one of read, respond, admin, ingest)',
    ]);
    expect(scope.exitCode).toBe(2);
    const duplicate = await token(['--database', database, 'create', '--name', 'soar', '--scope', 'read']);
    expect(duplicate.stderr[0]).toMatch(/^error: name: a token named "soar" exists/);
    expect(duplicate.exitCode).toBe(6);
    const missing = await token(['--database', database, 'revoke', 'nobody']);
    expect(missing.stderr).toEqual(['error: token: no live token with the id or name "nobody"']);
    expect(missing.exitCode).toBe(5);
    await expect(token(['--database', database, 'create', '--name', 'no-scope'])).rejects.toThrow(/--scope/);
  });

  it('uses the configured database when no flag names one', async () => {
    const other = path.join(dir, 'configured.db');
    await token(['create', '--name', 'from-config', '--scope', 'read'], other);
    expect((await token(['--database', other, 'list'])).stdout).toContain('from-config');
    expect((await token(['--database', database, 'list'])).stdout).not.toContain('from-config');
  });
});

describe('kconnect serve', () => {
  let emu: TestEmulator;
  let dir: string;
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 40, events: 100 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-serve-cli-'));
  });
  afterAll(async () => {
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves with the configuration’s service section, flags first, and stops gracefully on a signal', async () => {
    const database = path.join(dir, 'configured.db');
    const secret = (
      await token(['--database', database, 'create', '--name', 'soar', '--scope', 'read'])
    ).stdout.trim();
    const contexts = new TestContexts(emu);
    let closed = false;
    const loader = (): Promise<LoadedServeContexts> =>
      Promise.resolve({
        contexts: contexts.context,
        connections: ['default', 'branch'],
        defaultConnection: 'default',
        service: { database, port: 1, maxQueue: 4 },
        close: async () => {
          closed = true;
          await contexts.close();
        },
      });
    const stdout: string[] = [];
    const stderr: string[] = [];
    let stop: (() => void) | undefined;
    let running: RunningService | undefined;
    let finished: Promise<unknown> = Promise.resolve();
    const listening = new Promise<void>((resolve) => {
      const command = serveCommand(loader, {
        stdout: (line) => stdout.push(line),
        stderr: (line) => stderr.push(line),
        onStopSignal: (fn) => {
          stop = fn;
          return () => undefined;
        },
        onListening: (service) => {
          running = service;
          resolve();
        },
      });
      finished = command.parseAsync(['--port', '0', '--log-level', 'debug'], { from: 'user' });
    });
    await listening;
    expect(stdout).toEqual([
      `kconnect service listening on ${running!.url} (reference: ${running!.url}/docs)`,
    ]);
    // --port 0 won over the section's port 1; the section's database holds the token made beforehand.
    expect(running!.port).not.toBe(1);
    const answer = await request(running!.url, '/v1/commands/list_hosts', {
      token: secret,
      body: '{"limit":2}',
    });
    expect(answer.status).toBe(200);
    expect(resultOf(answer).status).toBe('Successful');
    const ready = await request(running!.url, '/readyz', { token: secret });
    expect((ready.json as { checks: Array<{ name: string }> }).checks.map((c) => c.name)).toEqual([
      'database',
      'ksc:default',
      'ksc:branch',
    ]);

    stop!();
    await finished;
    expect(closed).toBe(true);
    await expect(request(running!.url, '/healthz')).rejects.toThrow();
    const records = stderr.map((line) => JSON.parse(line) as { level: string; message: string });
    expect(records.some((r) => r.message === 'command')).toBe(true);
    expect(records.some((r) => r.level === 'debug' && r.message === 'request')).toBe(true);
    expect(records.at(-1)?.message).toBe('stopped');
    const text = stderr.join('\n') + stdout.join('\n');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(TEST_PASSWORD);
  });

  it('reports a bad setting by name, with the exit code of bad input, and releases the connections', async () => {
    const stderr: string[] = [];
    let code: number | undefined;
    let closed = false;
    const command = serveCommand(
      () =>
        Promise.resolve({
          contexts: () => {
            throw new Error('not used');
          },
          close: () => {
            closed = true;
            return Promise.resolve();
          },
        }),
      { stderr: (line) => stderr.push(line), exit: (c) => (code = c), stdout: () => undefined },
    );
    await command.parseAsync(['--database', 'mysql://kc:hunter2@db.example/kconnect', '--port', '0'], {
      from: 'user',
    });
    expect(stderr).toEqual([
      'error: database: expected a postgres:// URL or a file path, got mysql://kc:***@db.example/kconnect',
    ]);
    expect(code).toBe(2);
    expect(closed).toBe(true);
  });

  it('refuses a bad flag value naming the flag', async () => {
    const command = serveCommand(() => Promise.reject(new Error('not reached')), { stdout: () => undefined });
    command.exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(command.parseAsync(['--max-concurrent-per-server', '0'], { from: 'user' })).rejects.toThrow(
      '--max-concurrent-per-server must be an integer from 1 to',
    );
  });
});
