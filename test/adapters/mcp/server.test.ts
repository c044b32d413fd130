import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { progressNotifier } from '../../../src/adapters/mcp/server.ts';
import { jsonSafe, KEY_FIELDS_TEXT_LIMIT } from '../../../src/adapters/mcp/tool-result.ts';
import { toolCatalog } from '../../../src/adapters/mcp/tools.ts';
import {
  COMMANDS,
  KSC_COMMANDS,
  type CommandContext,
  type CommandDefinition,
  type ProgressUpdate,
} from '../../../src/commands/index.ts';
import { KconnectError } from '../../../src/errors.ts';
import { TEST_PASSWORD } from '../../support/ksc-emulator.ts';
import {
  connectInMemory,
  edrHosts,
  isolationSettings,
  startMcpWorld,
  structured,
  textOf,
  type McpWorld,
} from './support.ts';

/** A command of the test's own, for what the registry's commands cannot show on demand. */
function testCommand(
  name: string,
  run: (ctx: CommandContext) => Promise<Awaited<ReturnType<CommandDefinition['run']>>>,
): CommandDefinition {
  return {
    name,
    title: 'Test Command',
    description: 'for the MCP tests',
    input: z.object({}),
    keyFields: z.object({ Count: z.number() }),
    readOnly: true,
    destructive: false,
    idempotent: true,
    vendor: 'ksc',
    api: { rights: [], operations: [] },
    example: {},
    run: (ctx) => run(ctx),
  };
}

