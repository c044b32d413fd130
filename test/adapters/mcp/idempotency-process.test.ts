/**
 * `kconnect mcp` as users start it (`bin/kconnect.js mcp`, the connection from the environment, no test wiring):
 * a destructive tool called again with the same idempotency key acts once — within one process and after a
 * restart — because the real entry point gives the server the CLI's durable idempotency store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../../support/ksc-emulator.ts';
import { edrHosts, isolationSettings, startMcpWorld, structured, type McpWorld } from './support.ts';

const BIN = fileURLToPath(new URL('../../../bin/kconnect.js', import.meta.url));

describe('kconnect mcp honours idempotency keys by default', () => {
  let world: McpWorld;
  let dir: string;
  beforeAll(async () => {
    world = await startMcpWorld();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-mcp-idem-'));
  });
  afterAll(async () => {
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function kconnectMcp(): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--allow-destructive'],
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        KCONNECT_URL: world.emu.url,
        KCONNECT_USER: 'admin',
        KCONNECT_PASSWORD: TEST_PASSWORD,
        KCONNECT_STATE_DIR: path.join(dir, 'state'),
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'kconnect-test', version: '0.0.0' });
    await client.connect(transport);
    return client;
  }

  it('acts once per key, across calls and across a restart', async () => {
    const host = edrHosts(world.emu)[5]!;
    const isolate = { hostIds: [host.id], idempotencyKey: 'case-4711-isolate' };
    let mcp = await kconnectMcp();
    try {
      const first = structured(await mcp.callTool({ name: 'isolate_hosts', arguments: isolate }));
      expect(first.status).toBe('Successful');
      expect(await isolationSettings(world.emu, host)).toContain('"Enable":true');
      // Lifted without a key; a repeat of the keyed isolation must not isolate the host again.
      const lifted = structured(
        await mcp.callTool({ name: 'unisolate_hosts', arguments: { hostIds: [host.id] } }),
      );
      expect(lifted.status).toBe('Successful');
      const repeat = structured(await mcp.callTool({ name: 'isolate_hosts', arguments: isolate }));
      expect(repeat).toEqual(first);
      expect(await isolationSettings(world.emu, host)).toContain('"Enable":false');
    } finally {
      await mcp.close();
    }
    mcp = await kconnectMcp();
    try {
      const afterRestart = structured(await mcp.callTool({ name: 'isolate_hosts', arguments: isolate }));
      expect(afterRestart.status).toBe('Successful');
      expect(await isolationSettings(world.emu, host)).toContain('"Enable":false');
    } finally {
      await mcp.close();
    }
  });
});
