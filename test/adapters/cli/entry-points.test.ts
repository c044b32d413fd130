/** kconnect's own entry points as real processes: the demo (`npm start`), `--version`, the emulator. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { kconnect, kconnectRun, type Kconnect } from './kconnect-process.ts';
import { curlToken, extractCa } from './kics-curl.ts';

interface Demo extends Kconnect {
  readonly consoleUrl: string;
  readonly token: string;
  readonly serviceUrl: string;
}

/** Resolves when something accepts a TCP connection on the port, rejects when nothing listens. */
function tcpConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** `npm start` as a newcomer runs it (`node bin/kconnect.js demo`), on free ports and a data directory of its own. */
async function startDemoProcess(dataDir: string): Promise<Demo> {
  const demo = kconnect([
    'demo',
    '--port',
    '0',
    '--service-port',
    '0',
    '--data-dir',
    dataDir,
    '--hosts',
    '40',
    '--events',
    '200',
    '--kics-devices',
    '30',
    '--kics-events',
    '200',
    // The intake's files in the test's own folder, not in the checkout's .kconnect/.
    '--intake-dir',
    join(dataDir, 'intake'),
  ]);
  await demo.waitFor(/Stop with Ctrl-C\./, 60_000);
  const consoleUrl = /Web console:\s+(\S+)/.exec(demo.output())?.[1] ?? '';
  const token = /API token:\s+(kc_\S+)/.exec(demo.output())?.[1] ?? '';
  return { ...demo, consoleUrl, token, serviceUrl: new URL(consoleUrl).origin };
}

describe('npm start (kconnect demo) as a process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kconnect-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the console link, a token and the KICS package, serves them, and stops cleanly on Ctrl-C', async () => {
    const demo = await startDemoProcess(dir);
    let kicsPort: number | undefined;
    try {
      expect(demo.consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console#token=kc_[\w-]{43}$/);
      expect(demo.consoleUrl.endsWith(demo.token)).toBe(true);
      expect(demo.output()).toMatch(/KSC emulator:\s+https:\/\/127\.0\.0\.1:\d+\s+login admin \/ \S+/);

      const page = await fetch(demo.consoleUrl.replace(/#.*/, ''));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('kconnect');
      const ready = await fetch(`${demo.serviceUrl}/readyz`);
      expect(ready.status).toBe(200);
      const answer = await fetch(`${demo.serviceUrl}/v1/commands/list_hosts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${demo.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ limit: 3 }),
      });
      expect(answer.status).toBe(200);
      const result = (await answer.json()) as { status: string; keyFields: { TotalHostCount: number } };
      expect(result.status).toBe('Successful');
      expect(result.keyFields.TotalHostCount).toBeGreaterThan(0);

      // The KICS emulator beside it: its API, its package and password, and a token with them and curl.
      const kicsUrl = /KICS emulator:\s+(https:\/\/127\.0\.0\.1:(\d+))\/kics\/api\/v3\s/.exec(demo.output());
      expect(kicsUrl).not.toBeNull();
      kicsPort = Number(kicsUrl![2]);
      const pkg = /package (\S+)\s+certificates\.pfx password (\S+)/.exec(demo.output());
      expect(pkg?.[1]).toBe(join(dir, 'kics', 'connectors', 'kconnect'));
      expect(demo.output()).toMatch(/\d+ devices, \d+ events/);
      expect(demo.output()).toContain('curl -s --cert-type P12 --cert');
      const credentials = { dir: pkg![1]!, password: pkg![2]! };
      const caFile = await extractCa(credentials, dir);
      const kicsToken = await curlToken(`${kicsUrl![1]}/kics/api/auth/v3/token`, credentials, caFile);
      expect(kicsToken.status, kicsToken.body).toBe(200);
      expect(JSON.parse(kicsToken.body)).toMatchObject({ token_type: 'bearer' });

      // The intake runs in the background: the files it prints grow, KSC's in ECS, KICS' in OCSF.
      const intakeFiles = [...demo.output().matchAll(/^ {2}(ksc|kics)-events: (\S+)$/gm)].map((m) => m[2]!);
      expect(intakeFiles).toEqual([
        join(dir, 'intake', 'ksc-events.ndjson'),
        join(dir, 'intake', 'kics-events.ndjson'),
      ]);
      const lineCount = (file: string) =>
        existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
      await expect
        .poll(() => intakeFiles.every((file) => lineCount(file) > 0), { timeout: 30_000 })
        .toBe(true);
      const kicsLines = lineCount(intakeFiles[1]!);
      // One new OT event a second in the demo: the KICS file gains lines while it runs.
      await expect.poll(() => lineCount(intakeFiles[1]!), { timeout: 30_000 }).toBeGreaterThan(kicsLines);
      const firstKsc = JSON.parse(readFileSync(intakeFiles[0]!, 'utf8').split('\n')[0]!) as Record<
        string,
        unknown
      >;
      expect(firstKsc).toHaveProperty('event');
      const firstKics = JSON.parse(readFileSync(intakeFiles[1]!, 'utf8').split('\n')[0]!) as Record<
        string,
        unknown
      >;
      expect(firstKics).toHaveProperty('class_uid');

      // The newcomer's CLI path: the commands the demo prints, run as printed, with the configuration it wrote.
      const printed = [...demo.output().matchAll(/^ {2}npx kconnect (.+)$/gm)].map((m) => m[1]!.split(' '));
      expect(printed.map((args) => args[0])).toEqual(['list-hosts', 'kics-list-devices', 'resolve-asset']);
      const config = readFileSync(join(dir, 'kconnect.yaml'), 'utf8');
      // Secrets by file only: neither password is in the configuration.
      expect(config).not.toContain(pkg![2]!);
      expect(config).toContain('passwordFile:');
      const [hosts, devices, resolved] = await Promise.all(
        printed.map((args) => kconnectRun([...args, '--format', 'json'])),
      );
      expect(hosts!.code, hosts!.output).toBe(0);
      expect(devices!.code, devices!.output).toBe(0);
      const unauthorized = JSON.parse(devices!.stdout) as { context: { status: string }[] };
      expect(unauthorized.context.length).toBeGreaterThan(0);
      expect(unauthorized.context.every((d) => d.status === 'Unauthorized')).toBe(true);
      expect(resolved!.code, resolved!.output).toBe(0);
      expect(JSON.parse(resolved!.stdout)).toMatchObject({ keyFields: { Resolution: 'matched' } });
    } finally {
      demo.child.kill('SIGINT');
    }
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('stopped.');
    await expect(fetch(`${demo.serviceUrl}/healthz`)).rejects.toThrow();
    // Ctrl-C stopped the KICS emulator too.
    await expect(tcpConnect(Number(kicsPort))).rejects.toThrow();
  }, 90_000);

  it('starts again on the same data directory with a new token and revokes the old one', async () => {
    const first = await startDemoProcess(dir);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    const second = await startDemoProcess(dir);
    try {
      expect(second.token).not.toBe(first.token);
      const call = (token: string) =>
        fetch(`${second.serviceUrl}/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await call(second.token)).status).toBe(200);
      expect((await call(first.token)).status).toBe(401);
    } finally {
      second.child.kill('SIGINT');
    }
    expect(await second.exited).toBe(0);
  }, 90_000);
});

