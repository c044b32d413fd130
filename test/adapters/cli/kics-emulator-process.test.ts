/**
 * `kconnect emulator kics` as a person runs it: the lines it prints, the acceptance check (a plain curl
 * with the package gets a token and pages through devices and events), Ctrl-C, a restart, and
 * `kconnect emulator kics connector …` against the running emulator.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { curlApi, curlToken, extractCa, type PackageCredentials } from './kics-curl.ts';
import { kconnect, kconnectRun, type Kconnect } from './kconnect-process.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kconnect-kics-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Small world: the test is about the process, not the world's size. */
const WORLD = ['--devices', '60', '--events', '400'];

interface KicsProcess extends Kconnect {
  readonly url: string;
  readonly apiUrl: string;
  readonly packageDir: string;
}

async function startKics(dataDir: string, env: NodeJS.ProcessEnv = withoutPassword()): Promise<KicsProcess> {
  const kics = kconnect(['emulator', 'kics', '--port', '0', '--data-dir', dataDir, ...WORLD], env);
  // The listening line comes first; the package line is the last one printed in every case.
  await kics.waitFor(/package:\s+\S+/, 60_000);
  const out = kics.stdout();
  return {
    ...kics,
    url: /^KICS for Networks emulator listening on (\S+)$/m.exec(out)?.[1] ?? '',
    apiUrl: /^\s+API:\s+(\S+)$/m.exec(out)?.[1] ?? '',
    packageDir: /^\s+package:\s+(\S+)/m.exec(out)?.[1] ?? '',
  };
}

function withoutPassword(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['KCONNECT_KICS_CONNECTOR_PASSWORD'];
  return env;
}

async function stop(kics: Kconnect): Promise<number | null> {
  kics.child.kill('SIGINT');
  return kics.exited;
}

interface Tokens {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_token: string;
}

async function token(authUrl: string, pkg: PackageCredentials, caFile: string): Promise<Tokens> {
  const answer = await curlToken(authUrl, pkg, caFile);
  expect(answer.status, answer.body).toBe(200);
  return JSON.parse(answer.body) as Tokens;
}

interface Page {
  readonly offset: number | null;
  readonly limit: number | null;
  readonly values: ReadonlyArray<{ readonly id: number }>;
}

async function page(url: string, accessToken: string, caFile: string, body: unknown): Promise<Page> {
  const answer = await curlApi(url, accessToken, caFile, body);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json as Page;
}

function ids(p: Page): number[] {
  return p.values.map((value) => value.id);
}

const ascending = (values: readonly number[]): boolean =>
  values.every((v, i) => i === 0 || values[i - 1]! < v);