describe('MCP server (SDK client, in memory, on a real emulator)', () => {
  let world: McpWorld;
  let admin: CommandContext;
  beforeAll(async () => {
    world = await startMcpWorld();
    admin = world.context('admin');
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('lists every registry command as a tool with its schema and the annotations of its flags', async () => {
    const mcp = await connectInMemory({ commands: COMMANDS, context: () => admin, allowDestructive: true });
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(COMMANDS.map((c) => c.name));
      for (const command of COMMANDS) {
        const tool = tools.find((t) => t.name === command.name)!;
        expect(tool.title).toBe(command.title);
        expect(tool.description).toBe(command.description);
        const { $schema: _, ...schema } = z.toJSONSchema(command.input, { io: 'input' });
        expect(tool.inputSchema).toEqual(schema);
        expect(tool.annotations).toEqual({
          title: command.title,
          readOnlyHint: command.readOnly,
          destructiveHint: command.destructive,
          idempotentHint: command.idempotent,
          openWorldHint: true,
        });
      }
      expect(tools.some((t) => t.annotations?.destructiveHint === true)).toBe(true);
      expect(mcp.client.getInstructions()).not.toContain('disabled');
    } finally {
      await mcp.close();
    }
  });

  it('speaks of KSC alone when it offers KSC commands alone', async () => {
    const mcp = await connectInMemory({
      commands: KSC_COMMANDS,
      context: () => admin,
      allowDestructive: false,
    });
    try {
      expect(mcp.client.getInstructions()).toContain('drives a Kaspersky Security Center server');
      expect(mcp.client.getInstructions()).not.toContain('KICS');
    } finally {
      await mcp.close();
    }
  });

  it('leaves destructive tools out of the list when they are disabled, and says so in its instructions', async () => {
    const mcp = await connectInMemory({ commands: COMMANDS, context: () => admin, allowDestructive: false });
    try {
      const { tools } = await mcp.client.listTools();
      const destructive = COMMANDS.filter((c) => c.destructive).map((c) => c.name);
      expect(destructive).toContain('isolate_hosts');
      expect(tools.map((t) => t.name)).toEqual(COMMANDS.filter((c) => !c.destructive).map((c) => c.name));
      expect(tools.every((t) => t.annotations?.destructiveHint === false)).toBe(true);
      expect(mcp.client.getInstructions()).toContain(
        `Destructive tools are disabled on this server (${destructive.join(', ')})`,
      );
      // The registry has KICS commands: the instructions say which tools talk to which product.
      expect(mcp.client.getInstructions()).toContain('tools named kics_* talk to KICS for Networks');
      expect(mcp.client.getServerVersion()).toMatchObject({
        name: 'kconnect',
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
    } finally {
      await mcp.close();
    }
  });

  it('runs list_hosts and answers with the whole result as structured content and a Markdown summary', async () => {
    const mcp = await connectInMemory({ commands: COMMANDS, context: () => admin, allowDestructive: false });
    try {
      const result = await mcp.client.callTool({ name: 'list_hosts', arguments: {} });
      expect(result.isError).toBeUndefined();
      const out = structured(result);
      const hosts = world.emu.ksc.world.hostsOf(0);
      expect(out.status).toBe('Successful');
      expect(out.keyFields['TotalHostCount']).toBe(hosts.length);
      expect([...(out.keyFields['HostIDs'] as string[])].sort()).toEqual(hosts.map((h) => h.id).sort());
      expect(out.keyFields['HostNames']).toEqual(
        (out.context as Record<string, unknown>[]).map((c) => c['KLHST_WKS_DN']),
      );
      expect(out.result).toEqual({ title: 'List Hosts', columns: ['Hosts Count'], rows: [[hosts.length]] });
      expect(out.errors).toEqual([]);
      const text = textOf(result);
      expect(text).toMatch(/^List Hosts: Successful\n\n\*\*List Hosts\*\*\n\n\| Hosts Count \|\n\|---\|\n/);
      expect(text).toContain(`| ${hosts.length} |`);
      expect(text).toContain(`"TotalHostCount":${hosts.length}`);
    } finally {
      await mcp.close();
    }
  });

  it('answers bad input with a tool error naming the field and the reason', async () => {
    const mcp = await connectInMemory({ commands: COMMANDS, context: () => admin, allowDestructive: false });
    try {
      const result = await mcp.client.callTool({ name: 'list_hosts', arguments: { limit: 0 } });
      expect(result.isError).toBe(true);
      const out = structured(result);
      expect(out.status).toBe('Failed');
      expect(out.errors).toEqual([
        expect.objectContaining({
          statusCode: 400,
          code: 'INVALID_INPUT',
          failureIndicator: 'List Hosts failed.',
        }),
      ]);
      expect(out.errors[0]!.message).toMatch(/^The value for parameter \(limit\) is invalid: .+/);
      expect(textOf(result)).toBe(`List Hosts failed.\n\n- ${out.errors[0]!.message} (400 INVALID_INPUT)`);
      const nested = await mcp.client.callTool({ name: 'get_host_status', arguments: { hostNames: [''] } });
      expect(textOf(nested)).toContain('The value for parameter (hostNames.0) is invalid');
    } finally {
      await mcp.close();
    }
  });

  it('refuses an unknown tool with a protocol error', async () => {
    const mcp = await connectInMemory({ commands: COMMANDS, context: () => admin, allowDestructive: true });
    try {
      const error = await mcp.client.callTool({ name: 'format_disk', arguments: {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((error as McpError).message).toContain('Unknown tool: format_disk');
    } finally {
      await mcp.close();
    }
  });

  it('refuses a disabled destructive tool with a clear tool error, and does nothing', async () => {
    const host = edrHosts(world.emu)[0]!;
    const before = await isolationSettings(world.emu, host);
    const log: string[] = [];
    const mcp = await connectInMemory({
      commands: COMMANDS,
      context: () => admin,
      allowDestructive: false,
      log: (line) => log.push(line),
    });
    try {
      const result = await mcp.client.callTool({ name: 'isolate_hosts', arguments: { hostIds: [host.id] } });
      expect(result.isError).toBe(true);
      const out = structured(result);
      expect(out.errors).toEqual([
        expect.objectContaining({
          statusCode: 403,
          code: 'ACCESS_DENIED',
          failureIndicator: 'Isolate Hosts failed.',
        }),
      ]);
      const text = textOf(result);
      expect(text).toContain('isolate_hosts is a destructive tool and destructive tools are disabled');
      expect(text).toContain('nothing was done');
      expect(text).toContain('--allow-destructive');
      expect(await isolationSettings(world.emu, host)).toBe(before);
      expect(log).toEqual(['tool isolate_hosts: refused (destructive tools are disabled)']);
    } finally {
      await mcp.close();
    }
  });

  it('runs a destructive tool when destructive tools are enabled, reporting per-host failures', async () => {
    const host = edrHosts(world.emu)[1]!;
    const mcp = await connectInMemory({ commands: COMMANDS, context: () => admin, allowDestructive: true });
    try {
      const result = await mcp.client.callTool({
        name: 'isolate_hosts',
        arguments: { hostIds: [host.id, 'NO-SUCH-HOST'], isolationTimeout: 60 },
      });
      expect(result.isError).toBeUndefined();
      const out = structured(result);
      expect(out.status).toBe('Partially Successful');
      expect(out.keyFields['HostIDs']).toEqual([host.id]);
      expect(out.errors.map((e) => [e.item, e.statusCode])).toEqual([['NO-SUCH-HOST', 404]]);
      expect(await isolationSettings(world.emu, host)).toContain('"Enable":true');
      const text = textOf(result);
      expect(text).toMatch(/^Isolate Hosts: Partially Successful\n/);
      expect(text).toContain('Errors:\n- NO-SUCH-HOST: ');
      expect(text).toContain('(404 NOT_FOUND)');
    } finally {
      await mcp.close();
    }
  });

  it('writes longs beyond 2^53 as decimal strings in structured content', async () => {
    const big = 2n ** 64n + 1n;
    const command = testCommand('big_numbers', () =>
      Promise.resolve({
        status: 'Successful',
        raw: { PxgRetVal: { type: 'long', value: big }, list: [1, big, 'x'], small: 7 },
        context: { value: big.toString() },
        keyFields: { Count: 1 },
        result: { title: 'Big', columns: ['Count'], rows: [[1]] },
        errors: [],
      }),
    );
    const mcp = await connectInMemory({ commands: [command], context: () => admin, allowDestructive: false });
    try {
      const out = structured(await mcp.client.callTool({ name: 'big_numbers', arguments: {} }));
      expect(out.raw).toEqual({
        PxgRetVal: { type: 'long', value: '18446744073709551617' },
        list: [1, '18446744073709551617', 'x'],
        small: 7,
      });
      expect(out.context).toEqual({ value: '18446744073709551617' });
    } finally {
      await mcp.close();
    }
  });

  it('copies only what holds a bigint', () => {
    const untouched = { a: [1, 2, { b: 'c' }], d: null };
    expect(jsonSafe(untouched)).toBe(untouched);
    const mixed = { keep: { x: 1 }, change: [1n] };
    const safe = jsonSafe(mixed) as Record<string, unknown>;
    expect(safe).toEqual({ keep: { x: 1 }, change: ['1'] });
    expect(safe['keep']).toBe(mixed.keep);
    expect(mixed.change[0]).toBe(1n);
    const proto = JSON.parse('{"__proto__": 1}') as Record<string, unknown>;
    proto['n'] = 5n;
    expect(Object.keys(jsonSafe(proto) as object)).toEqual(['__proto__', 'n']);
  });

  it('keeps large key fields out of the text', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `host-${i}-0000000000`);
    const command = testCommand('many_ids', () =>
      Promise.resolve({
        status: 'Successful',
        raw: null,
        context: null,
        keyFields: { Count: ids.length, HostIDs: ids },
        result: { title: 'Many', columns: ['Count'], rows: [[ids.length]] },
        errors: [],
      }),
    );
    const mcp = await connectInMemory({ commands: [command], context: () => admin, allowDestructive: false });
    try {
      const result = await mcp.client.callTool({ name: 'many_ids', arguments: {} });
      expect(JSON.stringify(structured(result).keyFields).length).toBeGreaterThan(KEY_FIELDS_TEXT_LIMIT);
      const text = textOf(result);
      expect(text).toMatch(/Key fields: \d+ KB, in structuredContent\.keyFields$/);
      expect(text).not.toContain('host-1999');
    } finally {
      await mcp.close();
    }
  });

  it('reports a context that cannot be made as a tool error with its status', async () => {
    const mcp = await connectInMemory({
      commands: COMMANDS,
      context: () => {
        throw new KconnectError('UNAUTHENTICATED', 'connection "lab" has no credentials');
      },
      allowDestructive: false,
    });
    try {
      const result = await mcp.client.callTool({ name: 'test_connection', arguments: {} });
      expect(result.isError).toBe(true);
      expect(structured(result).errors).toEqual([
        expect.objectContaining({
          statusCode: 401,
          code: 'UNAUTHENTICATED',
          message: 'connection "lab" has no credentials',
        }),
      ]);
    } finally {
      await mcp.close();
    }
  });

  it('aborts a running command when the client cancels the call', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let sawAbort!: (reason: unknown) => void;
    const aborted = new Promise<unknown>((resolve) => (sawAbort = resolve));
    const command = testCommand('slow', (ctx) => {
      started();
      return new Promise((_, reject) => {
        ctx.signal?.addEventListener('abort', () => {
          sawAbort(ctx.signal?.reason);
          reject(new KconnectError('TIMEOUT', 'cancelled'));
        });
      });
    });
    const mcp = await connectInMemory({ commands: [command], context: () => admin, allowDestructive: false });
    try {
      const controller = new AbortController();
      const call = mcp.client.callTool({ name: 'slow', arguments: {} }, undefined, {
        signal: controller.signal,
      });
      await running;
      controller.abort('user cancelled');
      await expect(call).rejects.toThrow();
      expect(await aborted).toBeDefined();
    } finally {
      await mcp.close();
    }
  });

  it('sends progress notifications to a client that asked for them with a progress token', async () => {
    const mcp = await connectInMemory({ commands: COMMANDS, context: () => admin, allowDestructive: false });
    try {
      const seen: { progress: number; total?: number | undefined; message?: string | undefined }[] = [];
      const result = await mcp.client.callTool({ name: 'list_hosts', arguments: {} }, undefined, {
        onprogress: (p) => seen.push(p),
      });
      const hosts = world.emu.ksc.world.hostsOf(0).length;
      expect(structured(result).status).toBe('Successful');
      expect(seen.length).toBeGreaterThanOrEqual(1);
      expect(seen.at(-1)).toEqual({
        progress: hosts,
        total: hosts,
        message: `List Hosts: reading ${hosts}/${hosts} hosts`,
      });
    } finally {
      await mcp.close();
    }
  });

  it('keeps MCP progress growing across the phases of a command', () => {
    const sent: { progress: number; total?: number; message?: string }[] = [];
    const notify = progressNotifier('Isolate Hosts', 'token-1', (n) => {
      sent.push(n.params as never);
      return Promise.reject(new Error('the client went away'));
    });
    const updates: ProgressUpdate[] = [
      { phase: 'reading', label: 'hosts', done: 1000, total: 1500 },
      { phase: 'reading', label: 'hosts', done: 1500, total: 1500 },
      { phase: 'waiting', label: 'agent sync', done: 0, total: 60_000, looks: 1 },
      { phase: 'waiting', label: 'agent sync', done: 10_000, total: 60_000, looks: 2 },
      { phase: 'waiting', label: 'agent sync', done: 10_000, total: 60_000, looks: 3 },
    ];
    for (const update of updates) notify(update);
    expect(sent.map((p) => [p.progress, p.total])).toEqual([
      [1000, 1500],
      [1500, 1500],
      [11_500, 61_500],
    ]);
    expect(sent.every((p) => (p as { progressToken?: unknown }).progressToken === 'token-1')).toBe(true);
    expect(sent.at(-1)?.message).toBe('Isolate Hosts: waiting for agent sync 0:10 of 1:00 (look 2)');
  });

  it('aborts the KSC call in flight when the client cancels a tool call', async () => {
    const log: string[] = [];
    const mcp = await connectInMemory({
      commands: COMMANDS,
      context: () => admin,
      allowDestructive: false,
      log: (line) => log.push(line),
    });
    await world.emu.control('POST', '/__emulator/faults', { latencyMs: 3000 });
    try {
      const controller = new AbortController();
      const started = Date.now();
      const call = mcp.client.callTool({ name: 'list_hosts', arguments: { limit: 3 } }, undefined, {
        signal: controller.signal,
      });
      setTimeout(() => controller.abort('user cancelled'), 200);
      await expect(call).rejects.toThrow();
      await expect.poll(() => log.length, { timeout: 2000 }).toBe(1);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(log[0]).toMatch(/^tool list_hosts: Failed in \d+ ms$/);
    } finally {
      await world.emu.control('DELETE', '/__emulator/faults');
      await mcp.close();
    }
  });

  it('never puts the KSC password in a tool result or a log line, even when the login fails', async () => {
    const wrong = 'wrong-password-secret-0002';
    const log: string[] = [];
    const seen: string[] = [];
    for (const [user, password] of [
      ['admin', TEST_PASSWORD],
      ['reader', wrong],
    ] as const) {
      const ctx = world.context(user, password);
      const mcp = await connectInMemory({
        commands: COMMANDS,
        context: () => ctx,
        allowDestructive: false,
        log: (line) => log.push(line),
      });
      try {
        for (const [name, args] of [
          ['test_connection', {}],
          ['list_hosts', { limit: 3 }],
          ['list_users', {}],
          ['isolate_hosts', { hostIds: ['x'] }],
        ] as const) {
          seen.push(JSON.stringify(await mcp.client.callTool({ name, arguments: args })));
        }
      } finally {
        await mcp.close();
      }
    }
    const failedLogin = seen[4]!;
    expect(failedLogin).toContain('"isError":true');
    expect(failedLogin).toContain('"statusCode":401');
    expect(log.length).toBe(8);
    for (const text of [...seen, ...log]) {
      expect(text).not.toContain(TEST_PASSWORD);
      expect(text).not.toContain(wrong);
      expect(text).not.toContain('KSCBasic');
      expect(text).not.toContain(Buffer.from(TEST_PASSWORD).toString('base64'));
    }
  });

  it('refuses a registry where two commands share a name', () => {
    const one = COMMANDS[0]!;
    expect(() => toolCatalog([one, { ...one }], true)).toThrow(`command ${one.name} is registered twice`);
  });
});
