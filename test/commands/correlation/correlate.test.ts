/**
 * IT/OT correlation against both real emulators started with the same seed (so the KICS world's engineering
 * stations are KSC hosts too), through a kconnect.yaml with a ksc and a kics connection and the real config →
 * context factory path; the HTTP service for a token limited to one connection.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { commandOutputSchema } from '../../../src/commands/core/result.ts';
import type { CommandDefinition, CommandResult } from '../../../src/commands/core/types.ts';
import { resolveAsset } from '../../../src/commands/ksc/resolve-asset.ts';
import { kicsGetDevice } from '../../../src/commands/kics/get-device.ts';
import { kicsListDevices } from '../../../src/commands/kics/list-devices.ts';
import { getHostStatus } from '../../../src/commands/ksc/get-host-status.ts';
import { listHosts } from '../../../src/commands/ksc/list-hosts.ts';
import { COMMANDS } from '../../../src/commands/registry.ts';
import { createContextFactory, loadConfig, type ContextFactory } from '../../../src/config/index.ts';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { Device } from '../../../src/kics/model.ts';
import { startKicsEmulator, type RunningKicsEmulator } from '../../../src/emulator/kics/emulator.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { request, resultOf } from '../../adapters/http/support.ts';

const PACKAGE_PASSWORD = 'test-only-package-password-correlation';
const HOSTS = 80;
const env = { KSC_PASSWORD: TEST_PASSWORD, PLANT_PACKAGE_PASSWORD: PACKAGE_PASSWORD };

function yaml(ksc: TestEmulator, kics: RunningKicsEmulator, extra = ''): string {
  return (
    'connections:\n' +
    `  corp:\n    type: ksc\n    url: ${ksc.url}\n    user: admin\n    passwordEnv: KSC_PASSWORD\n` +
    `  plant:\n    type: kics\n    package: ${kics.packageDir}\n    packagePasswordEnv: PLANT_PACKAGE_PASSWORD\n` +
    extra
  );
}

describe('IT/OT correlation', () => {
  let dir: string;
  let ksc: TestEmulator;
  let kics: RunningKicsEmulator;
  let factory: ContextFactory;
  let twins: Device[];

  const run = async (
    command: CommandDefinition,
    input: unknown,
    connection = 'corp',
  ): Promise<CommandResult> => {
    const result = await executeCommand(command, factory.context(connection), input);
    const checked = commandOutputSchema(command.keyFields).safeParse(result);
    expect(checked.success, checked.success ? '' : checked.error.message).toBe(true);
    return result;
  };
  const configWith = (text: string) => {
    const own = mkdtempSync(join(dir, 'config-'));
    writeFileSync(join(own, 'kconnect.yaml'), text);
    return () => loadConfig({ env, cwd: own });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-correlation-'));
    ksc = await startTestEmulator('sqlite', { hosts: HOSTS, events: 50, seed: 7 });
    kics = await startKicsEmulator({
      port: 0,
      dataDir: join(dir, 'kics'),
      seed: 7,
      kscHosts: HOSTS,
      devices: 40,
      events: 20,
      connectorPassword: PACKAGE_PASSWORD,
    });
    writeFileSync(join(dir, 'kconnect.yaml'), yaml(ksc, kics));
    factory = createContextFactory(loadConfig({ env, cwd: dir }), {
      env: {},
      client: { sleep: () => Promise.resolve() },
    });
    const client = factory.context('plant').kics as KicsClient;
    const page = await client.queryDevices({ limit: 1000 });
    twins = page.values.filter((d) => d.description.includes('managed by Kaspersky Security Center'));
    expect(twins.length).toBeGreaterThan(1);
  });
  afterAll(async () => {
    await factory?.close();
    await kics?.close();
    await ksc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves a machine by IP: the KICS device and the KSC host, high confidence from IP at the same time and name', async () => {
    const twin = twins[0]!;
    const ip = twin.addressInformation[0]!.ipAddresses[0]!.ip;
    const result = await run(resolveAsset, { ipAddress: ip });
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toMatchObject({
      Resolution: 'matched',
      Confidence: 'high',
      Ambiguous: false,
      KicsDeviceIds: [twin.id],
      KscHostNames: [twin.name],
    });
    const match = (result.context as { matches: { evidence: { kind: string }[] }[] }).matches[0]!;
    expect(match.evidence.map((e) => e.kind).sort()).toEqual(['ip', 'name']);
    expect(match.evidence.find((e) => e.kind === 'ip')).toMatchObject({ ip, atSameTime: true });
  });

  it('resolves by MAC (through the KICS device) and by name, from either connection', async () => {
    const twin = twins[1]!;
    const mac = twin.addressInformation[0]!.macAddress!.toUpperCase();
    const byMac = await run(resolveAsset, { macAddress: mac });
    expect(byMac.keyFields).toMatchObject({
      Resolution: 'matched',
      KicsDeviceIds: [twin.id],
      KscHostNames: [twin.name],
    });
    const byName = await run(resolveAsset, { name: twin.name }, 'plant');
    expect(byName.keyFields).toMatchObject({ Resolution: 'matched', KicsDeviceIds: [twin.id] });
    expect(byName.keyFields['KscHostIds']).toEqual(byMac.keyFields['KscHostIds']);
  });

  it('reports an ambiguous match, never a guess: two KICS devices with the same address and host name', async () => {
    // The machine resolved by MAC and name above (some twins sit on a KSC virtual server, out of this account's view).
    const twin = twins[1]!;
    const ip = twin.addressInformation[0]!.ipAddresses[0]!.ip;
    const client = factory.context('plant').kics as KicsClient;
    // KICS names are unique, but a second device named by the machine's FQDN-style name shares its host part.
    await client.createDevice({
      name: `${twin.name}.plant.local`,
      category: 'EngineeringStation',
      addressInformation: [{ macAddress: null, ipAddresses: [{ ip }] }],
    });
    const result = await run(resolveAsset, { ipAddress: ip });
    expect(result.keyFields).toMatchObject({ Resolution: 'ambiguous', Ambiguous: true });
    expect((result.keyFields['KicsDeviceIds'] as number[]).length).toBe(2);
  });

  it('fails with NOT_FOUND when neither product knows the address, and refuses two references at once', async () => {
    const none = await run(resolveAsset, { ipAddress: '203.0.113.250' });
    expect(none.errors[0]).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    const two = await run(resolveAsset, { ipAddress: '10.0.0.1', name: 'x' });
    expect(two.errors[0]?.message).toMatch(/give only one of them/);
  });

  it('adds the KSC host and its status to KICS devices, and the KICS device with open vulnerabilities to KSC hosts', async () => {
    const twin = twins[0]!;
    const one = await run(kicsGetDevice, { deviceId: twin.id, withKscStatus: true }, 'plant');
    expect(one.keyFields['KscHostId']).toEqual(expect.any(String));
    expect(['OK', 'Critical', 'Warning']).toContain(one.keyFields['KscHostStatus']);
    expect(one.keyFields['KscMatchConfidence']).toBe('high');
    const plain = await run(kicsGetDevice, { deviceId: twin.id }, 'plant');
    expect(plain.keyFields).not.toHaveProperty('KscHostId');

    const list = await run(kicsListDevices, { withKscStatus: true, limit: 40 }, 'plant');
    const ids = list.keyFields['DeviceIds'] as number[];
    const hostIds = list.keyFields['KscHostIds'] as (string | null)[];
    expect(hostIds).toHaveLength(ids.length);
    expect(hostIds[ids.indexOf(twin.id)]).toBe(one.keyFields['KscHostId']);

    const status = await run(getHostStatus, { hostNames: [twin.name], withKics: true });
    expect(status.keyFields['KicsDeviceIds']).toEqual([twin.id]);
    const open = twin.vulnerabilities.filter((v) => v.state === 'Active').length;
    expect(status.keyFields['KicsOpenVulnerabilityCounts']).toEqual([open]);
  });

  it('checks correlateWith at load, and names it when a companion is missing', () => {
    const ghost = configWith(
      yaml(ksc, kics).replace('    type: ksc\n', '    type: ksc\n    correlateWith: nowhere\n'),
    );
    expect(ghost).toThrow(/connections\.corp\.correlateWith: no connection named "nowhere"/);
    const same = configWith(
      yaml(ksc, kics) +
        `  corp2:\n    type: ksc\n    url: ${ksc.url}\n    user: admin\n    passwordEnv: KSC_PASSWORD\n    correlateWith: corp\n`,
    );
    expect(same).toThrow(/connections\.corp2\.correlateWith: "corp" is a ksc connection/);
  });

  it('without a companion: required fails naming correlateWith, optional enrichment too, other vendors as before', async () => {
    // Two KICS connections and no correlateWith: no companion is guessed.
    const load = configWith(
      yaml(ksc, kics) +
        `  plant2:\n    type: kics\n    package: ${kics.packageDir}\n    packagePasswordEnv: PLANT_PACKAGE_PASSWORD\n`,
    );
    const lonely = createContextFactory(load(), { env: {} });
    try {
      const required = await executeCommand(resolveAsset, lonely.context('corp'), { name: 'x' });
      expect(required.errors[0]?.message).toMatch(/correlateWith/);
      const optional = await executeCommand(getHostStatus, lonely.context('corp'), {
        hostNames: ['x'],
        withKics: true,
      });
      expect(optional.errors[0]?.message).toMatch(/withKics.*correlateWith/);
    } finally {
      await lonely.close();
    }
    // A KSC command without companions on the KICS connection fails as it always has.
    const wrong = await executeCommand(listHosts, factory.context('plant'), {});
    expect(wrong.errors[0]?.message).toMatch(/needs a connection to Kaspersky Security Center/);
  });

  it('the HTTP service keeps a token limited to one connection off the companion', async () => {
    const database = mkdtempSync(join(dir, 'service-'));
    let service: RunningService | undefined;
    try {
      service = await startService({
        contexts: (name?: string) => factory.context(name),
        database: { file: join(database, 'service.db') },
        port: 0,
        logger: () => undefined,
        defaultConnection: 'corp',
      } as never);
      const limited = await service.tokens.create('corp-only', 'read', ['corp']);
      const call = (name: string, input: unknown) =>
        request(service!.url, `/v1/commands/${name}?connection=corp`, {
          method: 'POST',
          token: limited.token,
          body: JSON.stringify(input),
        });
      const refused = resultOf(await call('resolve_asset', { name: twins[0]!.name }));
      expect(refused.errors[0]).toMatchObject({ code: 'ACCESS_DENIED' });
      expect(refused.errors[0]?.message).not.toContain('plant');
      const dropped = resultOf(
        await call('get_host_status', { hostNames: [twins[0]!.name], withKics: true }),
      );
      expect(dropped.errors[0]?.message).toMatch(/correlateWith/);
      const plain = resultOf(await call('get_host_status', { hostNames: [twins[0]!.name] }));
      expect(plain.status).toBe('Successful');
    } finally {
      await service?.close();
    }
  });

  it('registers resolve_asset as a KSC command with a required KICS companion', () => {
    const found = COMMANDS.find((c) => c.name === 'resolve_asset');
    expect(found).toMatchObject({ vendor: 'ksc', companions: { kics: 'required' } });
  });
});
