/**
 * The KICS commands on every surface, generated from the registry: the CLI (`kconnect kics-list-devices
 * --connection plant`), the HTTP service (`GET /v1/commands`, `POST /v1/commands/kics_get_about`) and MCP
 * (`tools/list`, `tools/call`), each against the KICS emulator over mutual TLS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { COMMANDS } from '../../../src/commands/registry.ts';
import { KconnectError } from '../../../src/errors.ts';
import { runCli } from '../../adapters/cli/support.ts';
import { request, resultOf, testServiceDatabase } from '../../adapters/http/support.ts';
import { connectInMemory } from '../../adapters/mcp/support.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('KICS commands on the CLI, the HTTP service and MCP', () => {
  let h: KicsCommandHarness;
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 40, events: 20 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('kconnect kics-list-devices --connection plant lists the filtered devices', async () => {
    const run = await runCli(
      ['kics-list-devices', '--connection', 'plant', '--status', 'Unauthorized,Recognized', '--limit', '5'],
      { cwd: h.dir, env: { ...h.env, KCONNECT_FORMAT: undefined } },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; keyFields: { DevicesCount: number } };
    expect(result.status).toBe('Successful');
    expect(result.keyFields.DevicesCount).toBe(5);
  });

  describe('the HTTP service', () => {
    let service: RunningService;
    let drop: () => Promise<void>;
    let token: string;
    beforeAll(async () => {
      const database = await testServiceDatabase('sqlite');
      drop = database.drop;
      service = await startService({
        contexts: (connection) => {
          if (connection !== undefined && connection !== 'plant')
            throw new KconnectError('NOT_FOUND', `connection: no connection named "${connection}"`);
          return h.context();
        },
        clients: () => h.factory.vendorClient('plant'),
        connections: ['plant'],
        defaultConnection: 'plant',
        database: database.location,
        port: 0,
        logger: () => undefined,
      });
      token = (await service.tokens.create('soar-reader', 'read')).token;
    });
    afterAll(async () => {
      await service?.close();
      await drop?.();
    });

    it('lists the KICS commands with their vendor', async () => {
      const answer = await request(service.url, '/v1/commands', { token });
      expect(answer.status).toBe(200);
      const { commands } = JSON.parse(answer.text) as {
        commands: { name: string; vendor: string; roles?: string[]; rights?: unknown[] }[];
      };
      // Every KICS command of the registry, in its order, and nothing else marked KICS.
      expect(commands.filter((c) => c.vendor === 'kics').map((c) => c.name)).toEqual(
        COMMANDS.filter((c) => c.vendor === 'kics').map((c) => c.name),
      );
      expect(commands.filter((c) => c.vendor === 'kics').length).toBeGreaterThanOrEqual(20);
      // Each says the KICS roles that may run it (a change: Administrator only), and no KSC rights.
      const byName = new Map(commands.map((c) => [c.name, c]));
      expect(byName.get('kics_list_devices')?.roles).toEqual(['Operator', 'Administrator']);
      expect(byName.get('kics_set_device_status')?.roles).toEqual(['Administrator']);
      expect(byName.get('kics_list_devices')?.rights).toBeUndefined();
      expect(byName.get('list_hosts')?.roles).toBeUndefined();
      expect(byName.get('list_hosts')?.rights?.length).toBeGreaterThan(0);
    });

    it('runs POST /v1/commands/kics_get_about on the kics connection', async () => {
      const answer = await request(service.url, '/v1/commands/kics_get_about?connection=plant', {
        token,
        body: '{}',
      });
      expect(answer.status).toBe(200);
      const result = resultOf(answer);
      expect(result.status).toBe('Successful');
      expect(result.keyFields['Version']).toBe((await h.kics.store.dictionaries()).about.version);
    });
  });

  it('MCP lists the KICS tools and runs one', async () => {
    const mcp = await connectInMemory({
      commands: COMMANDS,
      context: () => h.context(),
      allowDestructive: false,
    });
    try {
      const { tools } = await mcp.client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'kics_test_connection',
          'kics_get_about',
          'kics_list_devices',
          'kics_get_device',
        ]),
      );
      const answer = await mcp.client.callTool({ name: 'kics_list_devices', arguments: { limit: 3 } });
      expect(answer.isError ?? false).toBe(false);
      expect(
        (answer.structuredContent as { keyFields: { DevicesCount: number } }).keyFields.DevicesCount,
      ).toBe(3);
    } finally {
      await mcp.close();
    }
  });
});
