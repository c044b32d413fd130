import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, compileTemplate, renderTemplate } from '../../../src/emulator/ksc/world/event-types.ts';
import {
  generateEvents,
  makeHostStatusEvent,
  makeLiveEvent,
} from '../../../src/emulator/ksc/world/events.ts';
import { generateWorld } from '../../../src/emulator/ksc/world/generate.ts';
import { createLiveEvents } from '../../../src/emulator/ksc/world/live.ts';
import type { EventRecord, HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { Random } from '../../../src/emulator/core/random.ts';
import { STATUS_ID } from '../../../src/emulator/ksc/world/status.ts';
import { dateOf, DAY_MS, NOW, numberOf } from './helpers.ts';

const world = generateWorld({
  seed: 77,
  hosts: 5_000,
  events: 60_000,
  now: NOW,
  virtualServers: ['Tenant A'],
});
const events = [...world.events];
const hostsById = new Map(world.hosts.map((host) => [host.id, host] as const));
const groupsById = new Map(world.groups.map((group) => [group.id, group] as const));
const WINDOW_START = NOW - 30 * DAY_MS;

/** Collects violations (one `expect` per test instead of one per event). */
function violations(check: (event: EventRecord, fail: (what: string) => void) => void): string[] {
  const found: string[] = [];
  for (const event of events) {
    check(event, (what) => {
      if (found.length < 20) found.push(`event ${event.id} (${event.eventType}): ${what}`);
    });
  }
  return found;
}

describe('generated event history', () => {
  it('numbers events 1, 2, … in rise-time order within the 30 days before now', () => {
    expect(events.length).toBe(60_000);
    let previous: EventRecord | undefined;
    const found = violations((event, fail) => {
      if (event.id !== (previous?.id ?? 0) + 1) fail('id does not follow the previous one');
      if (previous !== undefined && event.riseTime < previous.riseTime) fail('rise time goes back');
      if (event.riseTime < WINDOW_START || event.riseTime > NOW) fail('rise time outside the window');
      if (event.riseTime % 1000 !== 0) fail('rise time not a whole second');
      previous = event;
    });
    expect(found).toEqual([]);
    expect(events[0]?.riseTime).toBeLessThan(WINDOW_START + DAY_MS);
    expect(events.at(-1)?.riseTime).toBeGreaterThan(NOW - DAY_MS);
  });

  it('keeps the indexed fields, the attributes and the world consistent', () => {
    const found = violations((event, fail) => {
      const a = event.attributes;
      for (const [name, value] of Object.entries(a))
        if (value === undefined || value === null) fail(`${name} is empty`);
      if (a['event_db_id'] !== BigInt(event.id)) fail('event_db_id');
      if (a['event_id'] !== event.id) fail('event_id');
      if (a['event_type'] !== event.eventType || EVENT_TYPES[event.eventType] === undefined)
        fail('event_type');
      if (a['GNRL_EA_SEVERITY'] !== event.severity || ![1, 2, 3, 4].includes(event.severity))
        fail('severity');
      if (dateOf(a['rise_time']) !== event.riseTime) fail('rise_time');
      const registered = dateOf(a['registration_time']);
      if (registered < event.riseTime || registered > NOW || registered - event.riseTime > 10_000)
        fail('registration_time');
      if (a['KLVSRV_ID'] !== event.vserverId) fail('KLVSRV_ID');
      if (typeof a['GNRL_EA_DESCRIPTION'] !== 'string' || a['GNRL_EA_DESCRIPTION'].length === 0)
        fail('description');
      if (typeof a['event_type_display_name'] !== 'string') fail('display name');
      if (typeof a['product_name'] !== 'string' || typeof a['product_version'] !== 'string') fail('product');
      if (event.hostId === null) {
        if (a['product_name'] !== '1093') fail('a server event not published by the server');
        if ('hostname' in a) fail('a server event with a publishing host');
        return;
      }
      const host = hostsById.get(event.hostId);
      if (host === undefined) return fail('host does not exist');
      if (host.vserverId !== event.vserverId) fail('host of another server');
      if (a['hostname'] !== host.id || a['hostdn'] !== host.attributes['KLHST_WKS_DN']) fail('host fields');
      if (a['domain_name'] !== host.attributes['KLHST_WKS_WINDOMAIN']) fail('domain_name');
      if (a['group_id'] !== host.groupId || a['group_name'] !== groupsById.get(host.groupId)?.name)
        fail('group fields');
      if (!host.products.some((p) => p.name === a['product_name'] && p.version === a['product_version']))
        fail('product not installed');
      if (event.riseTime > dateOf(host.attributes['KLHST_WKS_LAST_NAGENT_CONNECTED']))
        fail('raised after the last connection');
      if (event.riseTime < dateOf(host.attributes['KLHST_WKS_CREATED']))
        fail('raised before the host existed');
      if (!String(a['GNRL_EA_DESCRIPTION']).includes(String(host.attributes['KLHST_WKS_DN'])))
        fail('description misses the host');
    });
    expect(found).toEqual([]);
  });

  it('fills the per-type parameters of spec §6.3', () => {
    const found = violations((event, fail) => {
      const a = event.attributes;
      switch (event.eventType) {
        case 'GNRL_EV_VIRUS_FOUND': {
          for (const p of [1, 2, 3, 4])
            if (typeof a[`GNRL_EA_PARAM_${p}`] !== 'string' || a[`GNRL_EA_PARAM_${p}`] === '')
              fail(`param ${p}`);
          if (!String(a['GNRL_EA_DESCRIPTION']).includes(String(a['GNRL_EA_PARAM_1'])))
            fail('description misses the object');
          if (event.severity !== 4) fail('a detection is critical');
          const host = hostsById.get(event.hostId ?? '');
          if (host === undefined || !host.products.some((p) => p.name === 'KES' || p.name === 'KESL'))
            fail('no security application');
          break;
        }
        case 'GNRL_EV_ATTACK_DETECTED': {
          const ip = Number(a['GNRL_EA_PARAM_3']);
          if (!Number.isInteger(ip) || ip < 0 || ip >= 2 ** 32 || String(ip) !== a['GNRL_EA_PARAM_3'])
            fail('attacker IP');
          if (!['TCP', 'UDP'].includes(String(a['GNRL_EA_PARAM_2']))) fail('protocol');
          if (!/^\d+$/.test(String(a['GNRL_EA_PARAM_4']))) fail('port');
          break;
        }
        case 'KLPRCI_TaskState': {
          if (typeof a['task_display_name'] !== 'string') fail('task_display_name');
          const oldState = numberOf(a['task_old_state']);
          const newState = numberOf(a['task_new_state']);
          if (![0, 1, 2, 3, 4].includes(oldState) || ![1, 2, 3, 4].includes(newState)) fail('task states');
          if (event.severity !== (newState === 3 ? 3 : 1))
            fail('failed tasks are errors, the rest information');
          break;
        }
        case 'KLSRV_HOST_STATUS_CRITICAL':
        case 'KLSRV_HOST_STATUS_WARNING': {
          const description = String(a['GNRL_EA_DESCRIPTION']);
          if (a['GNRL_EA_PARAM_1'] !== description) fail('the description is also parameter 1');
          const match = /^Status of device '(.+)' has changed to (Critical|Warning): .+\.$/.exec(description);
          const host = world.hosts.find(
            (h) => h.vserverId === event.vserverId && h.attributes['KLHST_WKS_DN'] === match?.[1],
          );
          if (match === null || host === undefined) return fail('names no host of its server');
          const expected = match[2] === 'Critical' ? STATUS_ID.CRITICAL : STATUS_ID.WARNING;
          if (host.attributes['KLHST_WKS_STATUS_ID'] !== expected) fail('the host does not have that status');
          if (a['group_id'] !== host.groupId) fail('group of the device');
          break;
        }
        case 'GNRL_EV_ANTIVIRAL_BASES_EXPIRED': {
          const host = hostsById.get(event.hostId ?? '');
          const mask = numberOf(host?.attributes['KLHST_WKS_STATUS_MASK']);
          if ((mask & (1 << 7)) === 0) fail('bases are not outdated');
          break;
        }
        default:
      }
    });
    expect(found).toEqual([]);
    const types = new Set(events.map((event) => event.eventType));
    for (const type of [
      'GNRL_EV_VIRUS_FOUND',
      'GNRL_EV_ATTACK_DETECTED',
      'KLPRCI_TaskState',
      'KLSRV_HOST_STATUS_CRITICAL',
    ]) {
      expect(types).toContain(type);
    }
  });

  it('follows detections with remediation on the same host and object', () => {
    let followed = 0;
    const open = new Map<string, EventRecord>();
    for (const event of events) {
      const key = `${event.hostId}|${String(event.attributes['GNRL_EA_PARAM_1'])}`;
      if (event.eventType === 'GNRL_EV_VIRUS_FOUND') open.set(key, event);
      else if (event.eventType === 'GNRL_EV_OBJECT_QUARANTINED' && open.has(key)) followed += 1;
    }
    expect(followed).toBeGreaterThan(100);
  });

  it('is mostly informational, with every severity present', () => {
    const counts = [0, 0, 0, 0, 0];
    for (const event of events) counts[event.severity] = (counts[event.severity] ?? 0) + 1;
    expect(counts[0]).toBe(0);
    expect((counts[1] ?? 0) / events.length).toBeGreaterThan(0.55);
    for (const severity of [2, 3, 4]) expect(counts[severity]).toBeGreaterThan(0);
    expect((counts[4] ?? 0) / events.length).toBeLessThan(0.15);
  });

  it('streams a million events without holding them', () => {
    let count = 0;
    let lastId = 0;
    let lastRise = 0;
    for (const event of generateEvents(world, { seed: 77, count: 1_000_000, now: NOW })) {
      count += 1;
      if (event.id !== lastId + 1 || event.riseTime < lastRise)
        throw new Error(`out of order at ${event.id}`);
      lastId = event.id;
      lastRise = event.riseTime;
    }
    expect(count).toBe(1_000_000);
  });

  it('generates only server events for a world without hosts', () => {
    const empty = generateWorld({ seed: 1, hosts: 0, events: 50, now: NOW });
    const only = [...empty.events];
    expect(only.length).toBe(50);
    expect(only.every((event) => event.hostId === null && event.attributes['product_name'] === '1093')).toBe(
      true,
    );
  });
});

describe('live events', () => {
  const pick = (predicate: (host: HostRecord) => boolean): HostRecord => {
    const found = world.hosts.find(predicate);
    if (found === undefined) throw new Error('no such host in the world');
    return found;
  };
  const online = pick(
    (h) =>
      h.attributes['KLHST_WKS_STATUS_ID'] === STATUS_ID.OK &&
      ((h.attributes['KLHST_WKS_STATUS'] as number) & 1) !== 0,
  );
  const critical = pick(
    (h) => h.attributes['KLHST_WKS_STATUS_ID'] === STATUS_ID.CRITICAL && h.products.length > 0,
  );

  it('makes one event of a host at "now", with the requested type when the host can raise it', () => {
    const later = NOW + 3_600_500;
    const event = makeLiveEvent(
      new Random(1),
      online,
      groupsById.get(online.groupId),
      90_001,
      later,
      'GNRL_EV_VIRUS_FOUND',
    );
    expect(event).not.toBeNull();
    expect(event?.id).toBe(90_001);
    expect(event?.hostId).toBe(online.id);
    expect(event?.riseTime).toBe(NOW + 3_600_000);
    expect(event?.attributes['hostdn']).toBe(online.attributes['KLHST_WKS_DN']);
    expect(
      makeLiveEvent(new Random(1), online, undefined, 1, later, 'KLSRV_HOST_STATUS_CRITICAL'),
    ).toBeNull();
    const any = makeLiveEvent(new Random(2), online, groupsById.get(online.groupId), 90_002, later);
    expect(any).not.toBeNull();
    expect(any?.vserverId).toBe(online.vserverId);
  });

  it("announces a status change with the host's actual reason", () => {
    expect(makeHostStatusEvent(new Random(1), online, undefined, 1, NOW)).toBeNull();
    const event = makeHostStatusEvent(new Random(1), critical, groupsById.get(critical.groupId), 5, NOW);
    expect(event?.eventType).toBe('KLSRV_HOST_STATUS_CRITICAL');
    expect(String(event?.attributes['GNRL_EA_DESCRIPTION'])).toContain(
      `'${String(critical.attributes['KLHST_WKS_DN'])}' has changed to Critical`,
    );
  });

  it('appends events to a running world with consecutive ids', async () => {
    let lastId = 1_000;
    const stored: EventRecord[] = [];
    const hostsOf = (id: number): HostRecord[] => world.hosts.filter((host) => host.vserverId === id);
    const target = {
      vservers: new Map(world.vservers.map((server) => [server.id, server] as const)),
      groups: groupsById,
      hosts: hostsById,
      hostsOf,
      nextEventId: () => ++lastId,
      insertEvents: (batch: Iterable<EventRecord>) => {
        const list = [...batch];
        stored.push(...list);
        return Promise.resolve(list.length);
      },
    };
    const live = createLiveEvents(target, 9);
    expect(await live.add(25, NOW + 60_000)).toBe(25);
    expect(await live.add(3, NOW + 61_000, critical.id)).toBe(3);
    expect(stored.map((event) => event.id)).toEqual(Array.from({ length: 28 }, (_, i) => 1_001 + i));
    expect(stored.slice(25).every((event) => event.hostId === critical.id || event.hostId === null)).toBe(
      true,
    );
  });
});

describe('event templates', () => {
  it('compiles once and fills fields, leaving unknown ones empty', () => {
    const template = compileTemplate("Device '{host}' saw {threat}{missing}.");
    expect(renderTemplate(template, { host: 'WIN-1', threat: 'EICAR-Test-File' })).toBe(
      "Device 'WIN-1' saw EICAR-Test-File.",
    );
    expect(renderTemplate(compileTemplate('no fields'), {})).toBe('no fields');
  });
});
