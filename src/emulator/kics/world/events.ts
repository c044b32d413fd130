import type {
  Communication,
  CommunicationEndpoint,
  EventAsset,
  EventSeverity,
  EventUserState,
  EventVulnerabilityRef,
  KicsEvent,
  MonitoringPoint,
  NameValue,
  Technology,
} from '../../../kics/model.ts';
import type { CaptureEndpoint, TrafficRecipe } from '../traffic/recipe.ts';
import { Random, WeightedTable } from '../../core/random.ts';
import { EventTimeline } from '../../ksc/world/timeline.ts';
import type { DeviceView } from './devices.ts';
import { EVENT_TYPE, eventTypeOf, keepsTraffic } from './event-types.ts';
import { captureProtocolOf, portOf, stackNamed } from './protocol-stacks.ts';
import type { Topology } from './topology.ts';
import { utcTime, wholeSeconds } from '../times.ts';

/**
 * The event history and the live events. Every event names real devices of the world (their ids, names, IPs,
 * MACs, VLAN) and the monitoring point that watches the destination's network. Rise times come in ascending order
 * from {@link EventTimeline}, so ids 1…n follow time and a million events stream without being held. Events of
 * types that keep traffic (Deep Packet Inspection, Command Control) come with a {@link TrafficRecipe} for the
 * protocol of their communication; all others with `null`.
 *
 * One {@link EventFactory} builds both the history and live events; it holds no per-event closures.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const KICS_EVENT_HISTORY_DAYS = 30;

/** One event and what the emulator keeps of its traffic. */
export interface EventEntry {
  readonly event: KicsEvent;
  readonly traffic: TrafficRecipe | null;
}

/** What events are made of: the world's devices and where they sit. */
export interface EventWorld {
  readonly views: readonly DeviceView[];
  readonly topology: Topology;
  readonly monitoringPoints: readonly MonitoringPoint[];
  /** Per device id − 1: the device's vulnerability references (may be empty). */
  readonly vulnerabilitiesOf: ReadonlyArray<readonly EventVulnerabilityRef[]>;
  /** Unauthorized devices, by ascending `created`. */
  readonly unauthorized: readonly DeviceView[];
}

