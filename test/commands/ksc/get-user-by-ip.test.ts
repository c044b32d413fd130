import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUserByIp } from '../../../src/commands/ksc/get-user-by-ip.ts';
import { hostAccounts } from '../../../src/emulator/ksc/users/accounts.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Wrapped = { type: string; value: Record<string, unknown> };
type Raw = {
  results: {
    ip_address: string;
    KLHST_WKS_DN: string;
    KLHST_WKS_HOSTNAME: string;
    PxgRetVal: { KLNAG_ACCNTS_ACCOUNTS: { type: string; value: Record<string, Wrapped> } };
  }[];
};

function dotted(long: unknown): string {
  const n = Number(long);
  return [
    Math.floor(n / 2 ** 24) % 256,
    Math.floor(n / 2 ** 16) % 256,
    Math.floor(n / 256) % 256,
    n % 256,
  ].join('.');
}

const sorted = (values: readonly unknown[]) => [...values].map(String).sort();

describe('get_user_by_ip', () => {
  let h: CommandHarness;
  let hosts: readonly HostRecord[];
  const ipOf = (host: HostRecord) => dotted(host.attributes['KLHST_WKS_IP_LONG']);
  const withAgent = () => hosts.filter((x) => x.products.some((p) => p.name === '1103'));

  beforeAll(async () => {
    h = await startCommandHarness();
    hosts = h.emu.ksc.world.hostsOf(0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns seed 001’s shapes: per address the host and its agent’s KLNAG_ACCNTS_ACCOUNTS', async () => {
    const [one, two] = withAgent();
    const result = await h.run(getUserByIp, { ipAddresses: [ipOf(one!), ipOf(two!)] });
    expect(result.status).toBe('Successful');

    const raw = result.raw as Raw;
    expect(raw.results.map((r) => [r.ip_address, r.KLHST_WKS_DN, r.KLHST_WKS_HOSTNAME])).toEqual(
      [one!, two!].map((x) => [ipOf(x), x.attributes['KLHST_WKS_DN'], x.id]),
    );
    const accounts = raw.results[0]!.PxgRetVal.KLNAG_ACCNTS_ACCOUNTS;
    expect(accounts.type).toBe('params');
    const expected = hostAccounts(one!);
    expect(sorted(Object.keys(accounts.value))).toEqual(sorted(expected.map((x) => x.key)));
    const admin = expected.find((x) => x.sam === 'Administrator')!;
    expect(accounts.value[admin.key]).toEqual({
      type: 'params',
      value: {
        KLNAG_ACCNTS_DN: admin.dn,
        KLNAG_ACCNTS_IFUSER: true,
        KLNAG_ACCNTS_SAM: 'Administrator',
        KLNAG_ACCNTS_SID: { type: 'binary', value: Buffer.from(admin.sid).toString('base64') },
      },
    });

    const both = [...expected, ...hostAccounts(two!)];
    expect(sorted(result.keyFields['UserNames'] as string[])).toEqual(sorted(both.map((x) => x.sam)));
    expect(sorted(result.keyFields['DisplayNames'] as string[])).toEqual(sorted(both.map((x) => x.dn)));
    expect(sorted(result.keyFields['SIDs'] as string[])).toEqual(
      sorted(both.map((x) => Buffer.from(x.sid).toString('base64'))),
    );
    expect(result.keyFields['IPAddresses']).toEqual([ipOf(one!), ipOf(two!)]);
    expect(result.keyFields['HostNames']).toEqual([one!, two!].map((x) => x.attributes['KLHST_WKS_DN']));

    const context = result.context as { ip_address: string; accounts: { userName: string; sid: string }[] }[];
    expect(context[0]?.ip_address).toBe(ipOf(one!));
    expect(sorted(context[0]!.accounts.map((x) => x.userName))).toEqual(sorted(expected.map((x) => x.sam)));
    expect(result.result.title).toBe('Get User By IP');
    expect(result.result.columns).toEqual(['IP Address', 'Host Name', 'User Name', 'Display Name', 'SID']);
    expect(result.result.rows).toHaveLength(both.length);
  });

  it('reports each address on its own: bad address 400 ("Invalid IP."), unknown 404, no agent 404', async () => {
    const good = withAgent()[0]!;
    const agentless = hosts.find((x) => x.products.length === 0);
    expect(agentless).toBeDefined();
    const taken = new Set(hosts.map(ipOf));
    const unused = ['192.0.2.1', '192.0.2.2', '198.51.100.7'].find((ip) => !taken.has(ip))!;
    const result = await h.run(getUserByIp, {
      ipAddresses: [ipOf(good), '10.0.0.256', unused, ipOf(agentless!)],
    });
    expect(result.status).toBe('Partially Successful');
    expect(result.keyFields['IPAddresses']).toEqual([ipOf(good)]);
    expect(result.errors.map((e) => [e.item, e.statusCode, e.failureIndicator])).toEqual([
      ['10.0.0.256', 400, 'Get User By IP failed.'],
      [unused, 404, 'Get User By IP failed.'],
      [ipOf(agentless!), 404, 'Get User By IP failed.'],
    ]);
    expect(result.errors[0]!.message).toMatch(/^Invalid IP\./);
    expect(result.errors[2]!.message).toContain('Network Agent');
    expect(result.errors[2]!.message).toContain(agentless!.id);

    const bad = await h.run(getUserByIp, { ipAddresses: ['host-name'] });
    expect(bad.status).toBe('Failed');
    expect(firstError(bad)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', item: 'host-name' });
  });

  it('names the field of bad input and maps missing rights to 403', async () => {
    const missing = await h.run(getUserByIp, {});
    expect(firstError(missing).message).toMatch(/^The value for parameter \(ipAddresses\) is invalid/);
    const ip = ipOf(withAgent()[0]!);
    const denied = await h.run(getUserByIp, { ipAddresses: [ip] }, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED', item: ip });
    expect((await h.run(getUserByIp, { ipAddresses: [ip] }, 'reader')).status).toBe('Successful');
  });

  it('runs its documented example', async () => {
    const result = await h.run(getUserByIp, getUserByIp.example);
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);
  });
});
