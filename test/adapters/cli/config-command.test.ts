import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionCheck } from '../../../src/adapters/cli/config-command.ts';
import { spkiPin } from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { runCli, type CliRun } from './support.ts';

describe('kconnect config check over HTTPS', () => {
  let emu: TestEmulator;
  let dir: string;
  const runs: CliRun[] = [];

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { http: false, hosts: 20, events: 20 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-check-'));
    writeFileSync(join(dir, 'klserver.cer'), emu.ksc.certificatePem!);
    writeFileSync(join(dir, 'password'), TEST_PASSWORD);
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function check(args: readonly string[]) {
    const run = await runCli(['config', 'check', '--format', 'json', ...args], { cwd: dir });
    runs.push(run);
    return { run, report: JSON.parse(run.stdout) as { ok: boolean; connections: ConnectionCheck[] } };
  }
  it('reports the login, the server, how TLS is checked and the certificate with its pin', async () => {
    const { run, report } = await check([
      '--url',
      emu.url,
      '--user',
      'admin',
      '--password-file',
      'password',
      '--ca',
      'klserver.cer',
    ]);
    expect(run.code).toBe(0);
    const [only] = report.connections;
    expect(only).toMatchObject({
      connection: 'default',
      ok: true,
      tls: `CA ${join(dir, 'klserver.cer')}`,
      error: null,
    });
    expect(only?.server?.version).toMatch(/^\d+\.\d+/);
    // Asked through the connection's client and type, not KSC calls of its own.
    expect(only).toMatchObject({ type: 'ksc', server: { product: 'KSC' } });
    expect(only?.certificate?.pin).toBe(spkiPin(emu.ksc.certificatePem!));
    expect(only?.certificate?.validTo).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('shows the certificate’s pin even when a wrong pin makes the check fail (exit 8)', async () => {
    const wrong = `sha256/${randomBytes(32).toString('base64')}`;
    const { run, report } = await check([
      '--url',
      emu.url,
      '--user',
      'admin',
      '--password-file',
      'password',
      '--pin',
      wrong,
    ]);
    expect(run.code).toBe(8);
    expect(report.ok).toBe(false);
    const [only] = report.connections;
    expect(only).toMatchObject({ ok: false, tls: '1 pin', error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(only?.certificate?.pin).toBe(spkiPin(emu.ksc.certificatePem!));
  });

  it('fails on the system CAs alone, which do not know a self-signed certificate', async () => {
    const { run, report } = await check(['--url', emu.url, '--user', 'admin', '--password-file', 'password']);
    expect(run.code).toBe(8);
    expect(report.connections[0]?.tls).toBe('system CAs and host name');
    expect(run.stdout + run.stderr).not.toContain(TEST_PASSWORD);
  });

  it('warns on stderr in insecure mode, and works', async () => {
    const { run } = await check([
      '--url',
      emu.url,
      '--user',
      'admin',
      '--password-file',
      'password',
      '--insecure',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`warning: TLS certificate verification is off for ${emu.url}\n`);
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain(TEST_PASSWORD);
  });
});
