/**
 * A KSC emulator and command contexts on it for the MCP tests, and an SDK client connected in memory to a
 * server made by `createMcpServer`, so the tests see the server the way any MCP client does.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer, type McpServerOptions } from '../../../src/adapters/mcp/server.ts';
import { MemoryIdempotencyStore, type CommandContext } from '../../../src/commands/index.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { KscClient } from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

export interface McpWorld {
  readonly emu: TestEmulator;
  /** A context of `user` with a client of its own (closed by `stop`). */
  context(user?: string, password?: string): CommandContext;
  stop(): Promise<void>;
}

export async function startMcpWorld(): Promise<McpWorld> {
  const emu = await startTestEmulator('sqlite', { hosts: 40, events: 200 });
  const clients: KscClient[] = [];
  const idempotency = new MemoryIdempotencyStore(() => emu.ksc.clock.now());
  return {
    emu,
    context(user = 'admin', password = TEST_PASSWORD) {
      const ksc = new KscClient(
        { url: emu.url, credentials: { user, password }, backoffMs: 1 },
        { sleep: () => Promise.resolve() },
      );
      clients.push(ksc);
      return { ksc, now: () => emu.ksc.clock.now(), idempotency };
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await emu.stop();
    },
  };
}

export interface Connected {
  readonly client: Client;
  close(): Promise<void>;
}

/** An SDK client on a fresh server, linked in memory. */
export async function connectInMemory(options: McpServerOptions): Promise<Connected> {
  const server = createMcpServer(options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** What `Client.callTool` resolves to: a tool result, or (typed only) a 2024-10-07 `toolResult`. */
type AnyToolResult = Awaited<ReturnType<Client['callTool']>>;

function toolResultOf(result: AnyToolResult): CallToolResult {
  if (!('content' in result)) throw new Error('expected a tool result with content');
  return result as CallToolResult;
}

/** The text of a tool result's single text block. */
export function textOf(result: AnyToolResult): string {
  const { content } = toolResultOf(result);
  const block = content[0];
  if (content.length !== 1 || block?.type !== 'text') throw new Error('expected one text block');
  return block.text;
}

export interface StructuredResult {
  status: string;
  raw: unknown;
  context: unknown;
  keyFields: Record<string, unknown>;
  result: { title: string; columns: string[]; rows: unknown[][] };
  errors: { failureIndicator: string; statusCode: number; message: string; code: string; item?: string }[];
}

export function structured(result: AnyToolResult): StructuredResult {
  const { structuredContent } = toolResultOf(result);
  if (structuredContent === undefined) throw new Error('no structured content');
  return structuredContent as unknown as StructuredResult;
}

/** Hosts with Kaspersky Endpoint Agent (the ones network isolation works on). */
export function edrHosts(emu: TestEmulator): HostRecord[] {
  return emu.ksc.world.hostsOf(0).filter((x) => x.products.some((p) => p.name === 'EDRAgent'));
}

const ISOLATION = {
  strType: 'SS_SETTINGS',
  strProduct: 'EDRAgent',
  strVersion: '3.0.0.0',
  strSection: 'NetworkIsolation',
};

/** The host's isolation settings as KSC stores them (raw reply text, read as admin). */
export async function isolationSettings(emu: TestEmulator, host: HostRecord): Promise<string> {
  const admin = await emu.session('admin');
  return (await admin.raw('HostGroup.SS_Read', { strHostName: host.id, ...ISOLATION })).text;
}
