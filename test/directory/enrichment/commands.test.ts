/**
 * Enrichment over real surfaces: the KSC emulator publishes its directory (seed 003) into a running service, and
 * get_user_by_ip / list_users through the service's HTTP route add each matching user's directory identity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { COMMANDS } from '../../../src/commands/registry.ts';
import { TestContexts, request, resultOf, testServiceDatabase } from '../../adapters/http/support.ts';
import { startTestEmulator, type TestEmulator } from '../../support/ksc-emulator.ts';

interface Identity {
  displayName?: string;
  upn?: string;
  mail?: string;
  groups: string[];
  directGroups: string[];
}

describe('directory enrichment of get_user_by_ip and list_users through the HTTP service', () => {
  let emu: TestEmulator;
  let service: RunningService;
  let contexts: TestContexts;
  let drop: () => Promise<void>;
  let readToken: string;

  beforeAll(async () => {
    const database = await testServiceDatabase('sqlite');
    drop = database.drop;
    // The service first (the emulator publishes to it); its contexts reach the emulator once it runs.
    const ready: { contexts?: TestContexts } = {};
    service = await startService({
      contexts: (connection) => {
        if (ready.contexts === undefined) throw new Error('emulator not started yet');
        return ready.contexts.context(connection);
      },
      commands: COMMANDS,
      database: database.location,
      port: 0,
      directoryStore: 'service',
    });
    const ingest = (await service.tokens.create('publisher', 'ingest')).token;
    readToken = (await service.tokens.create('reader', 'read')).token;
    emu = await startTestEmulator('sqlite', {
      hosts: 60,
      events: 50,
      virtualServers: [],
      directory: {
        url: `${service.url}/v1/directory/events`,
        token: ingest,
        retryInitialMs: 20,
        retryMaxMs: 200,
      },
    });
    contexts = new TestContexts(emu);
    ready.contexts = contexts;
    await emu.ksc.directory!.idle();
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await contexts?.close();
    await emu?.stop();
    await drop?.();
  });

  const call = async (name: string, input: unknown) =>
    resultOf(
      await request(service.url, `/v1/commands/${name}`, {
        method: 'POST',
        token: readToken,
        body: JSON.stringify(input),
      }),
    );

  it('list_users adds the directory identity to the domain users it publishes, by trustee id and SID', async () => {
    const result = await call('list_users', { limit: 1000 });
    expect(result.status).toBe('Successful');
    const records = result.context as unknown as {
      ul_wstrSamAccountName?: string;
      ul_Local?: boolean;
      directory?: Identity;
    }[];
    const enriched = records.filter((r) => r.directory !== undefined);
    expect(enriched.length).toBeGreaterThan(0);
    for (const record of enriched) {
      expect(record.directory!.upn!.split('@')[0]!.toLowerCase()).toBe(
        record.ul_wstrSamAccountName!.toLowerCase(),
      );
      expect(record.directory!.groups).toEqual(expect.arrayContaining(record.directory!.directGroups));
    }
    // Internal and local users have no directory twin: no field, the D3 record unchanged.
    expect(records.some((r) => r.directory === undefined)).toBe(true);
  });

  it('get_user_by_ip adds the identity to accounts whose SID the directory knows', async () => {
    const users = await call('list_users', { limit: 1000 });
    const hosts = await call('list_hosts', { limit: 60 });
    const ips = (hosts.context as unknown as { ipAddress?: string; KLHST_WKS_IP_LONG?: unknown }[])
      .map((h) => h.ipAddress)
      .filter((ip): ip is string => typeof ip === 'string' && ip !== '')
      .slice(0, 20);
    expect(ips.length).toBeGreaterThan(0);
    expect(users.status).toBe('Successful');
    const result = await call('get_user_by_ip', { ipAddresses: ips });
    const accounts = (
      result.context as unknown as { accounts: { userName: string; directory?: Identity }[] }[]
    ).flatMap((h) => h.accounts);
    const enriched = accounts.filter((a) => a.directory !== undefined);
    expect(enriched.length).toBeGreaterThan(0);
    for (const account of enriched)
      expect(account.directory!.upn!.split('@')[0]!.toLowerCase()).toBe(account.userName.toLowerCase());
    // The D3 key fields are as before: no directory field there.
    expect(Object.keys(result.keyFields).sort()).toEqual(
      ['DisplayNames', 'HostNames', 'IPAddresses', 'SIDs', 'UserNames'].sort(),
    );
  });
});
