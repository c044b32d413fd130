/**
 * `kconnect config check` with a `type: kics` connection whose address and trust come from a communication data
 * package, against the KICS emulator over HTTPS with mutual TLS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionCheck } from '../../../src/adapters/cli/config-command.ts';
import { startKicsEmulator, type RunningKicsEmulator } from '../../../src/emulator/kics/emulator.ts';
import { runCli } from './support.ts';

const PASSWORD = 'test-only-package-password';

describe('kconnect config check: a KICS connection from its package', () => {
  let kics: RunningKicsEmulator;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-check-kics-'));
    kics = await startKicsEmulator({
      port: 0,
      dataDir: join(dir, 'kics'),
      devices: 30,
      events: 50,
      connectorPassword: PASSWORD,
    });
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      `connections:\n  plant:\n    type: kics\n    package: ${kics.packageDir}\n    packagePasswordEnv: PLANT_PACKAGE_PASSWORD\n`,
    );
  });
  afterAll(async () => {
    await kics?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(password: string) {
    const run = await runCli(['config', 'check', '--format', 'json'], {
      cwd: dir,
      env: { PLANT_PACKAGE_PASSWORD: password },
    });
    return { run, report: JSON.parse(run.stdout) as { ok: boolean; connections: ConnectionCheck[] } };
  }

  it('gets a token with the package and reads the server, trusting the package’s CA', async () => {
    const { run, report } = await check(PASSWORD);
    expect(run.code).toBe(0);
    expect(report.connections).toEqual([
      expect.objectContaining({
        connection: 'plant',
        type: 'kics',
        ok: true,
        url: "(the package's metadata.json)",
        tls: "the package's CA and host name",
        server: expect.objectContaining({ product: 'KICS for Networks' }),
        error: null,
      }),
    ]);
  });

  it('names the package when its password is wrong, and shows no password', async () => {
    const { run, report } = await check('not-the-password');
    expect(run.code).not.toBe(0);
    expect(report.ok).toBe(false);
    expect(report.connections[0]?.error?.message).toMatch(/package: certificates\.pfx cannot be opened/);
    expect(run.stdout + run.stderr).not.toContain('not-the-password');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});
