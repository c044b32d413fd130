import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { runProcess, type CliRun } from './support.ts';

/**
 * The CLI as a real process (`node test/cli/entry.ts …`, stdout and stderr piped): what a playbook or a shell
 * script sees — the exit code, JSON by default on a pipe, and output that has drained before the process ends.
 */
describe('kconnect as a process', () => {
  let emu: TestEmulator;
  let dir: string;
  const runs: CliRun[] = [];
  const WRONG = 'wrong-process-password-3301';

  async function kconnect(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
    const run = await runProcess(args, { cwd: dir, env: { KCONNECT_STATE_DIR: join(dir, 'state'), ...env } });
    runs.push(run);
    return run;
  }

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 900, events: 100 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-process-'));
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('lists hosts as JSON on a pipe with a one-off connection from the environment, all of the output drained', async () => {
    const run = await kconnect(['list-hosts', '--limit', '500'], {
      KCONNECT_URL: emu.url,
      KCONNECT_USER: 'admin',
      KCONNECT_PASSWORD: TEST_PASSWORD,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Half a megabyte of JSON, far more than a pipe holds: a process that exited before stdout drained would cut it short.
    expect(run.stdout.length).toBeGreaterThan(250_000);
    const result = JSON.parse(run.stdout) as { status: string; context: unknown[] };
    expect(result.status).toBe('Successful');
    expect(result.context).toHaveLength(500);
  });

  it('reads a kconnect.yaml in the working directory; exit 3 on a refused login; config show masks', async () => {
    writeFileSync(join(dir, 'password'), `${WRONG}\n`);
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      `connections:\n  lab:\n    url: ${emu.url}\n    user: admin\n    passwordFile: password\n`,
    );
    const refused = await kconnect(['list-hosts', '--format', 'table'], {});
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('List Hosts failed. Login to');
    const fixed = await kconnect(
      ['test-connection', '--format', 'ndjson', '--password-env', 'KSC_PASSWORD'],
      {
        KSC_PASSWORD: TEST_PASSWORD,
      },
    );
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout.trim())).toMatchObject({ connected: true });
    const shown = await kconnect(['config', 'show'], { KSC_PASSWORD: TEST_PASSWORD });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`password: "*** (file ${join(dir, 'password')})"`);
  });

  it('exits 2 with the field named for a bad flag value', async () => {
    const run = await kconnect(
      ['list-hosts', '--url', 'ksc.example.com', '--user', 'u', '--password-env', 'X'],
      {},
    );
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'Failed',
      errors: [{ code: 'INVALID_INPUT', statusCode: 400, message: '--url: not a URL' }],
    });
  });

  it('never prints a password', () => {
    expect(runs).toHaveLength(5);
    for (const run of runs) {
      for (const secret of [TEST_PASSWORD, WRONG, Buffer.from(TEST_PASSWORD).toString('base64')]) {
        expect(run.stdout + run.stderr).not.toContain(secret);
      }
    }
  });
});
