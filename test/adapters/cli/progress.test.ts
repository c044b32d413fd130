import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressLine } from '../../../src/adapters/cli/progress.ts';
import type { CommandResult } from '../../../src/commands/core/types.ts';
import { parseWireJson } from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { runCli } from './support.ts';

/** Back to the start of the line, and erase it. */
const CLEAR_LINE = '\r\x1b[K';

/** A terminal stream that keeps what is written, and a clock the test moves. */
function terminal(): { line: ProgressLine; written: string[]; advance(ms: number): void } {
  const written: string[] = [];
  let time = 1_000_000;
  const line = new ProgressLine(
    { write: (text: string) => written.push(text), isTTY: true },
    'List Hosts',
    () => time,
    undefined,
  );
  return { line, written, advance: (ms) => void (time += ms) };
}

describe('ProgressLine: the reading bar', () => {
  it('draws a bar with counts, at most every 100 ms, always the last one, and clears it', () => {
    const { line, written, advance } = terminal();
    advance(300);
    line.update({ phase: 'reading', label: 'hosts', done: 7000, total: 10_000 });
    expect(written).toEqual([`${CLEAR_LINE}List Hosts: reading ██████████████░░░░░░ 7,000/10,000 hosts`]);
    advance(50);
    line.update({ phase: 'reading', label: 'hosts', done: 8000, total: 10_000 });
    expect(written).toHaveLength(1);
    advance(60);
    line.update({ phase: 'reading', label: 'hosts', done: 9000, total: 10_000 });
    expect(written.at(-1)).toBe(`${CLEAR_LINE}List Hosts: reading ██████████████████░░ 9,000/10,000 hosts`);
    line.update({ phase: 'reading', label: 'hosts', done: 10_000, total: 10_000 });
    expect(written.at(-1)).toBe(`${CLEAR_LINE}List Hosts: reading ████████████████████ 10,000/10,000 hosts`);
    expect(written).toHaveLength(3);
    line.clear();
    expect(written.at(-1)).toBe(CLEAR_LINE);
    line.clear();
    expect(written).toHaveLength(4);
  });

  it('counts without a bar when KSC gave no total', () => {
    const { line, written, advance } = terminal();
    advance(1000);
    line.update({ phase: 'reading', label: 'records', done: 7000 });
    expect(written).toEqual([`${CLEAR_LINE}List Hosts: reading 7,000 records`]);
  });

  it('draws nothing for a read done in one page or within 250 ms, nor for waiting updates', () => {
    const { line, written, advance } = terminal();
    line.update({ phase: 'reading', label: 'hosts', done: 1000, total: 3000 });
    advance(300);
    line.update({ phase: 'reading', label: 'hosts', done: 40, total: 40 });
    line.update({ phase: 'waiting', label: 'task', done: 5000, total: 60_000, looks: 2 });
    expect(written).toEqual([]);
    line.clear();
    expect(written).toEqual([]);
  });
});

describe('kconnect list-hosts progress (in-process, against a large emulator world)', () => {
  let emu: TestEmulator;
  let dir: string;
  let flags: string[];
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 4000, events: 50 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-cli-progress-'));
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${TEST_PASSWORD}\n`, { mode: 0o600 });
    flags = ['--url', emu.url, '--user', 'admin', '--password-file', passwordFile];
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const listHosts = (): string[] => [
    'list-hosts',
    '--limit',
    '5000',
    '--fields',
    'KLHST_WKS_HOSTNAME',
    ...flags,
  ];

  it('draws the bar on a terminal’s stderr and clears it before the result', async () => {
    let time = 0;
    const run = await runCli(listHosts(), {
      cwd: dir,
      env: { KCONNECT_STATE_DIR: join(dir, 'state') },
      stderrTTY: true,
      // Every look at the clock is 300 ms later: a slow read, drawn page by page.
      now: () => (time += 300),
    });
    expect(run.code).toBe(0);
    const total = emu.ksc.world.hostsOf(0).length;
    expect(total).toBeGreaterThan(2000);
    const result = parseWireJson(run.stdout) as unknown as CommandResult;
    expect((result.keyFields['HostIDs'] as string[]).length).toBe(total);
    const count = (n: number) => n.toLocaleString('en-US');
    expect(run.stderr.startsWith(`${CLEAR_LINE}List Hosts: reading `)).toBe(true);
    expect(run.stderr).toContain(` 1,000/${count(total)} hosts`);
    expect(run.stderr).toContain(`${'█'.repeat(20)} ${count(total)}/${count(total)} hosts`);
    expect(run.stderr.endsWith(CLEAR_LINE)).toBe(true);
    expect(run.stderr).not.toContain('\n');
  });

  it('writes nothing to stderr when it is not a terminal', async () => {
    let time = 0;
    const run = await runCli(listHosts(), {
      cwd: dir,
      env: { KCONNECT_STATE_DIR: join(dir, 'state') },
      stdoutTTY: true,
      now: () => (time += 300),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Successful');
  });
});
