import { describe, expect, it } from 'vitest';
import { generateWorld, splitHosts } from '../../../src/emulator/ksc/world/generate.ts';
import { ipFromKlInt, ipFromKlLong } from '../../../src/emulator/ksc/world/ipv4.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { PLATFORM_TYPE } from '../../../src/emulator/ksc/world/platforms.ts';
import {
  HOST_STATE,
  MASK_BIT,
  STATUS_ID,
  computeHostStatus,
  hostFactsFromAttributes,
} from '../../../src/emulator/ksc/world/status.ts';
import type { KlValue } from '../../../src/ksc/values.ts';
import { bit, dateOf, DAY_MS, NOW, numberOf, stableJson } from './helpers.ts';

const OPTIONS = {
  seed: 20240601,
  hosts: 5_000,
  events: 2_000,
  now: NOW,
  virtualServers: ['Tenant A', 'Tenant B'],
};
const world = generateWorld(OPTIONS);
const groupsById = new Map(world.groups.map((group) => [group.id, group] as const));

/** A sample of the world that covers every part, including the first and last events. */
function sample(options: typeof OPTIONS): string {
  const w = generateWorld(options);
  const events = [...w.events];
  return stableJson({
    vservers: w.vservers,
    groups: w.groups,
    hosts: [w.hosts[0], w.hosts[1], w.hosts[Math.floor(w.hosts.length / 2)], w.hosts.at(-1)],
    hostIds: w.hosts.map((host) => host.id),
    events: [events[0], events[1], events.at(-2), events.at(-1)],
  });
}

function isUnassigned(host: HostRecord): boolean {
  for (let group = groupsById.get(host.groupId); group !== undefined;) {
    if (group.name === 'Unassigned devices' && group.parentId === null) return true;
    group = group.parentId === null ? undefined : groupsById.get(group.parentId);
  }
  return false;
}

/**
 * Collects violated expectations instead of calling `expect` per attribute: a quarter of a million `expect` calls
 * take seconds, and one list of every offending host reads better than the first failure.
 */
class Problems {
  readonly found: string[] = [];
  check(ok: boolean, host: HostRecord, what: string): void {
    if (!ok && this.found.length < 20) this.found.push(`${String(host.attributes['KLHST_WKS_DN'])}: ${what}`);
  }
}

const isInt32 = (value: KlValue | undefined): boolean =>
  typeof value === 'number' && Number.isInteger(value) && (value | 0) === value;

describe('world generation', () => {
  it('is deterministic: the same seed and sizes give the same world, byte for byte', () => {
    expect(sample(OPTIONS)).toBe(sample(OPTIONS));
  });

  it('gives a different world for a different seed', () => {
    expect(sample({ ...OPTIONS, seed: OPTIONS.seed + 1 })).not.toBe(sample(OPTIONS));
  });

  it('keeps the hosts when only the number of events changes', () => {
    const more = generateWorld({ ...OPTIONS, events: 10 });
    expect(stableJson(more.hosts.slice(0, 50))).toBe(stableJson(world.hosts.slice(0, 50)));
  });

  it('re-iterates the same events', () => {
    expect(stableJson([...world.events].slice(-3))).toBe(stableJson([...world.events].slice(-3)));
  });

  it('has exactly the requested sizes and the servers it was asked for', () => {
    expect(world.hosts.length).toBe(5_000);
    expect([...world.events].length).toBe(2_000);
    expect(world.vservers).toEqual([
      { id: 0, name: '', displayName: 'Administration Server' },
      { id: 1, name: 'Tenant A', displayName: 'Tenant A' },
      { id: 2, name: 'Tenant B', displayName: 'Tenant B' },
    ]);
    const perServer = [0, 1, 2].map((id) => world.hosts.filter((host) => host.vserverId === id).length);
    expect(perServer).toEqual(splitHosts(5_000, 2));
    expect(perServer[0]).toBeGreaterThan(5_000 / 2);
    expect(generateWorld({ ...OPTIONS, hosts: 0, events: 0 }).hosts).toEqual([]);
    expect(generateWorld({ seed: 1, hosts: 7, events: 3, now: NOW }).hosts.length).toBe(7);
  });

  it('rejects impossible options', () => {
    expect(() => generateWorld({ ...OPTIONS, hosts: -1 })).toThrow(RangeError);
    expect(() => generateWorld({ ...OPTIONS, events: 1.5 })).toThrow(RangeError);
    expect(() => generateWorld({ ...OPTIONS, virtualServers: ['A', 'A'] })).toThrow(RangeError);
    expect(() => generateWorld({ ...OPTIONS, virtualServers: [''] })).toThrow(RangeError);
  });
});

