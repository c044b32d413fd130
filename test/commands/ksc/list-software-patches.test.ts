import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPatches } from '../../../src/commands/ksc/list-patches.ts';
import { listSoftware } from '../../../src/commands/ksc/list-software.ts';
import { PLATFORM_TYPE } from '../../../src/emulator/ksc/world/platforms.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;
type Wrapped = { type: string; value: Item };

describe('list_software and list_patches', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const hosts = () => h.emu.ksc.world.hostsOf(0);
  async function items(method: string, args: Record<string, string> = {}): Promise<Item[]> {
    const admin = await h.emu.session();
    return ((await admin.call(method, args))['PxgRetVal'] as { GNRL_EA_PARAM_1: Item[] }).GNRL_EA_PARAM_1;
  }

  it('lists one host’s software, named by FQDN, with the host added to KSC’s wire answer', async () => {
    const host = hosts()[4]!;
    const fqdn = host.attributes['KLHST_WKS_FQDN'] as string;
    const expected = await items('InventoryApi.GetHostInvProducts', { szwHostId: host.id });
    const result = await h.run(listSoftware, { host: fqdn });
    expect(result.status).toBe('Successful');
    const raw = result.raw as {
      KLHST_WKS_HOSTNAME: string;
      KLHST_WKS_DN: string;
      PxgRetVal: { GNRL_EA_PARAM_1: Wrapped[] };
    };
    expect(raw.KLHST_WKS_HOSTNAME).toBe(host.id);
    expect(raw.KLHST_WKS_DN).toBe(host.attributes['KLHST_WKS_DN']);
    expect(raw.PxgRetVal.GNRL_EA_PARAM_1).toHaveLength(expected.length);
    expect(raw.PxgRetVal.GNRL_EA_PARAM_1[0]!.value['VapmBuild']).toEqual({ type: 'long', value: 0 });
    expect(result.keyFields).toEqual({
      ProductIDs: expected.map((a) => a['ProductID']),
      DisplayNames: expected.map((a) => a['DisplayName']),
      DisplayVersions: expected.map((a) => a['DisplayVersion']),
      Publishers: expected.map((a) => a['Publisher']),
      TotalCount: expected.length,
    });
    expect(result.result.columns).toEqual(['Name', 'Version', 'Publisher', 'Product ID']);
    expect(result.result.rows[0]).toEqual([
      expected[0]!['DisplayName'],
      expected[0]!['DisplayVersion'],
      expected[0]!['Publisher'],
      expected[0]!['ProductID'],
    ]);
  });

  it('lists the server’s software narrowed by name and cut to the limit, counting all matches', async () => {
    const all = await items('InventoryApi.GetInvProductsList');
    const kaspersky = all.filter((a) => String(a['DisplayName']).toLowerCase().includes('kaspersky'));
    expect(kaspersky.length).toBeGreaterThan(2);
    const result = await h.run(listSoftware, { nameContains: 'KASPERSKY', limit: 2 });
    expect(result.keyFields['DisplayNames']).toEqual(kaspersky.slice(0, 2).map((a) => a['DisplayName']));
    expect(result.keyFields['TotalCount']).toBe(kaspersky.length);
    const raw = result.raw as Record<string, unknown> & { PxgRetVal: { GNRL_EA_PARAM_1: Wrapped[] } };
    expect(raw).not.toHaveProperty('KLHST_WKS_HOSTNAME');
    expect(raw.PxgRetVal.GNRL_EA_PARAM_1.map((w) => w.value['ProductID'])).toEqual(
      result.keyFields['ProductIDs'],
    );
  });

  it('lists a Windows host’s patches and none on Linux', async () => {
    const candidates = hosts().filter((x) => x.attributes['KLHST_WKS_PTYPE'] !== PLATFORM_TYPE.LINUX);
    let windows: (typeof candidates)[number] | undefined;
    let expected: Item[] = [];
    for (const candidate of candidates) {
      expected = await items('InventoryApi.GetHostInvPatches', { szwHostId: candidate.id });
      if (expected.length > 0) {
        windows = candidate;
        break;
      }
    }
    expect(windows).toBeDefined();
    const result = await h.run(listPatches, { host: windows!.id });
    expect(result.keyFields).toEqual({
      PatchIDs: expected.map((p) => p['PatchID']),
      DisplayNames: expected.map((p) => p['DisplayName']),
      Classifications: expected.map((p) => p['Classification']),
      Publishers: expected.map((p) => p['Publisher']),
      TotalCount: expected.length,
    });
    expect(result.result.columns).toEqual(['Name', 'Patch ID', 'Classification', 'Publisher']);
    const linux = hosts().find((x) => x.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX);
    expect(linux).toBeDefined();
    const none = await h.run(listPatches, { host: linux!.id });
    expect(none.status).toBe('Successful');
    expect(none.keyFields['TotalCount']).toBe(0);
    const all = await items('InventoryApi.GetInvPatchesList');
    const server = await h.run(listPatches, { nameContains: 'Security Update' });
    expect(server.keyFields['PatchIDs']).toEqual(
      all.filter((p) => String(p['DisplayName']).includes('Security Update')).map((p) => p['PatchID']),
    );
  });

  it('refuses unknown and ambiguous hosts, names bad input, and maps missing rights to 403', async () => {
    const unknown = await h.run(listSoftware, { host: 'no-such-host' });
    expect(firstError(unknown)).toMatchObject({ failureIndicator: 'List Software failed.', statusCode: 404 });
    const [a, b] = [hosts()[7]!, hosts()[8]!];
    const name = a.attributes['KLHST_WKS_DN'] as string;
    await h.emu.ksc.world.saveHosts([{ ...b, attributes: { ...b.attributes, KLHST_WKS_DN: name } }]);
    const ambiguous = await h.run(listPatches, { host: name });
    expect(firstError(ambiguous)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(firstError(ambiguous).message).toContain(a.id);
    expect(firstError(ambiguous).message).toContain(b.id);
    const bad = await h.run(listSoftware, { limit: 0 });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(limit\) is invalid/);
    const denied = await h.run(listPatches, {}, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });
});