describe('kconnect demo on a port in use', () => {
  it('says which option chooses another port, and leaves nothing running', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'kconnect-demo-busy-'));
    try {
      const demo = kconnect([
        'demo',
        '--port',
        '0',
        '--service-port',
        String(port),
        '--data-dir',
        dataDir,
        '--hosts',
        '10',
      ]);
      expect(await demo.exited).not.toBe(0);
      expect(demo.output()).toContain(`port ${port} is in use`);
      expect(demo.output()).toContain('--service-port');
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('kconnect --version', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'),
    ) as {
      version: string;
    };
    const run = kconnect(['--version']);
    expect(await run.exited).toBe(0);
    expect(run.stdout().trim()).toBe(version);
  });
});

describe('kconnect emulator ksc as a process', () => {
  it('listens, answers a KSC login, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kconnect-emulator-'));
    const password = 'emulator-process-password-5150';
    const emulator = kconnect(
      ['emulator', 'ksc', '--http', '--port', '0', '--data-dir', dataDir, '--hosts', '10', '--events', '10'],
      { ...process.env, KCONNECT_EMULATOR_PASSWORD: password },
    );
    try {
      const url = (await emulator.waitFor(/listening on (\S+)/, 30_000))[1]!;
      const login = await fetch(`${url}/api/v1.0/login`, {
        method: 'POST',
        headers: {
          Authorization: `KSCBasic user="${Buffer.from('admin').toString('base64')}", pass="${Buffer.from(password).toString('base64')}", internal="1"`,
          'Content-Type': 'application/json',
        },
      });
      expect(login.status).toBe(200);
      expect(emulator.output()).not.toContain(password);
    } finally {
      emulator.child.kill('SIGTERM');
    }
    expect(await emulator.exited).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});