describe('every host of a 5,000-host world is consistent', () => {
  it('has unique ids and display names unique within its server', () => {
    expect(new Set(world.hosts.map((host) => host.id)).size).toBe(world.hosts.length);
    for (const server of world.vservers) {
      const names = world.hosts
        .filter((host) => host.vserverId === server.id)
        .map((host) => host.attributes['KLHST_WKS_DN']);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('sits in an existing group of its own server', () => {
    const problems = new Problems();
    for (const host of world.hosts) {
      const a = host.attributes;
      problems.check(
        groupsById.get(host.groupId)?.vserverId === host.vserverId,
        host,
        'group missing or of another server',
      );
      problems.check(a['KLHST_WKS_GROUPID'] === host.groupId, host, 'KLHST_WKS_GROUPID');
      problems.check(a['KLHST_WKS_HOSTNAME'] === host.id, host, 'KLHST_WKS_HOSTNAME');
      problems.check(
        a['KLHST_WKS_FROM_UNASSIGNED'] === isUnassigned(host),
        host,
        'KLHST_WKS_FROM_UNASSIGNED',
      );
    }
    expect(problems.found).toEqual([]);
  });
  it('never carries undefined or null and types every attribute as spec §7.2 says', () => {
    const longs = [
      'KLHST_WKS_IP_LONG',
      'KLHST_WKS_CONNECT_IP_LONG',
      'KLHST_WKS_VIRUS_COUNT',
      'KLHST_WKS_UNCURED_COUNT',
    ];
    const ints = [
      'KLHST_WKS_GROUPID',
      'KLHST_WKS_IP',
      'KLHST_WKS_STATUS',
      'KLHST_WKS_STATUS_ID',
      'KLHST_WKS_STATUS_MASK',
      'KLHST_WKS_RTP_STATE',
      'KLHST_WKS_RTP_ERROR_CODE',
      'KLHST_WKS_CTYPE',
      'KLHST_WKS_PTYPE',
      'KLHST_WKS_OS_VER_MAJOR',
      'KLHST_WKS_OS_VER_MINOR',
      'KLHST_WKS_NAG_VER_ID',
      'KLHST_WKS_WINDOMAIN_TYPE',
      'KLHST_WKS_CPU_ARCH',
    ];
    const dates = [
      'KLHST_WKS_CREATED',
      'KLHST_WKS_LAST_VISIBLE',
      'KLHST_WKS_LAST_INFOUDATE',
      'KLHST_WKS_LAST_NAGENT_CONNECTED',
      'KLHST_WKS_LAST_UPDATE',
      'KLHST_WKS_LAST_FULLSCAN',
      'KLHST_WKS_RTP_AV_BASES_TIME',
      'KLHST_WKS_LAST_SYSTEM_START',
    ];
    const problems = new Problems();
    for (const host of world.hosts) {
      const a = host.attributes;
      for (const [name, value] of Object.entries(a))
        problems.check(value !== undefined && value !== null, host, `${name} is empty`);
      for (const name of longs)
        if (name in a) problems.check(typeof a[name] === 'bigint', host, `${name} is not a long`);
      for (const name of ints) if (name in a) problems.check(isInt32(a[name]), host, `${name} is not an int`);
      for (const name of dates) {
        if (!(name in a)) continue;
        const value = a[name];
        const time = value instanceof Date ? value.getTime() : Number.NaN;
        problems.check(time % 1000 === 0 && time <= NOW, host, `${name} is not a whole-second past datetime`);
      }
      problems.check(typeof a['KLHST_WKS_DN'] === 'string', host, 'no display name');
      problems.check(
        !('KLHST_WKS_RBT_REQUIRED' in a) || typeof a['KLHST_WKS_RBT_REQUIRED'] === 'boolean',
        host,
        'RBT_REQUIRED',
      );
    }
    expect(problems.found).toEqual([]);
  });

  it('encodes one address in KLHST_WKS_IP_LONG and KLHST_WKS_IP', () => {
    for (const host of world.hosts) {
      const long = host.attributes['KLHST_WKS_IP_LONG'] as bigint;
      const int = host.attributes['KLHST_WKS_IP'] as number;
      expect(long).toBeGreaterThanOrEqual(0n);
      expect(long).toBeLessThan(2n ** 32n);
      expect(ipFromKlLong(long)).toBe(ipFromKlInt(int));
    }
  });

  it('derives status bits, RTP state, extended mask and status id from the same facts', () => {
    const problems = new Problems();
    for (const host of world.hosts) {
      const a = host.attributes;
      const check = (ok: boolean, what: string): void => problems.check(ok, host, what);
      const status = numberOf(a['KLHST_WKS_STATUS']);
      const mask = numberOf(a['KLHST_WKS_STATUS_MASK']);
      const rtp = numberOf(a['KLHST_WKS_RTP_STATE']);
      const statusId = numberOf(a['KLHST_WKS_STATUS_ID']);
      const visible = (status & HOST_STATE.VISIBLE) !== 0;
      const agent = (status & HOST_STATE.AGENT_INSTALLED) !== 0;
      const alive = (status & HOST_STATE.AGENT_ALIVE) !== 0;
      const av = (status & HOST_STATE.RTP_INSTALLED) !== 0;
      const products = host.products.map((product) => product.name);

      check(
        visible === NOW - dateOf(a['KLHST_WKS_LAST_VISIBLE']) < 3_600_000,
        'visible iff seen within the hour',
      );
      check(
        ((status & HOST_STATE.ADDED_TO_GROUP) !== 0) === (a['KLHST_WKS_FROM_UNASSIGNED'] === false),
        '0x2 iff not unassigned',
      );
      check(agent === (typeof a['KLHST_WKS_NAG_VERSION'] === 'string'), '0x4 iff agent version');
      check(agent === products.includes('1103'), '0x4 iff Network Agent product');
      check(!alive || agent, '0x8 only with 0x4');
      check(av === (typeof a['KLHST_WKS_RTP_AV_VERSION'] === 'string'), '0x10 iff AV version');
      check(av === (products.includes('KES') || products.includes('KESL')), '0x10 iff KES/KESL');

      check(av || rtp === 0, 'RTP state 0 without AV');
      check(
        !(rtp >= 4 && rtp <= 8) || (av && !bit(mask, 1) && !bit(mask, 2)),
        'running RTP only with AV running',
      );
      check((rtp === 1) === (av && (bit(mask, 1) || bit(mask, 2))), 'RTP stopped iff mask bit 1 or 2');
      check([0, 1, 4, 5, 6, 7, 8].includes(rtp), 'RTP state value');

      check(bit(mask, MASK_BIT.NO_AV) === !av, 'bit 5 iff no AV');
      check(!bit(mask, 4), 'bit 4 never');
      const basesAge = av ? (NOW - dateOf(a['KLHST_WKS_RTP_AV_BASES_TIME'])) / DAY_MS : null;
      check(
        bit(mask, MASK_BIT.OLD_BASES) === (basesAge !== null && basesAge > 7),
        'bit 7 iff bases > 7 days',
      );
      const scanAge =
        'KLHST_WKS_LAST_FULLSCAN' in a ? (NOW - dateOf(a['KLHST_WKS_LAST_FULLSCAN'])) / DAY_MS : null;
      check(
        bit(mask, MASK_BIT.OLD_FULL_SCAN) === (av && (scanAge === null || scanAge > 30)),
        'bit 6 iff scan > 30 days',
      );
      const connectAge = agent ? (NOW - dateOf(a['KLHST_WKS_LAST_NAGENT_CONNECTED'])) / DAY_MS : null;
      check(
        bit(mask, MASK_BIT.OLD_LAST_CONNECT) === (connectAge !== null && connectAge > 30),
        'bit 8 iff connect > 30 days',
      );
      check(
        bit(mask, MASK_BIT.UNCURED_OBJECTS) === (agent && numberOf(a['KLHST_WKS_UNCURED_COUNT']) > 0),
        'bit 10 iff uncured',
      );
      check(
        bit(mask, MASK_BIT.REBOOT_REQUIRED) === (a['KLHST_WKS_RBT_REQUIRED'] === true),
        'bit 11 iff reboot',
      );
      check(
        bit(mask, MASK_BIT.AGENT_INACTIVE) === (visible && agent && !alive),
        'bit 0 iff online, agent inactive',
      );
      check(
        !bit(mask, MASK_BIT.VIRUSES_DETECTED) || (av && numberOf(a['KLHST_WKS_VIRUS_COUNT']) > 0),
        'bit 3 needs viruses',
      );
      check(!bit(mask, MASK_BIT.LICENSE_EXPIRED) || av, 'bit 9 needs AV');

      const critical = [1, 2, 3, 5, 10].some((n) => bit(mask, n)) || (bit(mask, 7) && (basesAge ?? 0) > 14);
      check(
        statusId === (critical ? STATUS_ID.CRITICAL : mask !== 0 ? STATUS_ID.WARNING : STATUS_ID.OK),
        'status id',
      );

      const recomputed = computeHostStatus(hostFactsFromAttributes(a, NOW));
      check(
        recomputed.status === status &&
          recomputed.statusMask === mask &&
          recomputed.statusId === statusId &&
          recomputed.rtpState === rtp,
        'status recomputed from the attributes differs',
      );
    }
    expect(problems.found).toEqual([]);
  });

  it('orders its times: created, then bases, update and scan, then the last connection', () => {
    const problems = new Problems();
    for (const host of world.hosts) {
      const a = host.attributes;
      const check = (ok: boolean, what: string): void => problems.check(ok, host, what);
      const created = dateOf(a['KLHST_WKS_CREATED']);
      check(created <= NOW - 35 * DAY_MS, 'created before the event window');
      check(created <= dateOf(a['KLHST_WKS_LAST_VISIBLE']), 'created before last seen');
      if (!('KLHST_WKS_NAG_VERSION' in a)) continue;
      const connected = dateOf(a['KLHST_WKS_LAST_NAGENT_CONNECTED']);
      check(created < connected, 'created before the last connection');
      check(connected <= dateOf(a['KLHST_WKS_LAST_VISIBLE']), 'connected no later than last seen');
      check(dateOf(a['KLHST_WKS_LAST_INFOUDATE']) === connected, 'info updated at the last connection');
      if ('KLHST_WKS_RTP_AV_VERSION' in a) {
        const bases = dateOf(a['KLHST_WKS_RTP_AV_BASES_TIME']);
        const update = dateOf(a['KLHST_WKS_LAST_UPDATE']);
        check(bases <= update && update <= connected, 'bases released, installed, then reported');
        if ('KLHST_WKS_LAST_FULLSCAN' in a)
          check(dateOf(a['KLHST_WKS_LAST_FULLSCAN']) <= connected, 'scan reported');
      }
    }
    expect(problems.found).toEqual([]);
  });
  it('omits what a host does not have', () => {
    for (const host of world.hosts) {
      const a = host.attributes;
      if (!('KLHST_WKS_RTP_AV_VERSION' in a)) {
        for (const name of [
          'KLHST_WKS_RTP_AV_BASES_TIME',
          'KLHST_WKS_LAST_FULLSCAN',
          'KLHST_WKS_LAST_UPDATE',
        ])
          expect(name in a).toBe(false);
      }
      if (!('KLHST_WKS_NAG_VERSION' in a)) {
        expect(host.products).toEqual([]);
        for (const name of [
          'KLHST_INSTANCEID',
          'KLHST_WKS_LAST_NAGENT_CONNECTED',
          'KLHST_WKS_CONNECT_IP_LONG',
        ])
          expect(name in a).toBe(false);
      }
      if (a['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX) expect('KLHST_WKS_OS_BUILD_NUMBER' in a).toBe(false);
    }
  });

  it('describes its products the way GetHostProducts reports them, consistent with the host attributes', () => {
    const problems = new Problems();
    for (const host of world.hosts) {
      const a = host.attributes;
      const check = (ok: boolean, what: string): void => problems.check(ok, host, what);
      const linux = a['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX;
      for (const product of host.products) {
        const info = product.info;
        check(typeof info['DisplayName'] === 'string', `${product.name} DisplayName`);
        check(
          info['InstallTime'] instanceof Date && info['LastUpdateTime'] instanceof Date,
          `${product.name} times`,
        );
        check(isInt32(info['BaseRecords']), `${product.name} BaseRecords`);
        switch (product.name) {
          case '1103': {
            check(product.version === '1.0.0.0', 'agent version key');
            check(info['ProdVersion'] === a['KLHST_WKS_NAG_VERSION'], 'agent build');
            const [major, minor] = String(info['ProdVersion']).split('.').map(Number);
            check(
              a['KLHST_WKS_NAG_VER_ID'] === (((major ?? 0) << 16) | (minor ?? 0)),
              'KLHST_WKS_NAG_VER_ID',
            );
            break;
          }
          case 'KES':
          case 'KESL':
            check(product.name === (linux ? 'KESL' : 'KES'), 'KES on Windows, KESL on Linux');
            check(info['ProdVersion'] === a['KLHST_WKS_RTP_AV_VERSION'], 'AV build');
            check(dateOf(info['BaseDate']) === dateOf(a['KLHST_WKS_RTP_AV_BASES_TIME']), 'BaseDate');
            check(dateOf(info['BaseInstallDate']) === dateOf(a['KLHST_WKS_LAST_UPDATE']), 'BaseInstallDate');
            check(
              dateOf(info['BaseInstallDate']) >= dateOf(info['BaseDate']),
              'bases installed after release',
            );
            check(numberOf(info['BaseRecords']) > 10_000_000, 'BaseRecords');
            break;
          case 'EDRAgent':
            check(!linux && product.version === '3.0.0.0', 'Endpoint Agent on Windows');
            break;
          default:
            check(false, `unexpected product ${product.name}`);
        }
      }
    }
    expect(problems.found).toEqual([]);
  });
});

describe('the mix of a 5,000-host world', () => {
  const share = (predicate: (host: HostRecord) => boolean): number =>
    world.hosts.filter(predicate).length / world.hosts.length;
  const status = (host: HostRecord): number => numberOf(host.attributes['KLHST_WKS_STATUS']);

  it('is mostly OK, about 10 % Warning and 5 % Critical', () => {
    expect(share((h) => h.attributes['KLHST_WKS_STATUS_ID'] === STATUS_ID.OK)).toBeGreaterThan(0.8);
    expect(share((h) => h.attributes['KLHST_WKS_STATUS_ID'] === STATUS_ID.WARNING)).toBeGreaterThan(0.07);
    expect(share((h) => h.attributes['KLHST_WKS_STATUS_ID'] === STATUS_ID.WARNING)).toBeLessThan(0.13);
    expect(share((h) => h.attributes['KLHST_WKS_STATUS_ID'] === STATUS_ID.CRITICAL)).toBeGreaterThan(0.035);
    expect(share((h) => h.attributes['KLHST_WKS_STATUS_ID'] === STATUS_ID.CRITICAL)).toBeLessThan(0.07);
  });

  it('has about 3 % without a security application and 20 % offline', () => {
    expect(share((h) => (status(h) & HOST_STATE.RTP_INSTALLED) === 0)).toBeGreaterThan(0.02);
    expect(share((h) => (status(h) & HOST_STATE.RTP_INSTALLED) === 0)).toBeLessThan(0.045);
    expect(share((h) => (status(h) & HOST_STATE.VISIBLE) === 0)).toBeGreaterThan(0.16);
    expect(share((h) => (status(h) & HOST_STATE.VISIBLE) === 0)).toBeLessThan(0.25);
  });

  it('is about 75 % Windows, with Kaspersky Endpoint Agent on about 40 % of the Windows hosts', () => {
    const windows = world.hosts.filter((h) => h.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.WINDOWS_NT);
    expect(windows.length / world.hosts.length).toBeGreaterThan(0.71);
    expect(windows.length / world.hosts.length).toBeLessThan(0.79);
    const withAgent = windows.filter((h) => h.products.length > 0);
    const withKea = withAgent.filter((h) => h.products.some((p) => p.name === 'EDRAgent'));
    expect(withKea.length / withAgent.length).toBeGreaterThan(0.35);
    expect(withKea.length / withAgent.length).toBeLessThan(0.45);
  });

  it('puts a few hosts in Unassigned devices and spreads the rest over the user groups', () => {
    const unassigned = share(isUnassigned);
    expect(unassigned).toBeGreaterThan(0.01);
    expect(unassigned).toBeLessThan(0.05);
    const used = new Set(world.hosts.map((h) => h.groupId));
    expect(used.size).toBeGreaterThan(20);
  });
});
