/**
 * The hardening as a user gets it: `kconnect emulator ksc` as a process, with `--max-body-bytes`, and its clock
 * kept across a restart of the process on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../../bin/kconnect.js');
const PASSWORD = 'emulator-process-password-2424';
const TOKEN = 'emulator-process-control-token-2424';

interface EmulatorProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<number | null>;
}

async function startEmulator(dataDir: string, extra: readonly string[] = []): Promise<EmulatorProcess> {
  const args = [
    'emulator',
    'ksc',
    '--http',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--hosts',
    '10',
    '--events',
    '10',
  ];
  const child = spawn(process.execPath, [BIN, ...args, '--control-token', TOKEN, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KCONNECT_EMULATOR_PASSWORD: PASSWORD },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /listening on (\S+)/.exec(output);
    if (match !== null) {
      return {
        child,
        url: match[1]!,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kconnect emulator ksc did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const control = (url: string, method: 'GET' | 'POST', route: string, body?: unknown) =>
  fetch(new URL(route, url), {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('kconnect emulator ksc, hardened, as a process', () => {
  it('refuses bodies over --max-body-bytes and keeps its clock across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kconnect-emuhard-'));
    dirs.push(dataDir);
    const first = await startEmulator(dataDir, ['--max-body-bytes', '4096']);
    let advancedTo: number;
    try {
      const tooLarge = await fetch(new URL('/api/v1.0/HostGroup.GroupIdGroups', first.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ s: 'x'.repeat(5000) }),
      });
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.text()).toContain('the limit is 4096 bytes');
      const refused = await control(first.url, 'POST', '/__emulator/clock/advance', { seconds: 1e13 });
      expect(refused.status).toBe(400);
      const advanced = await control(first.url, 'POST', '/__emulator/clock/advance', {
        seconds: 90 * 86_400,
      });
      expect(advanced.status).toBe(200);
      advancedTo = Date.parse(((await advanced.json()) as { now: string }).now);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await startEmulator(dataDir);
    try {
      const state = await control(second.url, 'GET', '/__emulator/state');
      const now = Date.parse(((await state.json()) as { now: string }).now);
      expect(Math.abs(now - advancedTo)).toBeLessThan(120_000);
      // Without the flag the default limit applies: a body of 5,000 bytes is an ordinary one.
      const ordinary = await fetch(new URL('/api/v1.0/HostGroup.GroupIdGroups', second.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ s: 'x'.repeat(5000) }),
      });
      expect(ordinary.status).toBe(403);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 90_000);
});
