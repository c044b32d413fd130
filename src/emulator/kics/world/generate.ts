import type {
  AllowRule,
  ApplicationMessage,
  AuditEntry,
  Device,
  DeviceProtocol,
  EventVulnerabilityRef,
  Tag,
  Vulnerability,
  KicsDictionaries,
} from '../../../kics/model.ts';
import { Random } from '../../core/random.ts';
import { counterpartCountFor, kscWorldCounterparts, type KscCounterpart } from './counterparts.ts';
import { generateDevices, type DeviceView } from './devices.ts';
import { buildDictionaries } from './dictionaries.ts';
import { EVENT_TYPES } from './event-types.ts';
import { generateEventHistory, type EventEntry, type EventWorld } from './events.ts';
import { generateHistory } from './history.ts';
import { PROTOCOL_STACKS } from './protocol-stacks.ts';
import { generateRules } from './rules.ts';
import { layOutSite, type SiteLayout } from './site.ts';
import { generateTags } from './tags.ts';
import { buildTopology } from './topology.ts';
import { buildVulnerabilities } from './vulnerabilities.ts';

/**
 * The whole seeded KICS world: dictionaries, devices, tags, vulnerabilities, rules and logs eagerly (the store
 * bulk-loads them), events as a re-iterable lazy sequence. Each part draws from its own `Random.derive` stream
 * (`kics/site`, `kics/devices`, `kics/tags`, `kics/rules`, `kics/history`, `kics/events`…), so nothing but the
 * events changes when only the event count does. Same seed, sizes and `now` → the same world, byte for byte.
 */

const NO_REFS: readonly EventVulnerabilityRef[] = Object.freeze([]);

export interface KicsWorldOptions {
  readonly seed: number;
  readonly devices: number;
  readonly events: number;
  /** "Now" of the world, epoch ms: the history covers the 30 days before it. */
  readonly now: number;
  /** Hosts of the KSC default world of the same seed, whose Windows machines become counterparts. Default 200. */
  readonly kscHosts?: number;
}

/** What live mode and tests need beyond the documents: devices as compact views and where they sit. */
export interface KicsWorldSummary extends EventWorld {
  readonly site: SiteLayout;
  readonly counterparts: readonly KscCounterpart[];
}

/** The whole world: the server's dictionaries, then every resource's documents. */
export interface KicsWorld extends KicsDictionaries {
  /** Ids 1…n. */
  readonly devices: ReadonlyArray<{ readonly device: Device; readonly protocols: readonly DeviceProtocol[] }>;
  readonly tags: readonly Tag[];
  readonly vulnerabilities: readonly Vulnerability[];
  readonly allowRules: readonly AllowRule[];
  readonly applicationMessages: readonly ApplicationMessage[];
  readonly auditEntries: readonly AuditEntry[];
  /** The 30-day history; every iteration regenerates the same events. */
  readonly events: Iterable<EventEntry>;
  readonly summary: KicsWorldSummary;
}

function checkOptions(options: KicsWorldOptions): void {
  const count = (name: string, value: number): void => {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  };
  count('devices', options.devices);
  count('events', options.events);
  count('kscHosts', options.kscHosts ?? 200);
  if (!Number.isFinite(options.seed))
    throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  if (!Number.isFinite(options.now))
    throw new RangeError(`now must be a finite epoch-ms time, got ${options.now}`);
}

/** Generates the KICS world of `options`. */
export function generateKicsWorld(options: KicsWorldOptions): KicsWorld {
  checkOptions(options);
  const { seed, now } = options;
  const site = layOutSite(Random.derive(seed, 'kics/site'), options.devices, now);
  const counterparts = kscWorldCounterparts(
    seed,
    options.kscHosts ?? 200,
    now,
    counterpartCountFor(options.devices),
  );
  const generated = generateDevices({
    rng: Random.derive(seed, 'kics/devices'),
    count: options.devices,
    now,
    site,
    counterparts,
  });
  const views = generated.views;
  const topology = buildTopology(views, site.cells.length);
  const vulnerabilities = buildVulnerabilities(generated.vulnerabilities, views);
  // Most devices have none: they share one empty list instead of 100,000 of their own.
  const vulnerabilitiesOf: Array<readonly EventVulnerabilityRef[]> = new Array<
    readonly EventVulnerabilityRef[]
  >(views.length).fill(NO_REFS);
  for (const plan of generated.vulnerabilities) {
    if (plan.state !== 'Active') continue;
    const index = plan.deviceId - 1;
    const refs = vulnerabilitiesOf[index];
    vulnerabilitiesOf[index] = [
      ...(refs ?? []),
      {
        assetVulnerabilityId: plan.assetVulnerabilityId,
        cveId: plan.cve.cveId,
      },
    ];
  }
  const unauthorized = views
    .filter((view) => view.status === 'Unauthorized')
    .sort((a, b) => a.created - b.created || a.id - b.id);
  const summary: KicsWorldSummary = {
    site,
    counterparts,
    views,
    topology,
    monitoringPoints: site.monitoringPoints,
    vulnerabilitiesOf,
    unauthorized,
  };
  const dictionaries = buildDictionaries(Random.derive(seed, 'kics/server'), site.installedAt, now);
  const history = generateHistory(
    Random.derive(seed, 'kics/history'),
    options.devices,
    site.monitoringPoints,
    now,
  );
  const eventOptions = { seed, count: options.events, now };
  return {
    ...dictionaries,
    monitoringPoints: site.monitoringPoints,
    protocolStacks: PROTOCOL_STACKS,
    eventTypes: EVENT_TYPES,
    devices: generated.records,
    tags: generateTags(Random.derive(seed, 'kics/tags'), views, now),
    vulnerabilities,
    allowRules: generateRules(
      Random.derive(seed, 'kics/rules'),
      topology,
      site.monitoringPoints,
      site.installedAt + 2 * 86_400_000,
      now,
    ),
    applicationMessages: history.applicationMessages,
    auditEntries: history.auditEntries,
    events: { [Symbol.iterator]: () => generateEventHistory(summary, eventOptions) },
    summary,
  };
}

/** One device of this world that the KSC world of the same seed also manages. */
export interface KscCounterpartLink {
  readonly deviceId: number;
  readonly deviceName: string;
  readonly category: Device['category'];
  readonly kscHostId: string;
  readonly kscHostName: string;
  readonly ip: string;
  readonly mac: string;
}

/** Device id ↔ KSC host id, name and IP, for tests and the docs. */
export function kscCounterparts(world: KicsWorld): KscCounterpartLink[] {
  return world.summary.counterparts.map((counterpart, index) => {
    const view = world.summary.views[index] as DeviceView;
    return {
      deviceId: view.id,
      deviceName: view.name,
      category: view.category,
      kscHostId: counterpart.kscHostId,
      kscHostName: counterpart.name,
      ip: counterpart.ip,
      mac: counterpart.mac,
    };
  });
}
