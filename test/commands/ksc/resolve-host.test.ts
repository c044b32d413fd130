import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveHost } from '../../../src/commands/ksc/resolve-host.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Raw = {
  results: {
    reference: string;
    pChunk: { KLCSP_ITERATOR_ARRAY: { type: string; value: Record<string, unknown> }[] };
    PxgRetVal: number;
  }[];
};
type Report = {
  reference: string;
  outcome: string;
  matches: { hostId: string; displayName: string; ip: string | null; matchedBy: string[] }[];
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

describe('resolve_host', () => {
  let h: CommandHarness;
  let hosts: readonly HostRecord[];
  const attr = (host: HostRecord, name: string) => String(host.attributes[name]);

  beforeAll(async () => {
    h = await startCommandHarness();
    hosts = h.emu.ksc.world.hostsOf(0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('resolves ids, names, FQDNs and addresses, saying which attribute matched', async () => {
    const host = hosts[2]!;
    const ip = dotted(host.attributes['KLHST_WKS_IP_LONG']);
    const references = [host.id, attr(host, 'KLHST_WKS_DN').toLowerCase(), attr(host, 'KLHST_WKS_FQDN'), ip];
    const result = await h.run(resolveHost, { hosts: references });
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toEqual({
      HostIDs: [host.id],
      ResolvedReferences: references,
      AmbiguousReferences: [],
      UnknownReferences: [],
    });
    const report = result.context as Report[];
    expect(report.map((r) => [r.outcome, r.matches.map((m) => m.matchedBy)])).toEqual([
      ['unique', [['id']]],
      ['unique', [['displayName']]],
      ['unique', [['fqdn']]],
      ['unique', [['ip']]],
    ]);
    expect(report[3]?.matches[0]).toMatchObject({
      hostId: host.id,
      displayName: attr(host, 'KLHST_WKS_DN'),
      ip,
    });

    const raw = result.raw as Raw;
    expect(raw.results.map((r) => r.reference)).toEqual(references);
    expect(raw.results[0]?.PxgRetVal).toBe(1);
    const item = raw.results[0]?.pChunk.KLCSP_ITERATOR_ARRAY[0];
    expect(item?.type).toBe('params');
    expect(item?.value['KLHST_WKS_IP_LONG']).toEqual({
      type: 'long',
      value: Number(host.attributes['KLHST_WKS_IP_LONG']),
    });
    expect(result.result.columns).toEqual([
      'Reference',
      'Outcome',
      'Host ID',
      'Host Name',
      'IP Address',
      'Matched By',
    ]);
    expect(result.result.rows[3]).toEqual([ip, 'unique', host.id, attr(host, 'KLHST_WKS_DN'), ip, 'ip']);
  });

  it('reports an unknown reference as a 404 item, and treats wildcards as plain characters', async () => {
    const host = hosts[0]!;
    const result = await h.run(resolveHost, { hosts: [host.id, 'no-such-host', 'BR01-*'] });
    expect(result.status).toBe('Partially Successful');
    expect(result.keyFields['UnknownReferences']).toEqual(['no-such-host', 'BR01-*']);
    expect(result.errors.map((e) => [e.item, e.statusCode, e.code])).toEqual([
      ['no-such-host', 404, 'NOT_FOUND'],
      ['BR01-*', 404, 'NOT_FOUND'],
    ]);
    expect((result.context as Report[])[1]).toMatchObject({ outcome: 'not found', matches: [] });
    expect(result.result.rows[1]).toEqual(['no-such-host', 'not found', null, null, null, null]);
  });

  it('names the field of bad input and maps missing rights to 403', async () => {
    const empty = await h.run(resolveHost, { hosts: [] });
    expect(firstError(empty).message).toMatch(/^The value for parameter \(hosts\) is invalid/);
    const blank = await h.run(resolveHost, { hosts: ['  '] });
    expect(firstError(blank).message).toMatch(/^The value for parameter \(hosts\.0\) is invalid/);
    const denied = await h.run(resolveHost, { hosts: [hosts[0]!.id] }, 'no-rights');
    expect(denied.status).toBe('Failed');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });

  it('reports a name several hosts share as ambiguous with every match; an id still names one host', async () => {
    const [first, second] = [hosts[4]!, hosts[5]!];
    const shared = attr(first, 'KLHST_WKS_DN');
    await h.emu.ksc.world.saveHosts([
      { ...second, attributes: { ...second.attributes, KLHST_WKS_DN: shared.toLowerCase() } },
    ]);
    const result = await h.run(resolveHost, { hosts: [shared, second.id] });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['AmbiguousReferences']).toEqual([shared]);
    expect(result.keyFields['ResolvedReferences']).toEqual([second.id]);
    expect(new Set(result.keyFields['HostIDs'] as string[])).toEqual(new Set([first.id, second.id]));
    const report = (result.context as Report[])[0]!;
    expect(report.outcome).toBe('ambiguous');
    expect(new Set(report.matches.map((m) => m.hostId))).toEqual(new Set([first.id, second.id]));
    expect(report.matches.every((m) => m.matchedBy.includes('displayName'))).toBe(true);
  });

  it('runs its documented example', async () => {
    const result = await h.run(resolveHost, resolveHost.example);
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);
  });
});
