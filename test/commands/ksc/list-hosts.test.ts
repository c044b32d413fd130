import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHosts } from '../../../src/commands/ksc/list-hosts.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

describe('list_hosts', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns seed 001’s shapes: wire raw, plain context with ipAddress, typed key fields, a count table', async () => {
    const result = await h.run(listHosts, { limit: 5 });
    expect(result.status).toBe('Successful');
    const raw = result.raw as {
      pChunk: { KLCSP_ITERATOR_ARRAY: { type: string; value: Record<string, unknown> }[] };
      PxgRetVal: number;
    };
    expect(raw.PxgRetVal).toBe(h.emu.ksc.world.hostsOf(0).length);
    expect(raw.pChunk.KLCSP_ITERATOR_ARRAY).toHaveLength(5);
    const first = raw.pChunk.KLCSP_ITERATOR_ARRAY[0]!;
    expect(first.type).toBe('params');
    expect(first.value['KLHST_WKS_IP_LONG']).toMatchObject({ type: 'long' });
    expect(first.value['KLHST_WKS_LAST_NAGENT_CONNECTED']).toMatchObject({ type: 'datetime' });
    const context = result.context as Record<string, unknown>[];
    expect(context).toHaveLength(5);
    expect(typeof context[0]!['KLHST_WKS_IP_LONG']).toBe('number');
    expect(context[0]!['ipAddress']).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const [i, host] of context.entries()) {
      const statusId = host['KLHST_WKS_STATUS_ID'] as number;
      expect(host['statusName']).toBe(['OK', 'Critical', 'Warning'][statusId]);
      expect(Array.isArray(host['statusDescriptions'])).toBe(true);
      expect(host['rtpStateDescription'], `host ${i}`).toEqual(expect.any(String));
    }
    expect(result.keyFields).toMatchObject({ TotalHostCount: raw.PxgRetVal });
    const keys = result.keyFields as Record<string, unknown[]>;
    expect(keys['HostIDs']).toEqual(context.map((c) => c['KLHST_WKS_HOSTNAME']));
    expect(keys['HostIPs']).toEqual(context.map((c) => c['ipAddress']));
    expect(result.result).toEqual({ title: 'List Hosts', columns: ['Hosts Count'], rows: [[5]] });
  });

  it('pages through the hosts sorted by name: offset + limit, no overlap, no gap', async () => {
    const all = h.emu.ksc.world.hostsOf(0);
    const expected = [...all]
      .map((x) => [x.attributes['KLHST_WKS_DN'] as string, x.id] as const)
      .sort(([a, i], [b, j]) => (a === b ? (i < j ? -1 : 1) : a.localeCompare(b, 'en')))
      .map(([, id]) => id);
    const size = Math.ceil(all.length / 3);
    const seen: string[] = [];
    for (let offset = 0; offset < all.length; offset += size) {
      const page = await h.run(listHosts, { limit: size, offset });
      expect(page.status).toBe('Successful');
      expect(page.keyFields['TotalHostCount']).toBe(all.length);
      seen.push(...(page.keyFields['HostIDs'] as string[]));
    }
    expect(new Set(seen).size).toBe(all.length);
    const names = (ids: string[]) =>
      ids.map((id) => h.emu.ksc.world.hosts.get(id)!.attributes['KLHST_WKS_DN']);
    expect(names(seen)).toEqual(names(expected));
    const beyond = await h.run(listHosts, { limit: 10, offset: all.length });
    expect(beyond.keyFields['HostIDs']).toEqual([]);
    expect(beyond.keyFields['TotalHostCount']).toBe(all.length);
  });

  it('filters with the KSC search syntax and reports a bad filter as seed 001 does', async () => {
    const host = [...h.emu.ksc.world.hostsOf(0)][0]!;
    const dn = host.attributes['KLHST_WKS_DN'] as string;
    const one = await h.run(listHosts, { filter: `(KLHST_WKS_DN = "${dn}")` });
    expect(one.keyFields['HostNames']).toEqual([dn]);
    const bad = await h.run(listHosts, { filter: '(KLHST_WKS_DN = "x"' });
    expect(bad.status).toBe('Failed');
    expect(firstError(bad)).toMatchObject({ failureIndicator: 'List Hosts failed.', statusCode: 400 });
  });

  it('names the field of bad input, and maps missing rights to 403', async () => {
    const bad = await h.run(listHosts, { limit: 0 });
    expect(firstError(bad)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(limit\) is invalid/);
    const denied = await h.run(listHosts, {}, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });
});