/** What an event is about; picks the type and the devices involved. */
const Kind = {
  Interaction: 0,
  Command: 1,
  ProcessControl: 2,
  IdsRule: 3,
  IdsCustom: 4,
  TcpOverlap: 5,
  ArpReplies: 6,
  ArpRequests: 7,
  NewDevice: 8,
  NewSettings: 9,
  IpConflict: 10,
  NewIp: 11,
  IpAdded: 12,
  MacAdded: 13,
  NewMac: 14,
  NoTraffic: 15,
  Incident: 16,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const KIND_TYPE: Readonly<Record<Kind, number>> = {
  [Kind.Interaction]: EVENT_TYPE.UNAUTHORIZED_INTERACTION,
  [Kind.Command]: EVENT_TYPE.SYSTEM_COMMAND,
  [Kind.ProcessControl]: EVENT_TYPE.PROCESS_CONTROL_VIOLATION,
  [Kind.IdsRule]: EVENT_TYPE.IDS_SYSTEM_RULE,
  [Kind.IdsCustom]: EVENT_TYPE.IDS_CUSTOM_RULE,
  [Kind.TcpOverlap]: EVENT_TYPE.TCP_OVERLAP_ANOMALY,
  [Kind.ArpReplies]: EVENT_TYPE.ARP_SPOOFING_REPLIES,
  [Kind.ArpRequests]: EVENT_TYPE.ARP_SPOOFING_REQUESTS,
  [Kind.NewDevice]: EVENT_TYPE.NEW_DEVICE,
  [Kind.NewSettings]: EVENT_TYPE.NEW_DEVICE_SETTINGS,
  [Kind.IpConflict]: EVENT_TYPE.IP_CONFLICT,
  [Kind.NewIp]: EVENT_TYPE.NEW_IP_ADDRESS,
  [Kind.IpAdded]: EVENT_TYPE.IP_ADDRESS_ADDED,
  [Kind.MacAdded]: EVENT_TYPE.MAC_ADDRESS_ADDED,
  [Kind.NewMac]: EVENT_TYPE.NEW_MAC_ADDRESS,
  [Kind.NoTraffic]: EVENT_TYPE.NO_TRAFFIC,
  [Kind.Incident]: EVENT_TYPE.INCIDENT,
};

const KINDS = new WeightedTable<Kind>([
  [Kind.Interaction, 28],
  [Kind.Command, 18],
  [Kind.ProcessControl, 20],
  [Kind.IdsRule, 6],
  [Kind.IdsCustom, 1.5],
  [Kind.TcpOverlap, 0.5],
  [Kind.ArpReplies, 1],
  [Kind.ArpRequests, 0.7],
  [Kind.NewDevice, 5],
  [Kind.NewSettings, 4],
  [Kind.IpConflict, 1],
  [Kind.NewIp, 4],
  [Kind.IpAdded, 3],
  [Kind.MacAdded, 2],
  [Kind.NewMac, 2],
  [Kind.NoTraffic, 1],
  [Kind.Incident, 0.5],
]);

/** Live mode draws only what new traffic raises. */
const LIVE_KINDS = new WeightedTable<Kind>([
  [Kind.Interaction, 35],
  [Kind.Command, 25],
  [Kind.ProcessControl, 30],
  [Kind.IdsRule, 8],
  [Kind.ArpReplies, 1],
  [Kind.NewIp, 2],
]);

type Action = 'write' | 'stop' | 'start' | 'program-download' | 'read';
const COMMAND_ACTIONS = new WeightedTable<Action>([
  ['write', 55],
  ['stop', 12],
  ['start', 8],
  ['program-download', 25],
]);
const ACTION_TEXT: Readonly<Record<Action, string>> = {
  write: 'Write',
  stop: 'PLC Stop',
  start: 'PLC Start',
  'program-download': 'Program download',
  read: 'Read',
};
const GENERIC_PROTOCOLS = ['Smb', 'Rdp', 'Http', 'Https', 'Ssh', 'Telnet', 'Snmp'];
const IDS_RULES = [
  'KL_ICS Modbus/TCP function code scan',
  'KL_ICS S7comm CPU stop from unknown host',
  'KL_ICS EtherNet/IP List Identity sweep',
  'KL_ICS SMB exploitation attempt (MS17-010)',
  'KL_ICS RDP brute force',
  'KL_ICS Nmap SYN scan',
];
const CUSTOM_RULES = [
  'Custom: engineering traffic outside maintenance window',
  'Custom: Telnet to network device',
];
const PROCESS_RULES = ['high limit', 'low limit', 'rate of change', 'unexpected setpoint change'];
const STATUS_OLD = new WeightedTable<EventUserState>([
  ['Resolved', 60],
  ['Active', 25],
  ['Proposed', 15],
]);
const STATUS_RECENT = new WeightedTable<EventUserState>([
  ['Proposed', 60],
  ['Active', 30],
  ['Resolved', 10],
]);

function endpoint(
  view: DeviceView | null,
  port: number | null,
  applicationLevelAddress: string | null,
): CommunicationEndpoint {
  return {
    ipAddress: view?.ip ?? null,
    macAddress: view?.mac ?? null,
    port,
    applicationLevelAddress,
  };
}

function asset(view: DeviceView): EventAsset {
  return { id: view.id, name: view.name, ipAddress: view.ip, macAddress: view.mac };
}

function applicationAddress(view: DeviceView, protocol: string): string | null {
  for (const p of view.protocols) if (p.name === protocol) return p.address;
  return null;
}

/** Builds events; one instance per sequence (history or live), fed by its own random stream. */
export class EventFactory {
  private readonly mpNames: Map<number, string>;
  private readonly noTrafficTitles = new Map<number, string>();
  private readonly interactionTitles = new Map<string, string>();
  private readonly activePoints: readonly MonitoringPoint[];

  constructor(
    private readonly world: EventWorld,
    private readonly rng: Random,
    private readonly now: number,
  ) {
    this.mpNames = new Map(world.monitoringPoints.map((mp) => [mp.mpId, mp.name] as const));
    this.activePoints = world.monitoringPoints.filter((mp) => mp.deletedTime === null);
  }

  /** A history event risen at `time`. */
  history(id: number, time: number): EventEntry {
    return this.make(id, time, KINDS.pick(this.rng), false);
  }

  /** A live event risen at `time` (always new: one appearance, Proposed). */
  live(id: number, time: number): EventEntry {
    return this.make(id, time, LIVE_KINDS.pick(this.rng), true);
  }

  private randomView(time: number): DeviceView | null {
    const views = this.world.views;
    if (views.length === 0) return null;
    for (let attempt = 0; attempt < 8; attempt++) {
      const view = views[Math.floor(this.rng.float() * views.length)] as DeviceView;
      if (view.status !== 'Archived' && view.created <= time) return view;
    }
    return null;
  }

  private randomServer(): DeviceView | null {
    const servers = this.world.topology.allServers;
    return servers.length === 0
      ? null
      : (servers[Math.floor(this.rng.float() * servers.length)] as DeviceView);
  }

  private clientOf(server: DeviceView): DeviceView | null {
    const topology = this.world.topology;
    const local = topology.clients[server.cell] ?? [];
    const remote = topology.operationsClients;
    const total = local.length + remote.length;
    if (total === 0) return null;
    const k = Math.floor(this.rng.float() * total);
    return (k < local.length ? local[k] : remote[k - local.length]) ?? null;
  }

  private newDeviceBefore(time: number): DeviceView | null {
    const list = this.world.unauthorized;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as DeviceView).created <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : (list[Math.floor(this.rng.float() * lo)] as DeviceView);
  }

  private recipe(
    protocol: string,
    client: DeviceView,
    server: DeviceView,
    time: number,
    action: Action,
  ): TrafficRecipe | null {
    const capture = captureProtocolOf(protocol);
    if (capture === null || client.mac === null || server.mac === null) return null;
    const clientEnd: CaptureEndpoint = {
      mac: client.mac,
      ip: client.ip,
      port: 49152 + this.rng.int(0, 16383),
    };
    const serverEnd: CaptureEndpoint = { mac: server.mac, ip: server.ip, port: portOf(protocol) };
    return {
      protocol: capture,
      client: clientEnd,
      server: serverEnd,
      vlanId: server.vlanId,
      startTime: time - this.rng.int(1000, 10_000),
      exchanges: this.rng.int(1, 50),
      action,
      seed: this.rng.nextUint32(),
    };
  }

  private make(id: number, time: number, kind: Kind, live: boolean): EventEntry {
    const rng = this.rng;
    let typeId = KIND_TYPE[kind];
    let source: DeviceView | null = null;
    let destination: DeviceView | null = null;
    let protocol = '';
    let sourcePort: number | null = null;
    let destinationPort: number | null = null;
    let title: string | null = null;
    let severity: EventSeverity | null = null;
    let triggeredRule = '';
    let triggeredRuleId = 0;
    let params: NameValue[] = [];
    let traffic: TrafficRecipe | null = null;
    let vulnerabilities: readonly EventVulnerabilityRef[] = [];
    let childrenCount = 0;
    let monitoringPointId: number;
    let vlanOverride: number | null = null;

    switch (kind) {
      case Kind.Command:
      case Kind.ProcessControl: {
        destination = this.randomServer();
        source = destination === null ? null : this.clientOf(destination);
        if (destination === null || source === null) {
          typeId = EVENT_TYPE.NO_TRAFFIC;
          break;
        }
        protocol = destination.serverProtocol ?? 'ModbusTcp';
        sourcePort = 49152 + rng.int(0, 16383);
        destinationPort = portOf(protocol);
        if (kind === Kind.Command) {
          const action = COMMAND_ACTIONS.pick(rng);
          severity = action === 'write' ? 'Warning' : 'Critical';
          params = [
            { name: 'command', value: ACTION_TEXT[action] },
            { name: 'protocol', value: protocol },
          ];
          traffic = this.recipe(protocol, source, destination, time, action);
        } else {
          const loop = 100 + rng.int(1, 99);
          const limit = rng.pick(PROCESS_RULES);
          triggeredRule = `TT${loop} ${limit}`;
          triggeredRuleId = 1000 + (loop % 50);
          severity = limit === 'high limit' || limit === 'low limit' ? 'Critical' : 'Warning';
          params = [
            { name: 'tag', value: `TT${loop}` },
            { name: 'value', value: rng.between(50, 450).toFixed(2) },
          ];
          traffic = this.recipe(protocol, source, destination, time, 'read');
        }
        break;
      }
      case Kind.Interaction:
      case Kind.IdsRule:
      case Kind.IdsCustom:
      case Kind.TcpOverlap: {
        destination = this.randomServer() ?? this.randomView(time);
        source = this.randomView(time);
        if (destination === null || source === null || source.id === destination.id) {
          typeId = EVENT_TYPE.NO_TRAFFIC;
          break;
        }
        protocol =
          kind === Kind.Interaction && destination.serverProtocol !== null && rng.chance(0.6)
            ? destination.serverProtocol
            : rng.pick(GENERIC_PROTOCOLS);
        sourcePort = 49152 + rng.int(0, 16383);
        destinationPort = portOf(protocol);
        if (kind === Kind.Interaction) {
          const top = stackNamed(protocol).ipType === 17 ? 'UDP' : 'TCP';
          title = this.interactionTitle(top);
        } else if (kind === Kind.IdsRule || kind === Kind.IdsCustom) {
          const rules = kind === Kind.IdsRule ? IDS_RULES : CUSTOM_RULES;
          const ruleIndex = rng.int(0, rules.length - 1);
          triggeredRule = rules[ruleIndex] ?? '';
          triggeredRuleId = (kind === Kind.IdsRule ? 2_000_000 : 3_000_000) + ruleIndex + 1;
          vulnerabilities = this.world.vulnerabilitiesOf[destination.id - 1] ?? [];
          if (vulnerabilities.length > 1) vulnerabilities = vulnerabilities.slice(0, 1);
        }
        break;
      }
      case Kind.ArpReplies:
      case Kind.ArpRequests:
      case Kind.IpConflict: {
        source = (kind === Kind.IpConflict ? null : this.newDeviceBefore(time)) ?? this.randomView(time);
        destination = this.randomView(time);
        if (source === null || destination === null || source.id === destination.id) {
          typeId = EVENT_TYPE.NO_TRAFFIC;
          break;
        }
        protocol = 'ARP';
        params = [{ name: 'ipAddress', value: destination.ip }];
        break;
      }
      case Kind.NewDevice: {
        source = this.newDeviceBefore(time);
        if (source === null) {
          typeId = EVENT_TYPE.NO_TRAFFIC;
          break;
        }
        protocol = 'IPv4';
        params = [
          { name: 'ipAddress', value: source.ip },
          { name: 'macAddress', value: source.mac ?? '' },
        ];
        break;
      }
      case Kind.NewSettings:
      case Kind.NewIp:
      case Kind.IpAdded:
      case Kind.MacAdded:
      case Kind.NewMac: {
        source = this.randomView(time);
        if (source === null) {
          typeId = EVENT_TYPE.NO_TRAFFIC;
          break;
        }
        protocol = kind === Kind.NewSettings ? (source.serverProtocol ?? 'IPv4') : 'IPv4';
        params =
          kind === Kind.NewSettings
            ? [{ name: 'softwareVersion', value: source.model.softwareVersions[0] ?? '' }]
            : [
                {
                  name: kind === Kind.MacAdded || kind === Kind.NewMac ? 'macAddress' : 'ipAddress',
                  value: kind === Kind.MacAdded || kind === Kind.NewMac ? (source.mac ?? '') : source.ip,
                },
              ];
        break;
      }
      case Kind.Incident: {
        destination = this.randomServer();
        source = destination === null ? null : this.clientOf(destination);
        if (destination === null || source === null) {
          typeId = EVENT_TYPE.NO_TRAFFIC;
          break;
        }
        protocol = destination.serverProtocol ?? '';
        childrenCount = rng.int(2, 8);
        triggeredRule = 'Correlation: system command after unauthorized interaction';
        triggeredRuleId = 9001;
        break;
      }
      case Kind.NoTraffic:
        break;
    }

    const type = eventTypeOf(typeId);
    if (typeId === EVENT_TYPE.NO_TRAFFIC) {
      const point = this.activePoints[Math.floor(rng.float() * this.activePoints.length)];
      monitoringPointId = point?.mpId ?? 1;
      title = this.noTrafficTitle(monitoringPointId);
      source = null;
      destination = null;
      protocol = '';
      traffic = null;
      params = [{ name: 'duration', value: String(rng.int(16, 3600)) }];
      vlanOverride = null;
    } else {
      monitoringPointId = (destination ?? source)?.monitoringPointId ?? 1;
    }
    if (!keepsTraffic(typeId)) traffic = null;

    // Appearances, status and times.
    const appearances =
      live || rng.chance(0.7) ? 1 : Math.min(500, 2 + Math.floor(-Math.log(1 - rng.float()) * 15));
    const lastSeen =
      appearances === 1 ? time : wholeSeconds(Math.min(this.now, time + rng.between(MINUTE_MS, 3 * DAY_MS)));
    const age = this.now - time;
    const status: EventUserState = live
      ? 'Proposed'
      : (age > 7 * DAY_MS ? STATUS_OLD : STATUS_RECENT).pick(rng);
    let endTime: number | null = null;
    if (status === 'Resolved')
      endTime = wholeSeconds(Math.min(this.now, lastSeen + rng.between(5 * MINUTE_MS, 2 * DAY_MS)));
    else if (lastSeen + type.eventRegenerateTimeout * 1000 <= this.now)
      endTime = lastSeen + type.eventRegenerateTimeout * 1000;

    const communications: Communication[] =
      source === null && destination === null
        ? []
        : [
            {
              source: endpoint(source, sourcePort, null),
              destination: endpoint(
                destination,
                destinationPort,
                destination === null || protocol === '' ? null : applicationAddress(destination, protocol),
              ),
              vlanId: vlanOverride ?? (destination ?? source)?.vlanId ?? null,
            },
          ];
    const assets: EventAsset[] = [];
    if (source !== null) assets.push(asset(source));
    if (destination !== null) assets.push(asset(destination));

    const event: KicsEvent = {
      id,
      eventType: typeId,
      title: title ?? type.title,
      severity: severity ?? type.severity,
      startTime: utcTime(time),
      lastSeenTime: utcTime(lastSeen),
      endTime: endTime === null ? null : utcTime(endTime),
      protocol,
      communications,
      technology: type.technology as Technology,
      totalAppearances: appearances,
      status,
      description: type.description,
      triggeredRule,
      triggeredRuleId,
      monitoringPoint: this.mpNames.get(monitoringPointId) ?? '',
      monitoringPointId,
      monitoringPointDeletedTime: null,
      mark: !live && rng.chance(0.15) ? rng.int(1, 7) : 0,
      origin: 'System',
      childrenCount,
      assets,
      params,
      vulnerabilities,
    };
    return { event, traffic };
  }

  private interactionTitle(top: string): string {
    let title = this.interactionTitles.get(top);
    if (title === undefined) {
      title = eventTypeOf(EVENT_TYPE.UNAUTHORIZED_INTERACTION).title.replace('$top_level_protocol', top);
      this.interactionTitles.set(top, title);
    }
    return title;
  }

  private noTrafficTitle(mpId: number): string {
    let title = this.noTrafficTitles.get(mpId);
    if (title === undefined) {
      title = eventTypeOf(EVENT_TYPE.NO_TRAFFIC).title.replace(
        '$monitoringPoint',
        this.mpNames.get(mpId) ?? String(mpId),
      );
      this.noTrafficTitles.set(mpId, title);
    }
    return title;
  }
}

/** The 30-day history: `count` events, ids 1…count in time order. */
export function* generateEventHistory(
  world: EventWorld,
  options: { readonly seed: number; readonly count: number; readonly now: number },
): Generator<EventEntry> {
  const rng = Random.derive(options.seed, 'kics/events');
  const end = wholeSeconds(options.now);
  const start = end - KICS_EVENT_HISTORY_DAYS * DAY_MS;
  const timeline = new EventTimeline(rng, options.count, start, end - HOUR_MS / 60);
  const factory = new EventFactory(world, rng, end);
  for (let i = 0; i < options.count; i++) yield factory.history(i + 1, timeline.next());
}
