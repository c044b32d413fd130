import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_EXIT_CODE, PARTIAL_SUCCESS_EXIT_CODE } from '../../../src/adapters/cli/format.ts';
import type { CommandResult } from '../../../src/commands/core/types.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { parseWireJson } from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { runCli, type CliRun, type CliSetup } from './support.ts';

/** A wrong password: obviously not a real one. It must not appear anywhere either. */
const WRONG_PASSWORD = 'wrong-test-password-5512';
/** Back to the start of the line, and erase it. */
const CLEAR_LINE = '\r\x1b[K';

describe('kconnect <command> (in-process, against the emulator)', () => {
  let emu: TestEmulator;
  let dir: string;
  let passwordFile: string;
  let hosts: readonly HostRecord[];
  let agents: readonly HostRecord[];
  /** Every run's output, searched for secrets at the end. */
  const transcript: CliRun[] = [];

  /** The connection of the user, given entirely by flags. */
  const flags = (user = 'admin'): string[] => [
    '--url',
    emu.url,
    '--user',
    user,
    '--password-file',
    passwordFile,
  ];
  const base = (): CliSetup => ({ cwd: dir, env: { KCONNECT_STATE_DIR: join(dir, 'state') } });
  async function kconnect(args: readonly string[], setup: Partial<CliSetup> = {}): Promise<CliRun> {
    const run = await runCli(args, { ...base(), ...setup });
    transcript.push(run);
    return run;
  }
  const json = (run: CliRun): CommandResult => parseWireJson(run.stdout) as unknown as CommandResult;
  const dn = (host: HostRecord) => host.attributes['KLHST_WKS_DN'] as string;

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 60, events: 400, lockoutAttempts: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-cli-'));
    passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${TEST_PASSWORD}\n`, { mode: 0o600 });
    hosts = emu.ksc.world.hostsOf(0);
    agents = hosts.filter((x) => x.products.some((p) => p.name === 'EDRAgent'));
    expect(agents.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  describe('output formats', () => {
    const listHosts = ['list-hosts', '--limit', '3', '--fields', 'KLHST_WKS_DN,KLHST_WKS_HOSTNAME'];

    it('json: the whole result, lossless, and the default when stdout is not a terminal', async () => {
      const run = await kconnect([...listHosts, ...flags()]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      const result = json(run);
      expect(result.status).toBe('Successful');
      expect(Object.keys(result)).toEqual(['status', 'raw', 'context', 'keyFields', 'result', 'errors']);
      const context = result.context as { KLHST_WKS_DN: string }[];
      expect(context).toHaveLength(3);
      expect(hosts.map(dn)).toContain(context[0]!.KLHST_WKS_DN);
      expect(result.keyFields['HostNames']).toEqual(context.map((c) => c.KLHST_WKS_DN));
    });

    it('table: the result table and the status, and the default on a terminal', async () => {
      const run = await kconnect([...listHosts, ...flags()], { stdoutTTY: true });
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('List Hosts');
      expect(lines[1]).toBe('Hosts Count');
      expect(lines.at(-2)).toBe('3');
      expect(lines.at(-1)).toBe('Successful');
      const piped = await kconnect([...listHosts, ...flags(), '--format', 'table']);
      expect(piped.stdout).toBe(run.stdout);
    });

    it('ndjson: one context record per line', async () => {
      const run = await kconnect([...listHosts, ...flags(), '--format', 'ndjson']);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      for (const line of lines)
        expect(Object.keys(JSON.parse(line) as object)).toContain('KLHST_WKS_HOSTNAME');
    });

    it('html and markdown: the rendered result table', async () => {
      const html = await kconnect([...listHosts, ...flags(), '--format', 'html']);
      expect(html.stdout).toBe(
        '<table><caption>List Hosts</caption><thead><tr><th>Hosts Count</th></tr></thead><tbody><tr><td>3</td></tr></tbody></table>\n',
      );
      const markdown = await kconnect([...listHosts, ...flags(), '--format', 'markdown']);
      expect(markdown.stdout).toBe('**List Hosts**\n\n| Hosts Count |\n|---|\n| 3 |\n');
    });

    it('refuses an unknown format as a usage error (exit 2)', async () => {
      const run = await kconnect([...listHosts, ...flags(), '--format', 'xml']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("argument 'xml' is invalid");
    });
  });

  describe('options from the input schema', () => {
    it('takes an array as a repeated option, a comma list or both, and an alias adds to it', async () => {
      const [a, b, c] = [hosts[0]!, hosts[1]!, hosts[2]!];
      const run = await kconnect([
        'get-host-status',
        '--host-names',
        `${dn(a)},${dn(b)}`,
        '--host',
        dn(c),
        ...flags(),
      ]);
      expect(run.code).toBe(0);
      expect(json(run).keyFields['HostNames']).toEqual([dn(a), dn(b), dn(c)]);
    });

    it('takes a JSON object option', async () => {
      const run = await kconnect([
        'fetch-event',
        '--start-time',
        '2000-01-01T00:00:00Z',
        '--search-condition',
        '{"GNRL_EA_SEVERITY":4}',
        '--limit',
        '20',
        ...flags(),
      ]);
      expect(run.code).toBe(0);
      const events = json(run).context as { GNRL_EA_SEVERITY: number }[];
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.GNRL_EA_SEVERITY === 4)).toBe(true);
      const other = await kconnect([
        'fetch-event',
        '--start-time',
        '2000-01-01T00:00:00Z',
        '--search-condition',
        '{"GNRL_EA_SEVERITY":1}',
        ...flags(),
      ]);
      expect(
        (json(other).context as { GNRL_EA_SEVERITY: number }[]).every((e) => e.GNRL_EA_SEVERITY === 1),
      ).toBe(true);
    });

    it('takes the whole input as JSON with --input, options beside it winning', async () => {
      const run = await kconnect([
        'list-hosts',
        '--input',
        '{"limit": 5, "fields": ["KLHST_WKS_DN"]}',
        '--limit',
        '2',
        ...flags(),
      ]);
      expect(run.code).toBe(0);
      expect(json(run).context).toHaveLength(2);
    });
  });

  describe('destructive commands', () => {
    it('acts once per idempotency key: a repeat gets the first result, across runs', async () => {
      const added = await kconnect(['add-group', '--name', 'cli-idempotency', ...flags()]);
      expect(added.code).toBe(0);
      const args = [
        'delete-group',
        '--group',
        'cli-idempotency',
        '--wait',
        '--idempotency-key',
        'incident-1',
        ...flags(),
      ];
      const first = await kconnect(args);
      expect(first.code).toBe(0);
      expect(json(first).keyFields['State']).toBe('succeeded');
      // The group is gone: deleting it again for real fails.
      const again = await kconnect(['delete-group', '--group', 'cli-idempotency', ...flags()]);
      expect(again.code).toBe(5);
      // With the key, the second run does not act; it returns the first result.
      const repeat = await kconnect(args);
      expect(repeat.code).toBe(0);
      expect(repeat.stdout).toBe(first.stdout);
      // Another key is another action.
      const otherKey = await kconnect([
        'delete-group',
        '--group',
        'cli-idempotency',
        '--idempotency-key',
        'incident-2',
        ...flags(),
      ]);
      expect(otherKey.code).toBe(5);
    });

    it('takes the issue’s short options and exits 10 on partial success', async () => {
      const run = await kconnect([
        'isolate-hosts',
        '--host',
        dn(agents[0]!),
        '--host',
        'NO-SUCH-HOST',
        '--timeout',
        '60',
        ...flags(),
      ]);
      expect(run.code).toBe(PARTIAL_SUCCESS_EXIT_CODE);
      const result = json(run);
      expect(result.status).toBe('Partially Successful');
      expect(result.keyFields['HostNames']).toEqual([dn(agents[0]!)]);
      expect(result.errors.map((e) => [e.item, e.code])).toEqual([['NO-SUCH-HOST', 'NOT_FOUND']]);
    });

    it('shows a progress line on a terminal while it waits, and clears it', async () => {
      // The agents act only when the test moves the clock: frozen, and every sync already due done first, so the
      // first look always finds the isolation pending (real time passing cannot bring the agent's sync forward).
      await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
      await emu.control('POST', '/__emulator/clock/advance', { ms: 1000 });
      const run = await kconnect(
        [
          'isolate-hosts',
          '--host',
          dn(agents[1]!),
          '--timeout',
          '60',
          '--wait',
          '--format',
          'json',
          ...flags(),
        ],
        {
          stderrTTY: true,
          // Agents act when the emulator's clock moves: waiting is moving it.
          sleep: async (ms) => {
            await emu.control('POST', '/__emulator/clock/advance', { ms });
          },
        },
      );
      expect(run.code).toBe(0);
      expect(json(run).keyFields['IsolationStates']).toEqual(['isolated']);
      expect(run.stderr.startsWith(`${CLEAR_LINE}Isolate Hosts: waiting 0:0`)).toBe(true);
      expect(run.stderr).toContain('(look 1, up to 5:00)');
      expect(run.stderr.endsWith(CLEAR_LINE)).toBe(true);
      // Not on a terminal: no progress at all.
      const quiet = await kconnect(['unisolate-hosts', '--host', dn(agents[1]!), '--wait', ...flags()], {
        sleep: async (ms) => void (await emu.control('POST', '/__emulator/clock/advance', { ms })),
      });
      expect(quiet.code).toBe(0);
      expect(quiet.stderr).toBe('');
      await emu.control('POST', '/__emulator/clock/freeze', { frozen: false });
    });
  });

  it('stops waiting at Ctrl-C and exits 130', async () => {
    // No agent syncs: the emulator's clock is frozen (real time passing on a loaded machine once let the agent's
    // sync fall due and the isolation finish before the interrupt), so only the interrupt ends the poll pauses.
    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    try {
      const started = Date.now();
      const run = await kconnect(['isolate-hosts', '--host', dn(agents[2]!), '--wait', ...flags()], {
        onInterrupt: (listener) => {
          const timer = setTimeout(listener, 200);
          return () => clearTimeout(timer);
        },
      });
      expect(run.code).toBe(INTERRUPTED_EXIT_CODE);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(json(run).status).toBe('Failed');
    } finally {
      await emu.control('POST', '/__emulator/clock/freeze', { frozen: false });
    }
  });

  describe('exit codes', () => {
    it('2 for bad input: a value that is not a number, one the schema refuses, a missing field, an unknown option', async () => {
      const notNumber = await kconnect(['list-hosts', '--limit', 'many', ...flags()]);
      expect(notNumber.code).toBe(2);
      expect(json(notNumber).errors[0]?.message).toBe('--limit: expected an integer, got "many"');
      const tooBig = await kconnect(['list-hosts', '--limit', '0', ...flags()]);
      expect(tooBig.code).toBe(2);
      expect(json(tooBig).errors[0]?.message).toMatch(/^The value for parameter \(limit\) is invalid/);
      const missing = await kconnect(['get-task-history', ...flags()]);
      expect(missing.code).toBe(2);
      expect(json(missing).errors[0]?.message).toMatch(/parameter \(taskId\)/);
      const unknown = await kconnect(['list-hosts', '--nope', ...flags()]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown option '--nope'");
    });

    it('3 for a wrong password, 4 for access denied, 5 for not found, 8 for an unreachable server', async () => {
      const wrongFile = join(dir, 'wrong');
      writeFileSync(wrongFile, WRONG_PASSWORD);
      const wrong = await kconnect([
        'list-hosts',
        '--url',
        emu.url,
        '--user',
        'admin',
        '--password-file',
        wrongFile,
      ]);
      expect(wrong.code).toBe(3);
      expect(json(wrong).errors[0]?.code).toBe('UNAUTHENTICATED');
      const denied = await kconnect(['list-hosts', ...flags('no-rights')]);
      expect(denied.code).toBe(4);
      const notFound = await kconnect(['get-task-history', '--task-id', '999999', ...flags()]);
      expect(notFound.code).toBe(5);
      expect(json(notFound).errors[0]?.message).toBe('Task #999999 was not found');
      const down = await kconnect([
        'list-hosts',
        '--url',
        'http://127.0.0.1:9',
        '--user',
        'admin',
        '--password-file',
        passwordFile,
        '--format',
        'table',
      ]);
      expect(down.code).toBe(8);
      expect(down.stderr).toMatch(/error: List Hosts failed\. Connection to http:\/\/127\.0\.0\.1:9 failed/);
    });
  });

  describe('connections', () => {
    it('one-off by environment: KCONNECT_URL, KCONNECT_USER, KCONNECT_PASSWORD', async () => {
      const env = {
        KCONNECT_STATE_DIR: join(dir, 'state'),
        KCONNECT_URL: emu.url,
        KCONNECT_USER: 'reader',
        KCONNECT_PASSWORD: TEST_PASSWORD,
      };
      const run = await kconnect(['list-hosts', '--limit', '1'], { env });
      expect(run.code).toBe(0);
      expect(json(run).context).toHaveLength(1);
      // Without the password nothing works, and the error says what to give.
      const none = await kconnect(['list-hosts'], {
        env: { KCONNECT_URL: emu.url, KCONNECT_USER: 'reader' },
      });
      expect(none.code).toBe(2);
      expect(json(none).errors[0]?.message).toMatch(/^connections\.default\.password: required/);
    });

    it('a file with two connections, one chosen by --connection; secrets from a file and from a variable', async () => {
      const config = join(dir, 'two.yaml');
      writeFileSync(
        config,
        [
          'defaultConnection: main',
          'connections:',
          '  main:',
          `    url: ${emu.url}`,
          '    user: admin',
          '    passwordFile: password', // relative to the file
          '  branch:',
          `    url: ${emu.url}`,
          '    user: admin',
          '    passwordEnv: BRANCH_PASSWORD',
          '    virtualServer: vs-branch',
        ].join('\n'),
      );
      const env = {
        KCONNECT_CONFIG: config,
        BRANCH_PASSWORD: TEST_PASSWORD,
        KCONNECT_STATE_DIR: join(dir, 'state'),
      };
      // Host ids: the virtual server's world reuses the main server's host names.
      const names = (run: CliRun) =>
        new Set((json(run).context as { KLHST_WKS_HOSTNAME: string }[]).map((h) => h.KLHST_WKS_HOSTNAME));
      const main = await kconnect(['list-hosts', '--fields', 'KLHST_WKS_HOSTNAME'], { env });
      const branch = await kconnect(
        ['list-hosts', '--fields', 'KLHST_WKS_HOSTNAME', '--connection', 'branch'],
        {
          env,
        },
      );
      expect(main.code).toBe(0);
      expect(branch.code).toBe(0);
      expect(names(main).size).toBeGreaterThan(0);
      expect(names(branch).size).toBeGreaterThan(0);
      expect([...names(branch)].some((n) => names(main).has(n))).toBe(false);
      // The variable is read at login: without it the branch fails, naming the field.
      const unset = await kconnect(['list-hosts', '--connection', 'branch'], {
        env: { KCONNECT_CONFIG: config },
      });
      expect(unset.code).toBe(2);
      expect(json(unset).errors[0]?.message).toBe(
        'connections.branch.passwordEnv: environment variable BRANCH_PASSWORD is not set',
      );
    });

    it('file < environment < flags', async () => {
      const config = join(dir, 'precedence.yaml');
      writeFileSync(
        config,
        [
          'connections:',
          '  prod:',
          '    url: http://127.0.0.1:9',
          '    user: no-rights',
          `    passwordFile: ${passwordFile}`,
        ].join('\n'),
      );
      const fileOnly = await kconnect(['list-hosts', '--config', config, '--format', 'table']);
      expect(fileOnly.code).toBe(8); // the file's URL: nothing listens there
      const env = { KCONNECT_URL: emu.url };
      const envUrl = await kconnect(['list-hosts', '--config', config], { env });
      expect(envUrl.code).toBe(4); // the environment's URL, the file's user
      const flagUser = await kconnect(['list-hosts', '--config', config, '--user', 'admin'], {
        env: { ...env, KCONNECT_USER: 'reader' },
      });
      expect(flagUser.code).toBe(0);
      const shown = await kconnect(
        ['config', 'show', '--config', config, '--user', 'admin', '--format', 'json'],
        {
          env: { ...env, KCONNECT_USER: 'reader' },
        },
      );
      const view = JSON.parse(shown.stdout) as { connections: { prod: Record<string, unknown> } };
      expect(view.connections.prod).toMatchObject({
        url: emu.url,
        user: 'admin',
        password: `*** (file ${passwordFile})`,
        sources: { url: 'KCONNECT_URL', user: '--user', passwordFile: 'connections.prod.passwordFile' },
      });
    });

    it('a configuration error names the field and exits 2 before anything is sent', async () => {
      const config = join(dir, 'bad.yaml');
      writeFileSync(
        config,
        [
          'connections:',
          '  prod:',
          `    url: ${emu.url}`,
          '    user: admin',
          `    password: ${TEST_PASSWORD}`,
          '    tls: { caFile: nowhere.pem }',
        ].join('\n'),
      );
      const run = await kconnect(['list-hosts', '--config', config]);
      expect(run.code).toBe(2);
      expect(json(run).errors[0]?.message).toBe(
        `connections.prod.tls.caFile: file not found: ${join(dir, 'nowhere.pem')}`,
      );
      const show = await kconnect(['config', 'show', '--config', config]);
      expect(show.code).toBe(2);
      expect(show.stderr).toBe(
        `error: connections.prod.tls.caFile: file not found: ${join(dir, 'nowhere.pem')}\n`,
      );
      const none = await kconnect(['list-hosts']);
      expect(none.code).toBe(2);
      expect(json(none).errors[0]?.message).toMatch(/^connection: none configured: give --url/);
    });

    it('config show masks a password written in the file', async () => {
      const config = join(dir, 'inline.yaml');
      writeFileSync(
        config,
        `connections:\n  lab: { url: "${emu.url}", user: admin, password: "${TEST_PASSWORD}" }\n`,
      );
      const run = await kconnect(['config', 'show', '--config', config]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('password: "***"');
      expect(run.stdout).toContain(`url: ${emu.url}`);
    });

    it('config check logs in on every connection and fails with the first failure’s code', async () => {
      const config = join(dir, 'check.yaml');
      writeFileSync(
        config,
        [
          'connections:',
          `  good: { url: "${emu.url}", user: reader, passwordFile: password }`,
          `  branch: { url: "${emu.url}", user: admin, passwordFile: password, virtualServer: vs-branch }`,
        ].join('\n'),
      );
      const ok = await kconnect(['config', 'check', '--config', config, '--format', 'json']);
      expect(ok.code).toBe(0);
      const checks = JSON.parse(ok.stdout) as {
        ok: boolean;
        connections: { connection: string; ok: boolean; tls: string; server: { version: string } }[];
      };
      expect(checks.ok).toBe(true);
      expect(checks.connections.map((c) => [c.connection, c.ok, c.tls])).toEqual([
        ['good', true, 'none: plain HTTP'],
        ['branch', true, 'none: plain HTTP'],
      ]);
      expect(checks.connections[0]?.server.version).toMatch(/^\d+\.\d+/);
      const one = await kconnect(['config', 'check', '--config', config, '--connection', 'branch']);
      expect((JSON.parse(one.stdout) as typeof checks).connections.map((c) => c.connection)).toEqual([
        'branch',
      ]);
      const wrongFile = join(dir, 'wrong');
      writeFileSync(wrongFile, WRONG_PASSWORD);
      writeFileSync(
        config,
        `connections:\n  good: { url: "${emu.url}", user: reader, passwordFile: password }\n  bad: { url: "${emu.url}", user: admin, passwordFile: wrong }\n`,
      );
      const failed = await kconnect(['config', 'check', '--config', config], { stdoutTTY: true });
      expect(failed.code).toBe(3);
      expect(failed.stdout).toMatch(/good .* ok \(\d+ ms\)/);
      expect(failed.stdout).toMatch(/bad .* failed: .*refused the credentials \(UNAUTHENTICATED\)/);
    });
  });

  it('never writes a password: not in any output of the runs above, failing ones included', () => {
    expect(transcript.length).toBeGreaterThan(30);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const run of transcript) {
      for (const secret of [TEST_PASSWORD, WRONG_PASSWORD, b64(TEST_PASSWORD), b64(WRONG_PASSWORD)]) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
    }
    expect(transcript.some((r) => r.code === 3)).toBe(true);
  });
});
