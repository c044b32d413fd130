import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './kconnect-process.ts';

/**
 * kconnect starts cheap (decision 0073): a call that needs neither NATS, PostgreSQL, CloudEvents, a KICS package
 * nor pretty logs loads none of their packages. Each costs start-up on every CLI call, and intake resume after a
 * crash (B7) is bounded by start-up. The process runs as a user runs it, with module hooks that record every module
 * it loads (ESM and CommonJS).
 */
const HEAVY_PACKAGES = ['@nats-io', 'pg', 'pg-copy-streams', 'cloudevents', 'node-forge', 'pino-pretty'];

const dir = mkdtempSync(join(tmpdir(), 'kconnect-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages (by name) whose files `node bin/kconnect.js …args` loaded. */
function packagesLoadedBy(args: readonly string[], name: string): Set<string> {
  const trace = join(dir, `${name}.txt`);
  const register = join(import.meta.dirname, 'module-trace/register.mjs');
  const run = spawnSync(process.execPath, ['--import', register, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KCONNECT_MODULE_TRACE: trace, KCONNECT_CONFIG: join(dir, 'none.yaml') },
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const packages = new Set<string>();
  for (const url of readFileSync(trace, 'utf8').split('\n')) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match !== null) packages.add(match[1]!);
  }
  return packages;
}

describe('kconnect start-up', () => {
  it.each([
    ['--version', ['--version']],
    ['list-hosts --help', ['list-hosts', '--help']],
  ])('%s loads no NATS, pg, CloudEvents, node-forge or pino-pretty', (name, args) => {
    const loaded = packagesLoadedBy(args, name.replace(/\W+/g, '-'));
    // The trace saw the packages a start does need, so an empty one cannot pass.
    expect(loaded).toContain('commander');
    expect(loaded).toContain('zod');
    const heavy = [...loaded].filter((pkg) =>
      HEAVY_PACKAGES.some((banned) => pkg === banned || pkg.startsWith(`${banned}/`)),
    );
    expect(heavy).toEqual([]);
  });
});
