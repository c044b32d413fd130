/** `mcpCommand` in-process, with its stdin, stdout, stderr, environment and stop signal injected. */
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CommanderError, Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpOptionsError } from '../../../src/adapters/mcp/errors.ts';
import {
  mcpCommand,
  type McpCommandIo,
  type McpContextLoader,
} from '../../../src/adapters/cli/mcp-command.ts';
import { COMMANDS, type CommandContext } from '../../../src/commands/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startMcpWorld, type McpWorld } from './support.ts';

interface Run {
  /** Settles when the command's action has finished. */
  readonly done: Promise<unknown>;
  readonly stderr: string[];
  readonly loads: (string | undefined)[];
  readonly closes: number[];
  /** Sends the stop signal (SIGINT/SIGTERM in a real process). */
  stop(): void;
}

describe('kconnect mcp (in-process)', () => {
  let world: McpWorld;
  let admin: CommandContext;
  beforeAll(async () => {
    world = await startMcpWorld();
    admin = world.context('admin');
  });
  afterAll(async () => {
    await world?.stop();
  });

  function run(args: string[], allowDestructive: boolean, io: McpCommandIo = {}): Run {
    const stderr: string[] = [];
    const loads: (string | undefined)[] = [];
    const closes: number[] = [];
    let stop: (() => void) | undefined;
    const loader: McpContextLoader = (connection) => {
      loads.push(connection);
      return Promise.resolve({
        context: () => admin,
        allowDestructive,
        close: () => {
          closes.push(Date.now());
          return Promise.resolve();
        },
      });
    };
    const command = mcpCommand(loader, {
      env: {},
      stderr: (line) => stderr.push(line),
      onStopSignal: (s) => {
        stop = s;
        return () => (stop = undefined);
      },
      ...io,
    });
    // Commander's own errors (a bad option value) go to the command's output, not the parent's.
    command
      .exitOverride()
      .configureOutput({ writeErr: (text) => stderr.push(text), writeOut: () => undefined });
    const program = new Command('kconnect').exitOverride().addCommand(command);
    const done = program.parseAsync(['mcp', ...args], { from: 'user' });
    done.catch(() => undefined);
    return { done, stderr, loads, closes, stop: () => stop?.() };
  }

  async function listening(r: Run): Promise<string> {
    const line = await waitFor(() => r.stderr.find((l) => l.includes('listening on')), {
      what: () => `the MCP server to listen; its output:\n${r.stderr.join('\n')}`,
    });
    return /listening on (\S+)/.exec(line)![1]!;
  }

  it('offers destructive tools when the connection’s configuration allows them, and stops on the signal', async () => {
    const r = run(['--http', '0', '--connection', 'lab', '--no-auth'], true);
    const url = await listening(r);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(r.loads).toEqual(['lab']);
    expect(r.stderr[0]).toBe(`kconnect MCP server listening on ${url} (${COMMANDS.length} tools)`);
    const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(COMMANDS.map((c) => c.name));
    } finally {
      await client.close();
    }
    expect(r.closes).toEqual([]);
    r.stop();
    await r.done;
    expect(r.closes).toHaveLength(1);
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('serves stdio until the client closes stdin, then releases the connection', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const r = run([], false, { stdin, stdout });
    stdin.write(
      `${JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '0' },
        },
      })}\n${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`,
    );
    await waitFor(() => out.split('\n').filter(Boolean).length >= 2, { what: 'two answers on stdout' });
    const answers = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: number; result: { tools?: { name: string }[] } });
    expect(answers.map((a) => a.id)).toEqual([1, 2]);
    expect(answers[1]!.result.tools!.map((t) => t.name)).toEqual(
      COMMANDS.filter((c) => !c.destructive).map((c) => c.name),
    );
    expect(r.loads).toEqual([undefined]);
    expect(r.closes).toEqual([]);
    stdin.end();
    await r.done;
    expect(r.closes).toHaveLength(1);
  });

  it('refuses options that cannot work, naming the option, and releases a loaded connection', async () => {
    const badPort = run(['--http', 'abc'], false);
    await expect(badPort.done).rejects.toBeInstanceOf(CommanderError);
    expect(badPort.stderr.join('')).toContain('--http: the port must be an integer from 0 to 65535');
    expect(badPort.loads).toEqual([]);

    const hostOnly = run(['--host', '0.0.0.0'], false);
    await expect(hostOnly.done).rejects.toThrow(new McpOptionsError('--host', 'only applies with --http'));
    expect(hostOnly.loads).toEqual([]);

    const open = run(['--http', '0', '--host', '0.0.0.0'], false);
    await expect(open.done).rejects.toThrow(/^token: required to listen on 0\.0\.0\.0/);
    expect(open.closes).toHaveLength(1);

    const weak = run(['--http', '0'], false, { env: { KCONNECT_MCP_TOKEN: 'weak token' } });
    const error = await weak.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpOptionsError);
    expect((error as McpOptionsError).field).toBe('token');
    expect((error as Error).message).not.toContain('weak token');
    expect(weak.stderr.join('\n')).not.toContain('weak token');
  });
  it('refuses --no-auth without --http, with a configured token, or beyond loopback', async () => {
    const stdio = run(['--no-auth'], false);
    await expect(stdio.done).rejects.toThrow(new McpOptionsError('--no-auth', 'only applies with --http'));
    expect(stdio.loads).toEqual([]);

    const both = run(['--http', '0', '--no-auth'], false, {
      env: { KCONNECT_MCP_TOKEN: 'test-mcp-token-00000000000000011' },
    });
    await expect(both.done).rejects.toThrow(
      new McpOptionsError('--no-auth', 'cannot be combined with KCONNECT_MCP_TOKEN'),
    );

    const open = run(['--http', '0', '--host', '0.0.0.0', '--no-auth'], false);
    await expect(open.done).rejects.toThrow(/^token: required to listen on 0\.0\.0\.0/);
    expect(open.closes).toHaveLength(1);
  });
});
