import { describe, expect, it } from 'vitest';
import { ASSET_TYPES } from '../../../../src/kics/model.ts';
import { CAPTURE_PROTOCOLS } from '../../../../src/emulator/kics/traffic/recipe.ts';
import {
  createLiveKicsGenerator,
  generateKicsWorld,
  keepsTraffic,
  kscCounterparts,
  type EventEntry,
  type KicsWorld,
} from '../../../../src/emulator/kics/world/index.ts';
import { generateWorld } from '../../../../src/emulator/ksc/world/generate.ts';
import { formatIpv4, ipFromKlLong } from '../../../../src/emulator/ksc/world/ipv4.ts';
import { stableMacAddress } from '../../../../src/emulator/core/mac.ts';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const SEED = 7;
const world = generateKicsWorld({ seed: SEED, devices: 300, events: 3000, now: NOW });
const events: EventEntry[] = [...world.events];

function snapshot(w: KicsWorld, eventCount: number): string {
  const head: EventEntry[] = [];
  for (const entry of w.events) {
    if (head.length >= eventCount) break;
    head.push(entry);
  }
  const { events: _lazy, summary: _summary, ...documents } = w;
  return JSON.stringify({ documents, head });
}

describe('the seeded KICS world', () => {
  it('is the same for the same seed and sizes, and devices do not depend on the event count', () => {
    const again = generateKicsWorld({ seed: SEED, devices: 300, events: 3000, now: NOW });
    expect(snapshot(again, 3000)).toBe(snapshot(world, 3000));
    const fewerEvents = generateKicsWorld({ seed: SEED, devices: 300, events: 10, now: NOW });
    expect(JSON.stringify(fewerEvents.devices)).toBe(JSON.stringify(world.devices));
    expect(JSON.stringify(fewerEvents.tags)).toBe(JSON.stringify(world.tags));
    const other = generateKicsWorld({ seed: SEED + 1, devices: 300, events: 0, now: NOW });
    expect(JSON.stringify(other.devices)).not.toBe(JSON.stringify(world.devices));
  });

  it('has the requested sizes and ids 1…n', () => {
    expect(world.devices.map((d) => d.device.id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(events.map((e) => e.event.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(world.allowRules.map((r) => r.id)).toEqual(world.allowRules.map((_, i) => i + 1));
    expect(world.tags.map((t) => t.id)).toEqual(world.tags.map((_, i) => i + 1));
    // Events can be iterated again and give the same sequence.
    expect(JSON.stringify([...world.events].slice(0, 50))).toBe(JSON.stringify(events.slice(0, 50)));
  });

  it('has every asset type, mostly recognized devices, and unique names', () => {
    const categories = new Set(world.devices.map((d) => d.device.category));
    for (const type of ASSET_TYPES) expect(categories, type).toContain(type);
    const statuses = world.devices.map((d) => d.device.status);
    const count = (s: string): number => statuses.filter((x) => x === s).length;
    expect(count('Recognized')).toBeGreaterThan(240);
    expect(count('Unauthorized')).toBeGreaterThan(0);
    expect(count('Archived')).toBeGreaterThan(0);
    expect(new Set(world.devices.map((d) => d.device.name)).size).toBe(300);
    expect(world.devices.some((d) => d.device.addressInformation.length > 1)).toBe(true);
    const windows = world.devices.filter((d) => d.device.epp !== null);
    expect(windows.length).toBeGreaterThan(0);
    expect(
      world.devices.some((d) => d.device.category === 'Plc' && d.device.processControlSettings !== null),
    ).toBe(true);
  });

  it('shares names, IPs and MACs of its Windows machines with the KSC world of the same seed', () => {
    const ksc = generateWorld({ seed: SEED, hosts: 200, events: 0, now: NOW });
    const hosts = new Map(ksc.hosts.map((h) => [h.id, h] as const));
    const links = kscCounterparts(world);
    expect(links.length).toBeGreaterThanOrEqual(4);
    const categories = new Set(links.map((l) => l.category));
    expect(
      [...categories].every((c) => ['EngineeringStation', 'ScadaHmi', 'Historian', 'Server'].includes(c)),
    ).toBe(true);
    for (const link of links) {
      const host = hosts.get(link.kscHostId);
      expect(host, link.kscHostName).toBeDefined();
      expect(host?.attributes['KLHST_WKS_DN']).toBe(link.kscHostName);
      expect(formatIpv4(ipFromKlLong(host?.attributes['KLHST_WKS_IP_LONG'] as bigint))).toBe(link.ip);
      const device = world.devices[link.deviceId - 1]?.device;
      expect(device?.name).toBe(link.kscHostName);
      expect(device?.addressInformation[0]).toEqual({
        macAddress: stableMacAddress(link.kscHostId),
        ipAddresses: [{ ip: link.ip }],
      });
      expect(device?.epp?.name).toBe('Kaspersky Endpoint Security for Windows');
    }
  });

  it('raises events among real devices and monitoring points, in time order', () => {
    const devices = new Map(world.devices.map((d) => [d.device.id, d.device] as const));
    const points = new Map(world.monitoringPoints.map((mp) => [mp.mpId, mp] as const));
    const types = new Set(world.eventTypes.map((t) => t.eventTypeId));
    let previous = '';
    for (const { event } of events) {
      expect(event.startTime >= previous).toBe(true);
      previous = event.startTime;
      expect(types.has(event.eventType)).toBe(true);
      expect(points.get(event.monitoringPointId)?.name).toBe(event.monitoringPoint);
      expect(Date.parse(event.startTime)).toBeGreaterThanOrEqual(NOW - 30 * 86_400_000);
      expect(Date.parse(event.lastSeenTime)).toBeLessThanOrEqual(NOW);
      for (const asset of event.assets) {
        const device = devices.get(asset.id);
        expect(device?.name).toBe(asset.name);
        const ips = device?.addressInformation.flatMap((a) => a.ipAddresses.map((ip) => ip.ip)) ?? [];
        expect(ips).toContain(asset.ipAddress);
      }
      for (const communication of event.communications) {
        const ends = [communication.source, communication.destination].filter((e) => e.ipAddress !== null);
        for (const end of ends)
          expect(
            event.assets.some((a) => a.ipAddress === end.ipAddress && a.macAddress === end.macAddress),
          ).toBe(true);
      }
    }
    const kinds = new Set(events.map((e) => e.event.eventType));
    for (const code of [4000002601, 4000002602, 4000002900, 4000005003]) expect(kinds).toContain(code);
  });

  it('keeps traffic recipes only for event types that keep traffic, with the communication of the event', () => {
    let recipes = 0;
    for (const { event, traffic } of events) {
      if (traffic === null) continue;
      recipes += 1;
      expect(keepsTraffic(event.eventType)).toBe(true);
      expect(CAPTURE_PROTOCOLS).toContain(traffic.protocol);
      const communication = event.communications[0];
      expect(traffic.client.ip).toBe(communication?.source.ipAddress);
      expect(traffic.server.ip).toBe(communication?.destination.ipAddress);
      expect(traffic.server.mac).toBe(communication?.destination.macAddress);
      expect(traffic.exchanges).toBeGreaterThanOrEqual(1);
      expect(traffic.exchanges).toBeLessThanOrEqual(50);
    }
    expect(recipes).toBeGreaterThan(100);
    expect(events.some((e) => e.traffic === null && keepsTraffic(e.event.eventType))).toBe(false);
  });

  it('links vulnerabilities, tags and rules to existing devices', () => {
    const devices = new Map(world.devices.map((d) => [d.device.id, d] as const));
    const vulnerabilities = new Map(world.vulnerabilities.map((v) => [v.assetVulnerabilityId, v] as const));
    expect(world.vulnerabilities.length).toBeGreaterThan(0);
    for (const v of world.vulnerabilities) {
      expect(v.cveId).toMatch(/^CVE-\d{4}-\d{4,}$/);
      const device = devices.get(v.assetId)?.device;
      expect(device?.name).toBe(v.assetName);
      expect(
        device?.vulnerabilities.some(
          (r) => r.assetVulnerabilityId === v.assetVulnerabilityId && r.cveId === v.cveId,
        ),
      ).toBe(true);
      for (const other of v.otherAssets)
        expect(devices.get(other.assetId)?.device.name).toBe(other.assetName);
    }
    for (const { device } of world.devices)
      for (const ref of device.vulnerabilities)
        expect(vulnerabilities.get(ref.assetVulnerabilityId)?.assetId).toBe(device.id);
    for (const { event } of events)
      for (const ref of event.vulnerabilities)
        expect(vulnerabilities.get(ref.assetVulnerabilityId)?.cveId).toBe(ref.cveId);
    const stacks = new Set(world.protocolStacks.map((s) => s.protocolStackId));
    for (const tag of world.tags) {
      const record = devices.get(tag.assetId);
      expect(record?.device.category).toBe('Plc');
      expect(
        record?.protocols.some(
          (p) => p.assetProtocolId === tag.assetProtocolId && p.protocolStackId === tag.protocolStackId,
        ),
      ).toBe(true);
      expect(stacks.has(tag.protocolStackId)).toBe(true);
      expect(() => JSON.parse(tag.address) as unknown).not.toThrow();
      expect(() => JSON.parse(tag.operativeParameters) as unknown).not.toThrow();
    }
    const ips = new Set(
      world.devices.flatMap((d) =>
        d.device.addressInformation.flatMap((a) => a.ipAddresses.map((i) => i.ip)),
      ),
    );
    expect(world.allowRules.length).toBeGreaterThan(0);
    for (const rule of world.allowRules) {
      expect(ips.has(rule.side1.ipAddressRanges[0]?.from ?? '')).toBe(true);
      expect(ips.has(rule.side2.ipAddressRanges[0]?.from ?? '')).toBe(true);
    }
    for (const stack of world.protocolStacks)
      if (stack.parentId !== 0) expect(stacks.has(stack.parentId)).toBe(true);
  });

  it('makes live events among known devices, new unauthorized devices and recurring events', () => {
    const live = createLiveKicsGenerator(world.summary, SEED);
    const later = NOW + 60_000;
    const fresh = live.nextEvents(20, later, 3001);
    expect(fresh.map((e) => e.event.id)).toEqual(Array.from({ length: 20 }, (_, i) => 3001 + i));
    const ids = new Set(world.devices.map((d) => d.device.id));
    for (const { event } of fresh) {
      expect(event.status).toBe('Proposed');
      expect(event.totalAppearances).toBe(1);
      for (const asset of event.assets) expect(ids.has(asset.id)).toBe(true);
    }
    const { device } = live.newUnauthorizedDevice(later, 301);
    expect(device.status).toBe('Unauthorized');
    expect(ids.has(device.id)).toBe(false);
    const first = events[0]?.event;
    if (first === undefined) throw new Error('no events');
    const recurred = live.recurEvent(first, later);
    expect(recurred.totalAppearances).toBe(first.totalAppearances + 1);
    expect(Date.parse(recurred.lastSeenTime)).toBe(later);
    const touched = live.touchDevice(world.devices[0]?.device ?? device, later);
    expect(touched.lastSeen).toBe('2025-01-15T12:01:00');
  });
});
