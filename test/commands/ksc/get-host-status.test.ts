import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHostStatus, HOST_STATUS_FIELDS } from '../../../src/commands/ksc/get-host-status.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import {
  extendedStatusText,
  hostStateDescriptions,
  rtpStateDescription,
} from '../../../src/status/host-status.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type WireItem = {
  type: string;
  value: Record<string, unknown>;
  appInfo: { PxgRetVal: Record<string, unknown> };
};
type Raw = { pChunk: { KLCSP_ITERATOR_ARRAY: WireItem[] }; PxgRetVal: number };

/** Dotted IPv4 of a `KLHST_WKS_IP_LONG`, computed here rather than by the code under test. */
function dotted(long: unknown): string {
  const n = Number(long);
  return [
    Math.floor(n / 2 ** 24) % 256,
    Math.floor(n / 2 ** 16) % 256,
    Math.floor(n / 256) % 256,
    n % 256,
  ].join('.');
}

const iso = (value: unknown) =>
  value instanceof Date ? value.toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
const popcount = (n: number) => n.toString(2).replaceAll('0', '').length;
const STATUS_NAMES = ['OK', 'Critical', 'Warning'];

describe('get_host_status', () => {
  let h: CommandHarness;
  let hosts: readonly HostRecord[];
  const a = (host: HostRecord, name: string) => host.attributes[name];
  const withProducts = (...codes: string[]) =>
    hosts.find(
      (x) => x.products.length === codes.length && codes.every((c) => x.products.some((p) => p.name === c)),
    )!;

  beforeAll(async () => {
    h = await startCommandHarness();
    hosts = h.emu.ksc.world.hostsOf(0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns seed 001’s shapes: FindHosts items with D3’s enrichments and appInfo, typed key fields', async () => {
    const kes = withProducts('1103', 'KES');
    const linux = withProducts('1103', 'KESL');
    expect(kes).toBeDefined();
    expect(linux).toBeDefined();
    const result = await h.run(getHostStatus, { hostNames: [a(kes, 'KLHST_WKS_DN'), linux.id] });
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);

    const raw = result.raw as Raw;
    expect(raw.PxgRetVal).toBe(2);
    const [first, second] = raw.pChunk.KLCSP_ITERATOR_ARRAY;
    expect(first?.type).toBe('params');
    expect(first?.value['KLHST_WKS_HOSTNAME']).toBe(kes.id);
    expect(second?.value['KLHST_WKS_HOSTNAME']).toBe(linux.id);
    expect(first?.value['KLHST_WKS_IP_LONG']).toEqual({
      type: 'long',
      value: Number(a(kes, 'KLHST_WKS_IP_LONG')),
    });
    expect(first?.value['KLHST_WKS_LAST_VISIBLE']).toEqual({
      type: 'datetime',
      value: iso(a(kes, 'KLHST_WKS_LAST_VISIBLE')),
    });
    for (const name of HOST_STATUS_FIELDS) {
      if (a(kes, name) !== undefined) expect(first?.value, name).toHaveProperty(name);
    }
    // D3's enrichments sit beside the attributes inside `value`; appInfo beside `type`/`value`.
    expect(first?.value['ipAddress']).toBe(dotted(a(kes, 'KLHST_WKS_IP_LONG')));
    expect(first?.value['platformType']).toBe('Windows NT/2000/XP/2003/Vista');
    expect(first?.value['status']).toBe(STATUS_NAMES[a(kes, 'KLHST_WKS_STATUS_ID') as number]);
    expect(first?.value['statusDescriptions']).toHaveLength(popcount(a(kes, 'KLHST_WKS_STATUS') as number));
    expect(typeof first?.value['rtpStateDescription']).toBe('string');
    expect(typeof first?.value['hostExtStatuses']).toBe('string');
    // Since decision 0060 the emulator reports KLHST_APP_INFO, in the wire shape of seed 001's appInfo.
    expect(first?.appInfo.PxgRetVal).toMatchObject({
      KLHST_WKS_DN: a(kes, 'KLHST_WKS_DN'),
      KLHST_WKS_HOSTNAME: kes.id,
      KLHST_APP_INFO: { type: 'params', value: expect.objectContaining({ '1103': expect.anything() }) },
    });
    // No table names the Linux platform type: it is said to be unknown, not guessed.
    expect(second?.value['platformType']).toBe(
      `Unknown platform type (${String(a(linux, 'KLHST_WKS_PTYPE'))})`,
    );

    const context = result.context as Record<string, unknown>[];
    expect(context).toHaveLength(2);
    expect(context[0]?.['KLHST_WKS_IP_LONG']).toBe(Number(a(kes, 'KLHST_WKS_IP_LONG')));
    expect(context[0]?.['KLHST_WKS_LAST_VISIBLE']).toBe(iso(a(kes, 'KLHST_WKS_LAST_VISIBLE')));
    expect(context[0]?.['ipAddress']).toBe(dotted(a(kes, 'KLHST_WKS_IP_LONG')));
    // Application states come from KLHST_APP_INFO now (decision 0060), not a stateless GetHostProducts.
    expect(context[1]?.['applications']).toEqual([
      expect.objectContaining({ name: '1103', version: '1.0.0.0', state: expect.anything() }),
      expect.objectContaining({ name: 'KESL', version: '12.0.0.0', state: expect.anything() }),
    ]);

    const pair = [kes, linux];
    expect(result.keyFields).toEqual({
      HostIDs: [kes.id, linux.id],
      HostIPs: pair.map((x) => dotted(a(x, 'KLHST_WKS_IP_LONG'))),
      LongHostIPs: pair.map((x) => Number(a(x, 'KLHST_WKS_IP_LONG'))),
      HostNames: pair.map((x) => a(x, 'KLHST_WKS_DN')),
      StatusIDs: pair.map((x) => a(x, 'KLHST_WKS_STATUS_ID')),
      HostGeneralStatuses: pair.map((x) => STATUS_NAMES[a(x, 'KLHST_WKS_STATUS_ID') as number]),
      HostStatusMasks: pair.map((x) => a(x, 'KLHST_WKS_STATUS_MASK')),
      // The decoders are tested against seed 001's words on their own; here: each applied to its attribute.
      HostExtStatuses: pair.map((x) => extendedStatusText(a(x, 'KLHST_WKS_STATUS_MASK') as number)),
      PlatformTypes: ['Windows NT/2000/XP/2003/Vista', 'Unknown platform type (6)'],
      HostStatuses: pair.map((x) => a(x, 'KLHST_WKS_STATUS')),
      HostStatusDescriptions: pair.map((x) =>
        hostStateDescriptions(a(x, 'KLHST_WKS_STATUS') as number).join(', '),
      ),
      RealTimeProtectionStatuses: pair.map((x) => a(x, 'KLHST_WKS_RTP_STATE')),
      RealTimeProtectionStatusDescriptions: pair.map((x) =>
        rtpStateDescription(a(x, 'KLHST_WKS_RTP_STATE') as number),
      ),
      LastTimeFullScan: pair.map((x) => iso(a(x, 'KLHST_WKS_LAST_FULLSCAN'))),
      // The names come from KLHST_APP_INFO, in the order of the installed products.
      APPNames: pair.flatMap((x) => x.products.map((p) => p.name)),
      // KLHST_APP_INFO's states (decision 0060): both hosts of this test run every product.
      APPStates: pair.flatMap((x) => x.products.map(() => 3)),
      LastAntiVirusDBUpdates: pair.map((x) => iso(a(x, 'KLHST_WKS_LAST_UPDATE'))),
    });
    expect(result.result).toEqual({ title: 'Get Host Status', columns: ['Hosts Count'], rows: [[2]] });
  });

  it('words the status as D3 does', async () => {
    const visibleAgent = hosts.find(
      (x) => a(x, 'KLHST_WKS_STATUS') === 31 && a(x, 'KLHST_WKS_RTP_STATE') === 4,
    );
    const oldBases = hosts.find((x) => ((a(x, 'KLHST_WKS_STATUS_MASK') as number) & 128) !== 0);
    const critical = hosts.find((x) => a(x, 'KLHST_WKS_STATUS_ID') === 1);
    expect(visibleAgent && oldBases && critical).toBeDefined();
    const result = await h.run(getHostStatus, { hostNames: [visibleAgent!.id, oldBases!.id, critical!.id] });
    const keys = result.keyFields as Record<string, unknown[]>;
    expect(keys['HostStatusDescriptions']?.[0]).toBe(
      "host is visible, host is added to an administration group, Network Agent is installed, Network Agent is 'alive', real-time protection is installed",
    );
    expect(keys['RealTimeProtectionStatusDescriptions']?.[0]).toBe(
      'Running (if anti-virus application does not support categories of state Running)',
    );
    expect(keys['HostExtStatuses']?.[1]).toContain(
      'Anti-virus bases were updated too long ago (more than KLSRV_HSTSTAT_OLD_AV_BASES days).',
    );
    expect(keys['HostGeneralStatuses']?.[2]).toBe('Critical');
    expect(keys['HostExtStatuses']?.[2]).not.toBe('');
  });

  it('reports each name on its own: an unknown one is a 404 item, the others still come back', async () => {
    const host = hosts[0]!;
    const result = await h.run(getHostStatus, {
      hostNames: [a(host, 'KLHST_WKS_DN'), 'no-such-host', 'BR01-*'],
    });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors.map((e) => [e.item, e.statusCode, e.failureIndicator])).toEqual([
      ['no-such-host', 404, 'Get Host Status failed.'],
      // A wildcard is an ordinary character: no host has that name.
      ['BR01-*', 404, 'Get Host Status failed.'],
    ]);
    expect(result.keyFields['HostIDs']).toEqual([host.id]);
    expect(result.result.rows).toEqual([[1]]);

    const none = await h.run(getHostStatus, { hostNames: ['no-such-host'] });
    expect(none.status).toBe('Failed');
    expect(firstError(none)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', item: 'no-such-host' });
  });

  it('reports a host named twice (by name, id, FQDN and IP) once', async () => {
    const host = hosts[3]!;
    const result = await h.run(getHostStatus, {
      hostNames: [
        a(host, 'KLHST_WKS_DN'),
        host.id,
        String(a(host, 'KLHST_WKS_FQDN')).toUpperCase(),
        dotted(a(host, 'KLHST_WKS_IP_LONG')),
      ],
    });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['HostIDs']).toEqual([host.id]);
  });

  it('returns the Return Fields plus what the status words need', async () => {
    const host = hosts[1]!;
    const result = await h.run(getHostStatus, {
      hostNames: [host.id],
      returnFields: ['KLHST_WKS_ANTI_SPAM_STATUS', 'KLHST_WKS_NAG_VERSION'],
    });
    const value = (result.raw as Raw).pChunk.KLCSP_ITERATOR_ARRAY[0]?.value ?? {};
    expect(value['KLHST_WKS_NAG_VERSION']).toBe(a(host, 'KLHST_WKS_NAG_VERSION'));
    expect(value).toHaveProperty('KLHST_WKS_ANTI_SPAM_STATUS');
    expect(value).toHaveProperty('KLHST_WKS_STATUS_MASK');
    expect(value).not.toHaveProperty('KLHST_WKS_OS_NAME');
  });

  it('names the field of bad input and maps missing rights to 403', async () => {
    const missing = await h.run(getHostStatus, {});
    expect(firstError(missing)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(missing).message).toMatch(/^The value for parameter \(hostNames\) is invalid/);
    const badField = await h.run(getHostStatus, { hostNames: ['x'], returnFields: ['bad name'] });
    expect(firstError(badField).message).toMatch(/^The value for parameter \(returnFields\.0\) is invalid/);

    const host = hosts[0]!;
    const denied = await h.run(getHostStatus, { hostNames: [host.id] }, 'no-rights');
    expect(denied.status).toBe('Failed');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED', item: host.id });
    // Without the Managed devices scope KSC finds no device: the host is unknown to that user.
    const serverOnly = await h.run(getHostStatus, { hostNames: [host.id] }, 'server-only');
    expect(firstError(serverOnly)).toMatchObject({ statusCode: 404 });
    expect((await h.run(getHostStatus, { hostNames: [host.id] }, 'reader')).status).toBe('Successful');
  });

  it('runs its documented example', async () => {
    const result = await h.run(getHostStatus, getHostStatus.example);
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);
  });
});
