import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpOptionsError } from '../../../src/adapters/mcp/errors.ts';
import { mcpServerFactory } from '../../../src/adapters/mcp/server.ts';
import { serveHttp, type RunningHttp } from '../../../src/adapters/mcp/transports.ts';
import { COMMANDS, type CommandContext, type CommandDefinition } from '../../../src/commands/index.ts';
import { KconnectError } from '../../../src/errors.ts';
import { startMcpWorld, structured, textOf, type McpWorld } from './support.ts';

const TOKEN = 'test-mcp-token-00000000000000003';
const WRONG_TOKEN = 'wrong-mcp-token-0000000000000004';

const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

/** One request with exactly the headers given (fetch would not let a test set Host). */
function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe('MCP over streamable HTTP (SDK client, loopback port)', () => {
  let world: McpWorld;
  let admin: CommandContext;
  let served: RunningHttp;
  const log: string[] = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    world = await startMcpWorld();
    admin = world.context('admin');
    const writeLog = (line: string): void => void log.push(line);
    served = await serveHttp({
      server: mcpServerFactory({
        commands: COMMANDS,
        context: () => admin,
        allowDestructive: false,
        log: writeLog,
      }),
      port: 0,
      token: TOKEN,
      log: writeLog,
    });
  });
  afterAll(async () => {
    await served?.close();
    await world?.stop();
  });

  it('listens on 127.0.0.1 and serves the tools and a read-only call to a client with the token', async () => {
    expect(served.url).toBe(`http://127.0.0.1:${served.port}/mcp`);
    const client = await connect(served.url, TOKEN);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(COMMANDS.filter((c) => !c.destructive).map((c) => c.name));
      const result = await client.callTool({ name: 'list_hosts', arguments: { limit: 5 } });
      bodies.push(JSON.stringify(result));
      const out = structured(result);
      const ids = new Set(world.emu.ksc.world.hostsOf(0).map((h) => h.id));
      expect(out.keyFields['TotalHostCount']).toBe(ids.size);
      expect(out.keyFields['HostIDs']).toHaveLength(5);
      for (const id of out.keyFields['HostIDs'] as string[]) expect(ids.has(id)).toBe(true);
      const refused = await client.callTool({ name: 'isolate_hosts', arguments: { hostIds: ['x'] } });
      bodies.push(JSON.stringify(refused));
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('destructive tools are disabled');
      const bad = await client.callTool({ name: 'list_hosts', arguments: { filter: 5 } });
      expect(textOf(bad)).toContain('The value for parameter (filter) is invalid');
    } finally {
      await client.close();
    }
  });

  it('answers a call that asks for progress (JSON responses carry no notifications)', async () => {
    const client = await connect(served.url, TOKEN);
    try {
      let notifications = 0;
      const result = await client.callTool({ name: 'list_hosts', arguments: { limit: 5 } }, undefined, {
        onprogress: () => notifications++,
      });
      expect(structured(result).status).toBe('Successful');
      expect(notifications).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('answers 401 without the right bearer token, and never echoes a token', async () => {
    await expect(connect(served.url)).rejects.toThrow();
    const missing = await request(served.url, 'POST', JSON_HEADERS, LIST);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="kconnect-mcp"');
    expect(JSON.parse(missing.text)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Unauthorized: a valid bearer token is required' },
      id: null,
    });
    const wrong = await request(
      served.url,
      'POST',
      { ...JSON_HEADERS, Authorization: `Bearer ${WRONG_TOKEN}` },
      LIST,
    );
    expect(wrong.status).toBe(401);
    const prefix = await request(
      served.url,
      'POST',
      { ...JSON_HEADERS, Authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      LIST,
    );
    expect(prefix.status).toBe(401);
    const right = await request(
      served.url,
      'POST',
      { ...JSON_HEADERS, Authorization: `bearer ${TOKEN}` },
      LIST,
    );
    expect(right.status).toBe(200);
    expect(JSON.parse(right.text)).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
    bodies.push(missing.text, wrong.text, prefix.text);
    expect(log).toContain('http POST /mcp: 401 (no bearer token)');
    expect(log).toContain('http POST /mcp: 401 (wrong bearer token)');
  });

  it('refuses a Host or Origin that is not this machine (DNS rebinding)', async () => {
    const auth = { ...JSON_HEADERS, Authorization: `Bearer ${TOKEN}` };
    const rebound = await request(served.url, 'POST', { ...auth, Host: `evil.example:${served.port}` }, LIST);
    expect(rebound.status).toBe(403);
    const origin = await request(served.url, 'POST', { ...auth, Origin: 'http://evil.example' }, LIST);
    expect(origin.status).toBe(403);
    const local = await request(
      served.url,
      'POST',
      { ...auth, Host: `localhost:${served.port}`, Origin: `http://localhost:${served.port}` },
      LIST,
    );
    expect(local.status).toBe(200);
    bodies.push(rebound.text, origin.text);
  });

  it('answers GET and DELETE with 405 (stateless) and other paths with 404', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' };
    const get = await request(served.url, 'GET', auth);
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
    expect((await request(served.url, 'DELETE', auth)).status).toBe(405);
    expect((await request(served.url.replace('/mcp', '/other'), 'POST', auth, LIST)).status).toBe(404);
  });

  it('aborts the command of a client that disconnects', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let sawAbort!: () => void;
    const aborted = new Promise<void>((resolve) => (sawAbort = resolve));
    const slow: CommandDefinition = {
      name: 'slow',
      title: 'Slow',
      description: 'waits until aborted',
      input: z.object({}),
      keyFields: z.object({}),
      readOnly: true,
      destructive: false,
      idempotent: true,
      vendor: 'ksc',
      api: { rights: [], operations: [] },
      example: {},
      run: (ctx) => {
        started();
        return new Promise((_, reject) =>
          ctx.signal?.addEventListener('abort', () => {
            sawAbort();
            reject(new KconnectError('TIMEOUT', 'aborted'));
          }),
        );
      },
    };
    const own = await serveHttp({
      server: mcpServerFactory({ commands: [slow], context: () => admin, allowDestructive: false }),
      port: 0,
    });
    try {
      const controller = new AbortController();
      const call = fetch(own.url, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: { name: 'slow', arguments: {} },
        }),
        signal: controller.signal,
      });
      await running;
      controller.abort();
      await expect(call).rejects.toThrow();
      await aborted;
    } finally {
      await own.close();
    }
  });

  it('refuses options that cannot work, naming the option', async () => {
    const server = mcpServerFactory({ commands: COMMANDS, context: () => admin, allowDestructive: false });
    const failure = async (options: Parameters<typeof serveHttp>[0]): Promise<McpOptionsError> => {
      const error = await serveHttp(options).then(
        async (s) => {
          await s.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(McpOptionsError);
      return error as McpOptionsError;
    };
    const open = await failure({ server, host: '0.0.0.0', port: 0 });
    expect(open.field).toBe('token');
    expect(open.message).toMatch(/^token: required to listen on 0\.0\.0\.0/);
    expect((await failure({ server, port: 70000 })).message).toBe(
      'port: must be an integer from 0 to 65535, not 70000',
    );
    const weak = await failure({ server, port: 0, token: 'short secret' });
    expect(weak.message).toBe('token: must be at least 16 printable characters without spaces');
    expect(weak.message).not.toContain('short secret');
    expect((await failure({ server, port: 0, path: 'mcp' })).field).toBe('path');
    await expect(serveHttp({ server, port: served.port, token: TOKEN })).rejects.toThrow(/EADDRINUSE/);
  });

  it('never puts a token in a log line or a response', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(7);
    expect(log.length).toBeGreaterThan(0);
    for (const text of [...log, ...bodies]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(WRONG_TOKEN);
      expect(text).not.toContain(TOKEN.slice(0, -1));
    }
  });
});
