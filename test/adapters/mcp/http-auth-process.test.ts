/**
 * `kconnect mcp --http` as users start it (`bin/kconnect.js`, the connection from the environment): without
 * `KCONNECT_MCP_TOKEN` it still requires a bearer token — one it generates at the first start into a private file
 * of the state directory and reuses after — and says where the token is, never what it is. `--no-auth` serves
 * without one and warns.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../../support/ksc-emulator.ts';
import { startMcpWorld, type McpWorld } from './support.ts';

const BIN = fileURLToPath(new URL('../../../bin/kconnect.js', import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => { stdout: string; stderr: string };
}

describe('kconnect mcp --http requires a bearer token by default', () => {
  let world: McpWorld;
  let dir: string;
  let stateDir: string;
  beforeAll(async () => {
    world = await startMcpWorld();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-mcp-auth-'));
    stateDir = path.join(dir, 'state', 'kconnect');
  });
  afterAll(async () => {
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(args: string[]): Promise<Started> {
    const child = spawn(process.execPath, [BIN, 'mcp', '--http', '0', ...args], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        KCONNECT_URL: world.emu.url,
        KCONNECT_USER: 'admin',
        KCONNECT_PASSWORD: TEST_PASSWORD,
        KCONNECT_STATE_DIR: stateDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`exited: ${stderr}`)));
    });
    return { child, url, output: () => ({ stdout, stderr }) };
  }

  async function stop(started: Started): Promise<{ stdout: string; stderr: string }> {
    const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
    started.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return started.output();
  }

  async function toolNames(url: string, token?: string): Promise<string[]> {
    const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } },
      }),
    );
    try {
      return (await client.listTools()).tools.map((t) => t.name);
    } finally {
      await client.close();
    }
  }

  it('generates a token into a private file, refuses clients without it, and reuses it after a restart', async () => {
    const tokenFile = path.join(stateDir, 'mcp-token');
    const first = await start([]);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^[\x21-\x7e]{16,}$/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);

    const anonymous = await fetch(first.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(anonymous.status).toBe(401);
    await expect(toolNames(first.url)).rejects.toThrow();
    expect(await toolNames(first.url, token)).toContain('list_hosts');
    const firstOutput = await stop(first);
    expect(firstOutput.stderr).toContain(`kconnect mcp: bearer token created in ${tokenFile}`);
    expect(firstOutput.stderr).toContain('bearer token required');

    const second = await start([]);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    expect(await toolNames(second.url, token)).toContain('list_hosts');
    const secondOutput = await stop(second);
    expect(secondOutput.stderr).toContain(`kconnect mcp: bearer token read from ${tokenFile}`);

    for (const { stdout, stderr } of [firstOutput, secondOutput]) {
      expect(stdout).toBe('');
      expect(stderr).not.toContain(token);
    }
  });

  it('serves without a token with --no-auth, and warns at every start', async () => {
    for (let i = 0; i < 2; i++) {
      const open = await start(['--no-auth']);
      expect(await toolNames(open.url)).toContain('list_hosts');
      const { stderr } = await stop(open);
      expect(stderr).toContain(
        'kconnect mcp: warning: --no-auth: the HTTP endpoint requires no bearer token',
      );
      expect(stderr).not.toContain('bearer token required');
    }
  });
});
