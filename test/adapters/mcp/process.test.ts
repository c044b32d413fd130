/**
 * `kconnect mcp` as a real process: an MCP client starts it over stdio (the SDK's `StdioClientTransport`), or it
 * serves streamable HTTP on a loopback port; its context is a KSC client on a real emulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/commands/index.ts';
import { TEST_PASSWORD } from '../../support/ksc-emulator.ts';
import { edrHosts, isolationSettings, startMcpWorld, structured, textOf, type McpWorld } from './support.ts';
import { logMessages } from '../../support/log-lines.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const WRONG_PASSWORD = 'wrong-password-secret-0005';
const TOKEN = 'test-mcp-token-00000000000000006';

const READ_ONLY_TOOLS = COMMANDS.filter((c) => !c.destructive).map((c) => c.name);

describe('kconnect mcp as a process (stdio and HTTP) on a real emulator', () => {
  let world: McpWorld;
  /** Everything the processes wrote to stderr, and every tool result the clients received. */
  const stderr: string[] = [];
  const outputs: string[] = [];

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    KCONNECT_TEST_KSC_URL: world.emu.url,
    KCONNECT_TEST_KSC_PASSWORD: TEST_PASSWORD,
    KCONNECT_TEST_WRONG_PASSWORD: WRONG_PASSWORD,
    ...extra,
  });

  /** An SDK client on `kconnect mcp <args>` started over stdio. */
  async function stdioClient(args: string[], extraEnv: Record<string, string> = {}) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', ENTRY, 'mcp', ...args],
      cwd: ROOT,
      env: env(extraEnv),
      stderr: 'pipe',
    });
    const chunks: string[] = [];
    transport.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
    await client.connect(transport);
    return {
      client,
      async call(name: string, args: Record<string, unknown>) {
        const result = await client.callTool({ name, arguments: args });
        outputs.push(JSON.stringify(result));
        return result;
      },
      async close(): Promise<string> {
        await client.close();
        const text = chunks.join('');
        stderr.push(text);
        return text;
      },
    };
  }

  function exited(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  beforeAll(async () => {
    world = await startMcpWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('serves a stdio client: read-only tools only, list_hosts, a refused destructive call, bad input', async () => {
    const mcp = await stdioClient(['--connection', 'admin']);
    let closedStderr: string;
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(READ_ONLY_TOOLS);
      const hosts = world.emu.ksc.world.hostsOf(0);
      const listed = structured(await mcp.call('list_hosts', {}));
      expect(listed.status).toBe('Successful');
      expect([...(listed.keyFields['HostIDs'] as string[])].sort()).toEqual(hosts.map((h) => h.id).sort());

      const host = edrHosts(world.emu)[2]!;
      const before = await isolationSettings(world.emu, host);
      const refused = await mcp.call('isolate_hosts', { hostIds: [host.id] });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('--allow-destructive');
      expect(await isolationSettings(world.emu, host)).toBe(before);

      const bad = await mcp.call('get_policy', { policyId: 'seven' });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toContain('The value for parameter (policyId) is invalid');
    } finally {
      closedStderr = await mcp.close();
    }
    const destructive = COMMANDS.length - READ_ONLY_TOOLS.length;
    expect(closedStderr).toContain(
      `kconnect MCP server on stdio (${READ_ONLY_TOOLS.length} tools; ${destructive} destructive tools disabled)`,
    );
    // The call log is JSON on a stderr that is not a terminal.
    expect(logMessages(closedStderr, 'mcp')).toContainEqual(
      expect.stringMatching(/^tool list_hosts: Successful in \d+ ms$/),
    );
    expect(logMessages(closedStderr, 'mcp')).toContain(
      'tool isolate_hosts: refused (destructive tools are disabled)',
    );
  });

  it('runs destructive tools with --allow-destructive', async () => {
    const host = edrHosts(world.emu)[3]!;
    const mcp = await stdioClient(['--allow-destructive']);
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(COMMANDS.map((c) => c.name));
      const result = await mcp.call('isolate_hosts', { hostIds: [host.id] });
      expect(structured(result).status).toBe('Successful');
      expect(await isolationSettings(world.emu, host)).toContain('"Enable":true');
    } finally {
      await mcp.close();
    }
  });

  it('writes only protocol messages to stdout, reports a failed KSC login, exits 0 when stdin closes', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ENTRY, 'mcp', '--connection', 'wrong-password'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env() },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const messages = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '0' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_connection', arguments: {} } },
    ];
    child.stdin.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
    // Close stdin only once the call has been answered: a client that closes it is shutting the server down.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.split('\n').filter(Boolean).length >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
      child.once('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    child.stdin.end();
    expect(await exited(child)).toBe(0);
    stderr.push(err);
    const lines = out.split('\n').filter(Boolean);
    const parsed = lines.map((line) => JSON.parse(line) as { id: number; result: Record<string, unknown> });
    expect(parsed.map((m) => m.id)).toEqual([1, 2]);
    expect(parsed[0]!.result['serverInfo']).toMatchObject({ name: 'kconnect' });
    expect(parsed[1]!.result['isError']).toBe(true);
    expect(parsed[1]!.result['structuredContent']).toMatchObject({
      status: 'Failed',
      errors: [expect.objectContaining({ statusCode: 401, code: 'UNAUTHENTICATED' })],
    });
    expect(logMessages(err, 'mcp')).toContainEqual(
      expect.stringMatching(/^tool test_connection: Failed in \d+ ms$/),
    );
    outputs.push(out);
  });

  it('serves streamable HTTP with --http, requires the token from the environment, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'mcp', '--http', '0'], {
      cwd: ROOT,
      env: { ...process.env, ...env({ KCONNECT_MCP_TOKEN: TOKEN }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString();
        const match = /listening on (http:\/\/\S+)/.exec(err);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`exited: ${err}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(err).toContain('bearer token required');
    const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
      }),
    );
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(READ_ONLY_TOOLS);
      const result = await client.callTool({ name: 'list_hosts', arguments: { limit: 2 } });
      outputs.push(JSON.stringify(result));
      expect(structured(result).keyFields['HostIDs']).toHaveLength(2);
    } finally {
      await client.close();
    }
    const anonymous = await fetch(url, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(out).toBe('');
    stderr.push(err);
  });

  it('never writes the KSC password or the HTTP token to stderr or into a tool result', () => {
    expect(stderr.length).toBe(4);
    expect(outputs.length).toBeGreaterThanOrEqual(6);
    const secrets = [TEST_PASSWORD, WRONG_PASSWORD, TOKEN, Buffer.from(TEST_PASSWORD).toString('base64')];
    for (const text of [...stderr, ...outputs]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain('KSCBasic');
    }
  });
});
