import type { EventSeverity, EventType, Technology } from '../../../kics/model.ts';

/**
 * The event-type catalogue. Codes and titles are KICS for Networks' system event types as its help publishes them
 * (the tables of system event types per technology and the list KSC uses to receive KICS events, KICS 2.9–4.5);
 * `1` "Incident" is the seed's sample. Descriptions are our own wording. Only Deep Packet Inspection and Command
 * Control types keep traffic: those are the events whose packets the emulator can write as a capture.
 * `eventRegenerateTimeout` is in seconds (the sample's 3000; the unit is UNKNOWN, decisions/0031).
 */

/** Codes the generators use by name. */
export const EVENT_TYPE = Object.freeze({
  INCIDENT: 1,
  TEST_DPI: 4000000001,
  TEST_NIC: 4000000002,
  TEST_IDS: 4000000003,
  TEST_AM: 4000000004,
  UNAUTHORIZED_INTERACTION: 4000002601,
  SYSTEM_COMMAND: 4000002602,
  NO_TRAFFIC: 4000002700,
  TCP_OVERLAP_ANOMALY: 4000002701,
  PROCESS_CONTROL_VIOLATION: 4000002900,
  IDS_SYSTEM_RULE: 4000003000,
  IDS_CUSTOM_RULE: 4000003001,
  ARP_SPOOFING_REPLIES: 4000004001,
  ARP_SPOOFING_REQUESTS: 4000004002,
  NEW_DEVICE: 4000005003,
  NEW_DEVICE_SETTINGS: 4000005004,
  IP_CONFLICT: 4000005005,
  ARCHIVED_ASSET_ACTIVITY: 4000005006,
  NEW_IP_ADDRESS: 4000005007,
  MAC_ADDRESS_ADDED: 4000005008,
  IP_ADDRESS_ADDED: 4000005009,
  NEW_MAC_ADDRESS: 4000005010,
  API_EVENT: 4000009001,
});

interface TypeSpec {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly severity: EventSeverity;
  readonly technology: Technology;
  readonly timeout?: number;
}