describe('kconnect emulator kics as a process', () => {
  const dataDir = tempDir();
  const workDir = tempDir();
  let first: PackageCredentials;
  let caFile: string;

  it('prints its address, API, package and generated password; curl with the package gets a token and pages through devices and events; Ctrl-C stops it', async () => {
    const kics = await startKics(dataDir);
    try {
      expect(kics.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(kics.apiUrl).toBe(`${kics.url}/kics/api/v3`);
      expect(kics.packageDir).toBe(join(dataDir, 'connectors', 'kconnect'));
      const password = /certificates\.pfx password:\s+(\S+)/.exec(kics.stdout())?.[1];
      expect(password).toMatch(/^[\w-]{24}$/);
      first = { dir: kics.packageDir, password: password! };

      const metadata = JSON.parse(readFileSync(join(kics.packageDir, 'metadata.json'), 'utf8')) as {
        apiBaseUrl: string;
        authUrl: string;
      };
      expect(metadata.apiBaseUrl).toBe(kics.apiUrl);
      caFile = await extractCa(first, workDir);
      const tokens = await token(metadata.authUrl, first, caFile);
      expect(tokens.token_type).toBe('bearer');

      // Devices by keyset: id greater than the last one seen.
      const sort = [{ column: 'id', order: 'asc' }];
      const devices1 = await page(`${kics.apiUrl}/devices/query`, tokens.access_token, caFile, {
        sort,
        limit: 20,
      });
      expect(devices1.values).toHaveLength(20);
      const devices2 = await page(`${kics.apiUrl}/devices/query`, tokens.access_token, caFile, {
        filter: [{ field: 'id', condition: '>', value: ids(devices1).at(-1) }],
        sort,
        limit: 20,
      });
      expect(devices2.values).toHaveLength(20);
      expect(ascending([...ids(devices1), ...ids(devices2)])).toBe(true);

      // Events by offset.
      const events1 = await page(`${kics.apiUrl}/events/query`, tokens.access_token, caFile, {
        sort,
        offset: 0,
        limit: 50,
      });
      const events2 = await page(`${kics.apiUrl}/events/query`, tokens.access_token, caFile, {
        sort,
        offset: 50,
        limit: 50,
      });
      expect(events1.values).toHaveLength(50);
      expect(events2).toMatchObject({ offset: 50, limit: 50 });
      expect(events2.values).toHaveLength(50);
      expect(ascending([...ids(events1), ...ids(events2)])).toBe(true);
    } finally {
      expect(await stop(kics)).toBe(0);
    }
  }, 120_000);

  it('keeps the package working after a restart on the same data directory, and prints no new password', async () => {
    const kics = await startKics(dataDir);
    try {
      expect(kics.stdout()).not.toContain('password');
      const metadata = JSON.parse(readFileSync(join(kics.packageDir, 'metadata.json'), 'utf8')) as {
        authUrl: string;
      };
      // Another free port this time: metadata.json says where the emulator listens now.
      expect(metadata.authUrl).toBe(`${kics.url}/kics/api/auth/v3/token`);
      const tokens = await token(metadata.authUrl, first, caFile);
      const about = await curlApi(`${kics.apiUrl}/about`, tokens.access_token, caFile);
      expect(about.status).toBe(200);
    } finally {
      expect(await stop(kics)).toBe(0);
    }
  }, 120_000);

  it('manages connectors while it runs: add, list, block, unblock, remove', async () => {
    const kics = await startKics(dataDir);
    const admin = (...args: string[]) =>
      kconnectRun(['emulator', 'kics', 'connector', ...args, '--data-dir', dataDir], withoutPassword());
    try {
      const authUrl = `${kics.url}/kics/api/auth/v3/token`;
      const added = await admin('add', 'siem');
      expect(added.code, added.output).toBe(0);
      const secondDir = /package in (\S+)/.exec(added.stdout)?.[1] ?? '';
      expect(secondDir).toBe(join(dataDir, 'connectors', 'siem'));
      const password = /certificates\.pfx password:\s+(\S+)/.exec(added.stdout)?.[1] ?? '';
      const second: PackageCredentials = { dir: secondDir, password };
      const metadata = JSON.parse(readFileSync(join(secondDir, 'metadata.json'), 'utf8')) as {
        authUrl: string;
      };
      // Written while the emulator runs: the running emulator's address.
      expect(metadata.authUrl).toBe(authUrl);
      expect((await curlToken(authUrl, second, caFile)).status).toBe(200);

      const listed = await admin('list');
      expect(listed.code, listed.output).toBe(0);
      expect(listed.stdout).toMatch(/^kconnect\s+active\s+/m);
      expect(listed.stdout).toMatch(/^siem\s+active\s+/m);

      // Both connectors act as the same user (the default one): blocking it blocks both.
      expect((await admin('block', 'siem')).code).toBe(0);
      expect((await curlToken(authUrl, second, caFile)).status).toBe(403);
      expect((await admin('list')).stdout).toMatch(/^siem\s.*blocked/m);
      expect((await admin('unblock', 'siem')).code).toBe(0);
      expect((await curlToken(authUrl, second, caFile)).status).toBe(200);

      expect((await admin('remove', 'siem')).code).toBe(0);
      expect((await curlToken(authUrl, second, caFile)).status).toBe(401);
      // The first connector is untouched.
      expect((await curlToken(authUrl, first, caFile)).status).toBe(200);
      const unknown = await admin('remove', 'no-such-connector');
      expect(unknown.code).not.toBe(0);
      expect(unknown.output).toContain('no-such-connector');
    } finally {
      expect(await stop(kics)).toBe(0);
    }
  }, 180_000);

  it('prints no password when KCONNECT_KICS_CONNECTOR_PASSWORD gives it, and the package opens with it', async () => {
    const password = 'kics-process-test-password-7331';
    const dir = tempDir();
    const kics = await startKics(dir, { ...withoutPassword(), KCONNECT_KICS_CONNECTOR_PASSWORD: password });
    try {
      expect(kics.output()).not.toContain(password);
      expect(kics.stdout()).not.toContain('password');
      const pkg = { dir: kics.packageDir, password };
      const ca = await extractCa(pkg, dir);
      expect((await curlToken(`${kics.url}/kics/api/auth/v3/token`, pkg, ca)).status).toBe(200);
    } finally {
      expect(await stop(kics)).toBe(0);
    }
  }, 120_000);
});
