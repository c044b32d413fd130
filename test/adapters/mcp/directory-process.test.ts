/**
 * `kconnect mcp` as users start it (`bin/kconnect.js mcp` over stdio, a kconnect.yaml with `directory:`): the KSC
 * emulator first publishes its directory (seed 003) through a real receiver into the configured store, then an MCP
 * client's get_user_by_ip and list_users answer each matching account with its directory identity — the server
 * opens the store on first use (lazyCliDirectory) and the enrichment reads it (decision 0064).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import type { DirectoryObject } from '../../../src/emulator/ksc/directory/identity.ts';
import { testServiceDatabase } from '../http/support.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { structured } from './support.ts';

const BIN = fileURLToPath(new URL('../../../bin/kconnect.js', import.meta.url));

const CONFIG = (url: string) => `connections:
  lab: { type: ksc, url: "${url}", user: admin, passwordEnv: KSC_PASSWORD }
directory:
  state: { file: directory.db }
`;

interface Identity {
  displayName?: string;
  upn?: string;
  mail?: string;
  samName?: string;
  groups: string[];
  directGroups: string[];
}

describe('kconnect mcp with directory: enriches get_user_by_ip and list_users', () => {
  let emulator: TestEmulator;
  let service: RunningService;
  let dropServiceDatabase: () => Promise<void>;
  let dir: string;
  let users: readonly DirectoryObject[];
  let mcp: Client;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-mcp-directory-'));
    const database = await testServiceDatabase('sqlite');
    dropServiceDatabase = database.drop;
    // Only the receiver: it applies the publication into the store the configuration names.
    service = await startService({
      contexts: () => {
        throw new Error('this service only receives directory events');
      },
      commands: [],
      database: database.location,
      port: 0,
      directoryStore: { file: path.join(dir, 'directory.db') },
    });
    const ingest = (await service.tokens.create('publisher', 'ingest')).token;
    emulator = await startTestEmulator('sqlite', {
      hosts: 30,
      events: 20,
      virtualServers: [],
      directory: {
        url: `${service.url}/v1/directory/events`,
        token: ingest,
        retryInitialMs: 20,
        retryMaxMs: 200,
      },
    });
    await emulator.ksc.directory!.idle();
    users = emulator.ksc.directory!.truth().users;
    await service.close();
    writeFileSync(path.join(dir, 'kconnect.yaml'), CONFIG(emulator.url));

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        KSC_PASSWORD: TEST_PASSWORD,
        KCONNECT_STATE_DIR: path.join(dir, 'state'),
        // Not a service database of the developer's: the directory is the configured one.
        KCONNECT_SERVICE_DATABASE: path.join(dir, 'absent-service.db'),
      },
      stderr: 'pipe',
    });
    mcp = new Client({ name: 'kconnect-test', version: '0.0.0' });
    await mcp.connect(transport);
  }, 120_000);

  afterAll(async () => {
    await mcp?.close();
    await service?.close();
    await emulator?.stop();
    await dropServiceDatabase?.();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const call = async (name: string, args: Record<string, unknown>) =>
    structured(await mcp.callTool({ name, arguments: args }));
  const userBySam = (sam: string) => users.find((u) => u.samName.toLowerCase() === sam.toLowerCase());

  it('list_users gives the published domain users their directory identity', async () => {
    const result = await call('list_users', { limit: 1000 });
    expect(result.status).toBe('Successful');
    const records = result.context as unknown as {
      ul_wstrSamAccountName?: string;
      directory?: Identity;
    }[];
    const enriched = records.filter((r) => r.directory !== undefined);
    expect(enriched.length).toBeGreaterThan(0);
    for (const record of enriched) {
      const user = userBySam(record.ul_wstrSamAccountName!)!;
      expect(user).toBeDefined();
      expect(record.directory).toMatchObject({
        displayName: user.displayName,
        upn: user.upn,
        mail: user.mail,
      });
      expect(record.directory!.groups).toEqual(expect.arrayContaining(record.directory!.directGroups));
    }
    // Users the directory lacks (KSC's internal and local ones) stay as they were.
    expect(records.some((r) => r.directory === undefined)).toBe(true);
  });

  it('get_user_by_ip gives the accounts whose SID the directory knows their identity, and no other', async () => {
    const hosts = await call('list_hosts', { limit: 30 });
    const ips = (hosts.context as unknown as { ipAddress?: string }[])
      .map((h) => h.ipAddress)
      .filter((ip): ip is string => typeof ip === 'string' && ip !== '');
    expect(ips.length).toBeGreaterThan(0);
    const result = await call('get_user_by_ip', { ipAddresses: ips });
    expect(result.status).not.toBe('Failed');
    const accounts = (
      result.context as unknown as {
        accounts: { userName: string; displayName: string; directory?: Identity }[];
      }[]
    ).flatMap((h) => h.accounts);
    const enriched = accounts.filter((a) => a.directory !== undefined);
    expect(enriched.length).toBeGreaterThan(0);
    for (const account of enriched) {
      const user = userBySam(account.userName)!;
      expect(account.displayName.toUpperCase()).toBe(`CORP\\${user.samName.toUpperCase()}`);
      expect(account.directory).toMatchObject({
        displayName: user.displayName,
        upn: user.upn,
        mail: user.mail,
      });
    }
    // The hosts' local accounts (Administrator, Guest, root …) are in no directory.
    expect(accounts.filter((a) => a.directory === undefined).length).toBeGreaterThan(0);
  });
});