const SPECS: readonly TypeSpec[] = [
  {
    id: EVENT_TYPE.INCIDENT,
    title: 'Incident',
    description: 'A sequence of events corresponding to the incident was detected.',
    severity: 'Critical',
    technology: 'External',
  },
  {
    id: EVENT_TYPE.TEST_DPI,
    title: 'Test event (DPI)',
    description: 'A test network packet was detected by Deep Packet Inspection.',
    severity: 'Info',
    technology: 'Dpi',
  },
  {
    id: EVENT_TYPE.TEST_NIC,
    title: 'Test event (NIC)',
    description: 'A test network packet was detected while Network Integrity Control was enabled.',
    severity: 'Info',
    technology: 'Nic',
  },
  {
    id: EVENT_TYPE.TEST_IDS,
    title: 'Test event (IDS)',
    description: 'A test network packet was detected by Intrusion Detection.',
    severity: 'Info',
    technology: 'Ids',
  },
  {
    id: EVENT_TYPE.TEST_AM,
    title: 'Test event (AM)',
    description: 'A test network packet was detected by Asset Management.',
    severity: 'Info',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.UNAUTHORIZED_INTERACTION,
    title: 'Unauthorized network interaction detected ($top_level_protocol)',
    description: 'A network interaction that no active Network Control rule allows was detected.',
    severity: 'Warning',
    technology: 'Nic',
  },
  {
    id: EVENT_TYPE.SYSTEM_COMMAND,
    title: 'System command detected',
    description: 'A monitored system command was sent to or received from a process control device.',
    severity: 'Critical',
    technology: 'Cc',
  },
  {
    id: EVENT_TYPE.NO_TRAFFIC,
    title: 'No traffic at the monitoring point named $monitoringPoint',
    description:
      'The network interface of the monitoring point has received no traffic for more than 15 seconds.',
    severity: 'Warning',
    technology: 'Nic',
  },
  {
    id: EVENT_TYPE.TCP_OVERLAP_ANOMALY,
    title: 'TCP protocol anomaly detected: content substitution in overlapping TCP segments',
    description: 'Overlapping TCP segments carried different content, a known way to evade inspection.',
    severity: 'Critical',
    technology: 'Ids',
  },
  {
    id: EVENT_TYPE.PROCESS_CONTROL_VIOLATION,
    title: 'Process Control rule violation',
    description: 'A value of a process parameter read from the traffic violated a Process Control rule.',
    severity: 'Warning',
    technology: 'Dpi',
  },
  {
    id: EVENT_TYPE.IDS_SYSTEM_RULE,
    title: 'Intrusion Detection rule from the system set of rules was triggered',
    description: 'Traffic matched a rule of the system set of Intrusion Detection rules.',
    severity: 'Warning',
    technology: 'Ids',
  },
  {
    id: EVENT_TYPE.IDS_CUSTOM_RULE,
    title: 'Intrusion Detection rule from the custom set of rules was triggered',
    description: 'Traffic matched a rule of a custom set of Intrusion Detection rules.',
    severity: 'Warning',
    technology: 'Ids',
  },
  {
    id: EVENT_TYPE.ARP_SPOOFING_REPLIES,
    title: 'Symptoms of ARP spoofing detected in ARP replies',
    description: 'ARP replies announced an IP address with a MAC address that does not own it.',
    severity: 'Critical',
    technology: 'Ids',
  },
  {
    id: EVENT_TYPE.ARP_SPOOFING_REQUESTS,
    title: 'Symptoms of ARP spoofing detected in ARP requests',
    description: 'ARP requests carried a sender address pair that contradicts the known devices.',
    severity: 'Critical',
    technology: 'Ids',
  },
  {
    id: EVENT_TYPE.NEW_DEVICE,
    title: 'New device detected in network',
    description: 'Traffic came from a device that is not in the list of known devices.',
    severity: 'Warning',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.NEW_DEVICE_SETTINGS,
    title: 'New device settings detected',
    description: 'New settings (firmware, model, name) of a known device were read from the traffic.',
    severity: 'Info',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.IP_CONFLICT,
    title: 'IP address conflict detected',
    description: 'Two devices with different MAC addresses used the same IP address.',
    severity: 'Critical',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.ARCHIVED_ASSET_ACTIVITY,
    title: 'Activity detected from asset with Archived status',
    description: 'A device that was archived sent or received traffic again.',
    severity: 'Warning',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.NEW_IP_ADDRESS,
    title: 'New IP address of device detected',
    description: 'A known device was seen with an IP address it did not have before.',
    severity: 'Info',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.MAC_ADDRESS_ADDED,
    title: 'MAC address added to device',
    description: 'A MAC address was added to a known device.',
    severity: 'Info',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.IP_ADDRESS_ADDED,
    title: 'IP address added to device',
    description: 'An IP address was added to a known device.',
    severity: 'Info',
    technology: 'Am',
  },
  {
    id: EVENT_TYPE.NEW_MAC_ADDRESS,
    title: 'New MAC address of device detected',
    description: 'A known device was seen with a MAC address it did not have before.',
    severity: 'Warning',
    technology: 'Am',
  },
  {
    // INVENTED: the code KICS gives events registered through the API is UNKNOWN (spec §7.3).
    id: EVENT_TYPE.API_EVENT,
    title: 'Event registered by an external system',
    description: 'An event was registered through the Public API by a connector.',
    severity: 'Info',
    technology: 'External',
  },
];

/** Technologies whose events keep the packets that raised them. */
const TRAFFIC_TECHNOLOGIES: ReadonlySet<Technology> = new Set<Technology>(['Dpi', 'Cc']);

function toEventType(spec: TypeSpec): EventType {
  const keeps = TRAFFIC_TECHNOLOGIES.has(spec.technology);
  return {
    eventTypeId: spec.id,
    title: spec.title,
    description: spec.description,
    severity: spec.severity,
    technology: spec.technology,
    eventRegenerateTimeout: spec.timeout ?? 3000,
    trafficKeeping: { enabled: keeps, secondsBefore: keeps ? 10 : 0, secondsAfter: keeps ? 5 : 0 },
  };
}

/** The catalogue, in code order. */
export const EVENT_TYPES: readonly EventType[] = SPECS.map(toEventType).sort(
  (a, b) => a.eventTypeId - b.eventTypeId,
);

const BY_ID = new Map(EVENT_TYPES.map((type) => [type.eventTypeId, type] as const));

/** The type with code `id`; throws for a code the catalogue lacks (a programming error). */
export function eventTypeOf(id: number): EventType {
  const type = BY_ID.get(id);
  if (type === undefined) throw new Error(`no event type ${id}`);
  return type;
}

/** Whether events of type `id` keep traffic (and so carry a traffic recipe). */
export function keepsTraffic(id: number): boolean {
  return BY_ID.get(id)?.trafficKeeping.enabled ?? false;
}
