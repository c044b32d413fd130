/**
 * A command is one file plus one line in its vendor's list: a throwaway command added to the KSC list (here by
 * replacing the list module, as the line would) appears on every surface — the CLI, the HTTP routes, the OpenAPI
 * document, the MCP tool list and the audit log — with no other change, and runs there against a real emulator.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../src/adapters/cli/main.ts';
import type * as KscList from '../../src/commands/ksc/index.ts';
import type { KscCommand } from '../../src/commands/ksc/shared/vendor.ts';
import { COMMANDS } from '../../src/commands/registry.ts';
import { runCli } from '../adapters/cli/support.ts';
import { resultOf, startServiceHarness, type ServiceHarness } from '../adapters/http/support.ts';
import { connectInMemory } from '../adapters/mcp/support.ts';
import { TEST_PASSWORD } from '../support/ksc-emulator.ts';

vi.mock('../../src/commands/ksc/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof KscList>();
  const { z } = await import('zod');
  const input = z.object({
    message: z.string().min(1).describe('What to echo'),
    host: z.string().optional().describe('A host the call is about, for the audit log'),
  });
  const throwaway: KscCommand<typeof input> = {
    name: 'throwaway_echo',
    title: 'Throwaway Echo',
    description: 'Echoes its message after asking KSC for the root group id: a test of the surfaces only.',
    vendor: 'ksc',
    api: { rights: [], operations: ['HostGroup.GroupIdGroups'] },
    input,
    keyFields: z.object({ Echo: z.string() }),
    readOnly: true,
    destructive: false,
    idempotent: true,
    hints: { cliAliases: { message: 'say' }, targetFields: ['host'] },
    example: { message: 'hello' },
    async run(ctx, { message }) {
      const root = (await ctx.ksc.call('HostGroup.GroupIdGroups', {})).PxgRetVal;
      return {
        status: 'Successful',
        raw: { root },
        context: { message, root },
        keyFields: { Echo: message },
        result: { title: 'Throwaway Echo', columns: ['Message'], rows: [[message]] },
        errors: [],
      };
    },
  };
  return { ...original, KSC_COMMANDS: [...original.KSC_COMMANDS, throwaway] };
});

describe('a command added to its vendor list', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startServiceHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is in the registry', () => {
    // The line added to KSC's list: the last of KSC's commands in the registry, before the next vendor's.
    expect(COMMANDS.filter((command) => command.vendor === 'ksc').at(-1)?.name).toBe('throwaway_echo');
  });

  it('is a CLI command, grouped under its vendor, with its alias, and runs', async () => {
    const program = buildProgram();
    const command = program.commands.find((c) => c.name() === 'throwaway-echo');
    expect(command).toBeDefined();
    expect(program.helpInformation()).toMatch(/Kaspersky Security Center commands:[\s\S]*throwaway-echo/);
    expect(command!.helpInformation()).toContain('--say');
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'kconnect-throwaway-'));
    try {
      const run = await runCli(['throwaway-echo', '--say', 'from the CLI', '--format', 'json'], {
        cwd,
        env: { KCONNECT_URL: h.emu.url, KCONNECT_USER: 'reader', KCONNECT_PASSWORD: TEST_PASSWORD },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        status: 'Successful',
        keyFields: { Echo: 'from the CLI' },
      });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('is an HTTP route in the OpenAPI document, runs there, and is audited with its target', async () => {
    const document = (await h.get('/openapi.json')).json as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/v1/commands/throwaway_echo');
    const listed = (await h.get('/v1/commands', h.tokens.read)).json as { commands: Array<{ name: string }> };
    expect(listed.commands.map((c) => c.name)).toContain('throwaway_echo');
    const answer = await h.call('throwaway_echo', { message: 'over HTTP', host: 'WIN-TARGET-1' });
    expect(answer.status).toBe(200);
    expect(resultOf(answer).keyFields).toEqual({ Echo: 'over HTTP' });
    const audit = (await h.get('/v1/audit?command=throwaway_echo', h.tokens.admin)).json as {
      entries: Array<{ command: string; hosts: string[] }>;
    };
    expect(audit.entries.find((e) => e.command === 'throwaway_echo')?.hosts).toEqual(['WIN-TARGET-1']);
  });

  it('is an MCP tool, and runs there', async () => {
    const mcp = await connectInMemory({
      commands: COMMANDS,
      context: () => h.contexts.context(),
      allowDestructive: false,
    });
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name)).toContain('throwaway_echo');
      const called = await mcp.client.callTool({
        name: 'throwaway_echo',
        arguments: { message: 'over MCP' },
      });
      expect(called.isError ?? false).toBe(false);
      expect(JSON.stringify(called.structuredContent)).toContain('over MCP');
    } finally {
      await mcp.close();
    }
  });
});
