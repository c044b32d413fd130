import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4FromLong } from '../../../src/commands/ksc/shared/ipv4.ts';
import { listApplications } from '../../../src/commands/ksc/list-applications.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;
type Wrapped = { type: string; value: Item };

describe('list_applications', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const host = (i: number) => h.emu.ksc.world.hostsOf(0)[i]!;
  const dn = (i: number) => host(i).attributes['KLHST_WKS_DN'] as string;
  async function inventory(id: string): Promise<Item[]> {
    const admin = await h.emu.session();
    const reply = await admin.call('InventoryApi.GetHostInvProducts', { szwHostId: id });
    return (reply['PxgRetVal'] as { GNRL_EA_PARAM_1: Item[] }).GNRL_EA_PARAM_1;
  }

  it('lists per host in seed 001’s raw shape, with its key fields and result table', async () => {
    const ip = ipv4FromLong(host(3).attributes['KLHST_WKS_IP_LONG'])!;
    const result = await h.run(listApplications, { hostNames: [dn(1), ip] });
    expect(result.status).toBe('Successful');
    const raw = result.raw as {
      results: {
        KLHST_WKS_DN: string;
        KLHST_WKS_HOSTNAME: string;
        PxgRetVal: { GNRL_EA_PARAM_1: Wrapped[] };
      }[];
    };
    expect(raw.results.map((r) => [r.KLHST_WKS_DN, r.KLHST_WKS_HOSTNAME])).toEqual([
      [dn(1), host(1).id],
      [dn(3), host(3).id],
    ]);
    const first = raw.results[0]!.PxgRetVal.GNRL_EA_PARAM_1[0]!;
    expect(first.type).toBe('params');
    expect(first.value['VapmBuild']).toEqual({ type: 'long', value: 0 });
    expect(first.value['InstanceID']).toEqual({ type: 'binary', value: 'AA==' });

    const expected = [...(await inventory(host(1).id)), ...(await inventory(host(3).id))];
    expect(expected.length).toBeGreaterThan(2);
    expect(result.keyFields).toEqual({
      ApplicationNames: expected.map((a) => a['DisplayName']),
      ApplicationVersions: expected.map((a) => a['DisplayVersion']),
      AppInstallDirectories: expected.map((a) => a['InstallDir']),
      AppUninstallStrings: expected.map((a) => a['UninstallString']),
    });
    const context = result.context as Item[];
    expect(context).toHaveLength(expected.length);
    expect(context[0]).toMatchObject({ KLHST_WKS_DN: dn(1), KLHST_WKS_HOSTNAME: host(1).id, VapmBuild: 0 });
    expect(context[0]!['InstanceID']).toBe('AA==');
    const firstCount = (await inventory(host(1).id)).length;
    expect(result.result).toEqual({
      title: 'List Applications',
      columns: ['Host Name', 'Application Count'],
      rows: [
        [dn(1), firstCount],
        [dn(3), expected.length - firstCount],
      ],
    });
  });

  it('lists every application of the server once without hosts', async () => {
    const admin = await h.emu.session();
    const all = (
      (await admin.call('InventoryApi.GetInvProductsList'))['PxgRetVal'] as { GNRL_EA_PARAM_1: Item[] }
    ).GNRL_EA_PARAM_1;
    const result = await h.run(listApplications, {});
    const raw = result.raw as { results: Record<string, unknown>[] };
    expect(raw.results).toHaveLength(1);
    expect(raw.results[0]).not.toHaveProperty('KLHST_WKS_HOSTNAME');
    expect(result.keyFields['ApplicationNames']).toEqual(all.map((a) => a['DisplayName']));
    expect(result.result.rows).toEqual([['All hosts', all.length]]);
  });

  it('reports unknown hosts one by one, with the others’ data (Partially Successful), and rights', async () => {
    const partial = await h.run(listApplications, { hostNames: ['no-such-host', dn(2)] });
    expect(partial.status).toBe('Partially Successful');
    expect(partial.errors).toEqual([
      expect.objectContaining({
        failureIndicator: 'List Applications failed.',
        item: 'no-such-host',
        statusCode: 404,
        code: 'NOT_FOUND',
      }),
    ]);
    expect(partial.keyFields['ApplicationNames']).toEqual(
      (await inventory(host(2).id)).map((a) => a['DisplayName']),
    );
    const none = await h.run(listApplications, { hostNames: ['no-such-host'] });
    expect(none.status).toBe('Failed');
    const bad = await h.run(listApplications, { hostNames: [] });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(hostNames\) is invalid/);
    const denied = await h.run(listApplications, {}, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    // Without the Managed devices scope no host is found: the message points at the likely cause.
    const hidden = await h.run(listApplications, { hostNames: [dn(2)] }, 'server-only');
    expect(firstError(hidden)).toMatchObject({ statusCode: 404 });
    expect(firstError(hidden).message).toContain('Managed devices scope');
  });
});
