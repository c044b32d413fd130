import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type {
  EventRecord,
  GroupRecord,
  HostRecord,
  ProductInstall,
  Severity,
  VServerRecord,
} from './model.ts';
import { SEVERITY } from './model.ts';
import {
  EVENT_TYPES,
  SERVER_EVENT_TYPE,
  TASK_STATE_NAMES,
  eventTypeIdOf,
  eventTypeSpec,
  taskStateEventName,
  renderTemplate,
  type EventAudience,
  type EventTypeSpec,
} from './event-types.ts';
import {
  ATTACKS,
  BLOCKED_APPLICATIONS,
  LINUX_APPLICATIONS,
  LINUX_THREATS,
  PROTECTION_LEVELS,
  WEB_THREATS,
  WINDOWS_APPLICATIONS,
  WINDOWS_PATCHES,
  WINDOWS_THREATS,
  attackerAddress,
  badSite,
  objectPath,
  type Threat,
} from './event-content.ts';
import { HOST_TYPE_MANAGED, hostNumericId } from './host-identity.ts';
import { formatIpv4 } from './ipv4.ts';
import { primaryUserOf } from './names.ts';
import { PLATFORM_TYPE } from './platforms.ts';
import {
  ADMIN_SERVER,
  NETWORK_AGENT,
  baseRecordsAt,
  findProduct,
  productBuild,
  securityApplication,
} from './products.ts';
import { Random, WeightedTable } from '../../core/random.ts';
import {
  MASK_BIT,
  STATUS_ID,
  STATUS_THRESHOLDS,
  hostFactsFromAttributes,
  statusReasons,
  type StatusCondition,
} from './status.ts';
import { EventTimeline } from './timeline.ts';

/**
 * Server events: a lazily generated 30-day history and single live events.
 *
 * The history is a generator: rise times come from {@link EventTimeline} in ascending order and ids count up from
 * 1 with them, so a million events stream in constant memory. Events stay consistent with the hosts: a host
 * publishes only while it was connected (rise time between its creation and its last agent connection), detections
 * come from hosts with a security application and mostly from those with a virus count, remediation events
 * follow a recent detection on the same host and object, outdated-bases and license events come from hosts whose
 * status says so, and `KLSRV_HOST_STATUS_*` events name the host's actual Critical/Warning reason. Server events
 * (`product_name` 1093) have no publishing host.
 */

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
/** The history covers this many days before "now". */
export const EVENT_HISTORY_DAYS = 30;
const INT32_MAX = 2147483647;
/** How long after a detection a remediation event may still refer to it. */
const FOLLOW_UP_WINDOW_MS = 30 * 60_000;
const HOST_PICK_TRIES = 16;

const wholeSeconds = (ms: number): number => Math.floor(ms / SECOND_MS) * SECOND_MS;

function timeOf(value: KlValue | undefined): number {
  return value instanceof Date ? value.getTime() : Number.NaN;
}

function numberOf(value: KlValue | undefined): number {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : 0;
}

function stringOf(value: KlValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** The product fields of events a product publishes. */
interface Publisher {
  readonly name: string;
  readonly version: string;
  readonly build: string;
  readonly displayName: string;
}

/**
 * Publishers are interned: a world has a dozen distinct product builds, so every event reads its product fields
 * from a few objects that stay in cache instead of from each host's own product record.
 */
const publishers = new Map<string, Publisher>();

function publisherOf(product: ProductInstall): Publisher {
  const build = productBuild(product);
  const displayName = stringOf(product.info['DisplayName']);
  const key = `${product.name}\u0000${product.version}\u0000${build}\u0000${displayName}`;
  let publisher = publishers.get(key);
  if (publisher === undefined) {
    publisher = { name: product.name, version: product.version, build, displayName };
    publishers.set(key, publisher);
  }
  return publisher;
}

/** What the event builders need to know about a host, read once from its record. */
interface HostView {
  readonly record: HostRecord;
  // Copied out of the record and its group: a large world's events touch random hosts, and every extra object
  // read per event is a cache miss.
  readonly hostId: string;
  /** `host_id` of the host's events. */
  readonly numericId: number;
  readonly vserverId: number;
  readonly groupId: number;
  /** Name of the host's group; undefined when the group is unknown. */
  readonly groupName: string | undefined;
  readonly dn: string;
  readonly domain: string;
  readonly linux: boolean;
  readonly user: string;
  readonly security: Publisher | undefined;
  readonly agent: Publisher | undefined;
  readonly created: number;
  /** Last agent connection, epoch ms; NaN without an agent. */
  readonly lastConnect: number;
  readonly lastVisible: number;
  readonly baseDate: number;
  readonly lastFullScan: number;
  readonly statusId: number;
  readonly mask: number;
  readonly virusCount: number;
  readonly uncured: number;
  /** The status table rows that hold, computed on first use (only status events need them). */
  reasons: readonly StatusCondition[] | undefined;
}

function viewOf(record: HostRecord, group: GroupRecord | undefined): HostView {
  const a = record.attributes;
  const security = securityApplication(record.products);
  const agent = findProduct(record.products, NETWORK_AGENT.code);
  return {
    record,
    hostId: record.id,
    numericId: hostNumericId(record.id),
    vserverId: record.vserverId,
    groupId: record.groupId,
    groupName: group?.name,
    dn: stringOf(a['KLHST_WKS_DN']),
    domain: stringOf(a['KLHST_WKS_WINDOMAIN']),
    linux: a['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX,
    user: primaryUserOf(record.id),
    security: security === undefined ? undefined : publisherOf(security),
    agent: agent === undefined ? undefined : publisherOf(agent),
    created: timeOf(a['KLHST_WKS_CREATED']),
    lastConnect: timeOf(a['KLHST_WKS_LAST_NAGENT_CONNECTED']),
    lastVisible: timeOf(a['KLHST_WKS_LAST_VISIBLE']),
    baseDate: timeOf(a['KLHST_WKS_RTP_AV_BASES_TIME']),
    lastFullScan: timeOf(a['KLHST_WKS_LAST_FULLSCAN']),
    statusId: numberOf(a['KLHST_WKS_STATUS_ID']),
    mask: numberOf(a['KLHST_WKS_STATUS_MASK']),
    virusCount: numberOf(a['KLHST_WKS_VIRUS_COUNT']),
    uncured: numberOf(a['KLHST_WKS_UNCURED_COUNT']),
    reasons: undefined,
  };
}

/** The primary reason of a host's status of the given severity (first row of the status table that holds). */
function primaryReason(
  view: HostView,
  severity: 'critical' | 'warning',
  now: number,
): StatusCondition | undefined {
  view.reasons ??= statusReasons(hostFactsFromAttributes(view.record.attributes, now));
  for (const reason of view.reasons) if (reason.severity === severity) return reason;
  return undefined;
}

/** Since when a status reason can have held (time-based reasons start when their threshold was crossed). */
function reasonSince(view: HostView, reason: StatusCondition): number {
  switch (reason.bit) {
    case MASK_BIT.OLD_BASES:
      return (
        view.baseDate +
        (reason.severity === 'critical'
          ? STATUS_THRESHOLDS.criticalBasesDays
          : STATUS_THRESHOLDS.oldBasesDays) *
          DAY_MS
      );
    case MASK_BIT.OLD_FULL_SCAN:
      return Number.isNaN(view.lastFullScan)
        ? view.created
        : view.lastFullScan + STATUS_THRESHOLDS.oldFullScanDays * DAY_MS;
    case MASK_BIT.OLD_LAST_CONNECT:
      return view.lastConnect + STATUS_THRESHOLDS.oldLastConnectDays * DAY_MS;
    default:
      return view.created;
  }
}

/** The span in which a host publishes (creation to last agent connection) when `ok`, else null. */
function published(view: HostView, ok: boolean): readonly [number, number] | null {
  return ok && !Number.isNaN(view.lastConnect) ? [view.created, view.lastConnect] : null;
}

/**
 * The time span in which a host can be the subject of an event for `audience`, or null when it never can.
 * Host-published events need the host connected (up to its last agent connection); server events about a
 * host need the situation they report.
 */
function eligibility(audience: EventAudience, view: HostView, now: number): readonly [number, number] | null {
  switch (audience) {
    case 'security':
      return published(view, view.security !== undefined);
    case 'security-windows':
      return published(view, view.security !== undefined && !view.linux);
    case 'detected':
      return published(view, view.security !== undefined && view.virusCount > 0);
    case 'uncured':
      return published(view, view.security !== undefined && view.uncured > 0);
    case 'agent':
    case 'task':
      return published(view, view.agent !== undefined);
    case 'agent-windows':
      return published(view, view.agent !== undefined && !view.linux);
    case 'license-expired':
      return published(
        view,
        view.security !== undefined && (view.mask & (1 << MASK_BIT.LICENSE_EXPIRED)) !== 0,
      );
    case 'old-bases': {
      const span = published(
        view,
        view.security !== undefined && (view.mask & (1 << MASK_BIT.OLD_BASES)) !== 0,
      );
      return span === null ? null : [view.baseDate + STATUS_THRESHOLDS.oldBasesDays * DAY_MS, span[1]];
    }
    case 'status-critical':
    case 'status-warning': {
      const critical = audience === 'status-critical';
      if (view.statusId !== (critical ? STATUS_ID.CRITICAL : STATUS_ID.WARNING)) return null;
      const reason = primaryReason(view, critical ? 'critical' : 'warning', now);
      return reason === undefined ? null : [reasonSince(view, reason), Number.POSITIVE_INFINITY];
    }
    case 'not-visible':
      return view.lastVisible <= now - 7 * DAY_MS
        ? [view.lastVisible + 7 * DAY_MS, Number.POSITIVE_INFINITY]
        : null;
    case 'none':
      return null;
  }
}

/** Hosts that can be the subject of one audience's events, with the span in which each can. */
class HostPool {
  /** `[host index, from, to]` triples in one array, so a try reads one cache line. */
  private spans = new Float64Array(48);
  private length = 0;

  add(index: number, from: number, to: number): void {
    if ((this.length + 1) * 3 > this.spans.length) {
      const grown = new Float64Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    const at = this.length * 3;
    this.spans[at] = index;
    this.spans[at + 1] = from;
    this.spans[at + 2] = to;
    this.length += 1;
  }

  get size(): number {
    return this.length;
  }

  /** A member eligible at `time`, found by a few random tries; -1 when none turned up. */
  pickAt(rng: Random, time: number): number {
    const n = this.length;
    if (n === 0) return -1;
    const spans = this.spans;
    for (let attempt = 0; attempt < HOST_PICK_TRIES; attempt++) {
      const at = Math.floor(rng.float() * n) * 3;
      if ((spans[at + 1] ?? Infinity) <= time && time <= (spans[at + 2] ?? -Infinity)) return spans[at] ?? -1;
    }
    return -1;
  }
}

/** A detection that later remediation events refer to. */
interface Detection {
  readonly host: number;
  readonly time: number;
  readonly object: string;
  readonly threat: Threat;
  readonly user: string;
}

const DETECTION_TYPES = new Set(['GNRL_EV_VIRUS_FOUND', 'GNRL_EV_SUSPICIOUS_OBJECT_FOUND']);
const FOLLOW_UP_TYPES = new Set([
  'GNRL_EV_OBJECT_QUARANTINED',
  'GNRL_EV_OBJECT_DELETED',
  'GNRL_EV_OBJECT_CURED',
  'GNRL_EV_OBJECT_NOTCURED',
]);

/** A task a product runs, as `task_display_name` shows it. */
interface TaskSpec {
  readonly name: string;
  readonly product: 'security' | 'agent';
  readonly windowsOnly: boolean;
}

const TASKS = new WeightedTable<TaskSpec>([
  [{ name: 'Update', product: 'security', windowsOnly: false }, 45],
  [{ name: 'Virus scan', product: 'security', windowsOnly: false }, 12],
  [{ name: 'Critical areas scan', product: 'security', windowsOnly: false }, 10],
  [{ name: 'Integrity check', product: 'security', windowsOnly: true }, 4],
  [{ name: 'Find vulnerabilities and required updates', product: 'agent', windowsOnly: false }, 18],
  [{ name: 'Install required updates and fix vulnerabilities', product: 'agent', windowsOnly: true }, 8],
]);

const UPDATE_TASK: TaskSpec = { name: 'Update', product: 'security', windowsOnly: false };
const AGENT_TASK: TaskSpec = {
  name: 'Find vulnerabilities and required updates',
  product: 'agent',
  windowsOnly: false,
};
const SCANNED_PORTS: readonly number[] = [135, 139, 445, 3389, 22, 80];

/** `[task_old_state, task_new_state]` transitions of `KLPRCI_TaskState` and how often they occur. */
const TASK_TRANSITIONS = new WeightedTable<readonly [number, number]>([
  [[0, 1], 44],
  [[1, 4], 44],
  [[1, 3], 6],
  [[1, 2], 3],
  [[2, 1], 3],
]);

const TASK_FAILED = 3;
const TASK_COMPLETED = 4;

type TaskChange = { readonly name: string; readonly oldState: number; readonly newState: number };

/**
 * The content of one event before it becomes attributes. A class, so every event's content has the same shape
 * and the builders read it without polymorphic lookups.
 */
class EventContent {
  constructor(
    /** Template fields; always include `host`. */
    readonly fields: Readonly<Record<string, string>>,
    readonly product: Publisher | undefined,
    readonly severity: Severity | undefined = undefined,
    readonly eaId: number | undefined = undefined,
    readonly task: TaskChange | undefined = undefined,
    /** A ready description, for types whose description is also a parameter. */
    readonly description: string | undefined = undefined,
  ) {}
}

function qualifiedUser(view: HostView, login: string): string {
  return view.linux ? login : `${view.domain}\\${login}`;
}

function detectionContent(
  rng: Random,
  view: HostView,
  spec: EventTypeSpec,
  detection: Detection | undefined,
): EventContent {
  if (spec.type === 'GNRL_EV_OBJECT_BLOCKED') {
    const threat = rng.pick(WEB_THREATS);
    const user = qualifiedUser(view, view.user);
    return new EventContent(
      { host: view.dn, object: badSite(rng), threat: threat.name, user, threatType: threat.type },
      view.security,
    );
  }
  if (detection !== undefined) {
    const fields = {
      host: view.dn,
      object: detection.object,
      threat: detection.threat.name,
      user: detection.user,
      threatType: detection.threat.type,
    };
    return new EventContent(fields, view.security);
  }
  const threat = rng.pick(view.linux ? LINUX_THREATS : WINDOWS_THREATS);
  const login = view.linux && rng.chance(0.5) ? 'root' : view.user;
  const fields = {
    host: view.dn,
    object: objectPath(rng, view.linux, login),
    threat: threat.name,
    user: qualifiedUser(view, login),
    threatType: threat.type,
  };
  return new EventContent(fields, view.security);
}

function taskContent(rng: Random, view: HostView): EventContent {
  let task = TASKS.pick(rng);
  if (task.product === 'security' && view.security === undefined) task = AGENT_TASK;
  if (task.windowsOnly && view.linux) task = task.product === 'security' ? UPDATE_TASK : AGENT_TASK;
  const [oldState, newState] = TASK_TRANSITIONS.pick(rng);
  const fields = {
    host: view.dn,
    task: task.name,
    oldState: TASK_STATE_NAMES[oldState] ?? String(oldState),
    newState: TASK_STATE_NAMES[newState] ?? String(newState),
  };
  return new EventContent(
    fields,
    task.product === 'security' ? view.security : view.agent,
    // A failed task is reported as an error, every other transition as information.
    newState === TASK_FAILED ? SEVERITY.ERROR : SEVERITY.INFO,
    undefined,
    { name: task.name, oldState, newState },
  );
}

/** Fields and overrides of one host event of type `spec`, or null when the host cannot raise it now. */
function contentFor(
  rng: Random,
  spec: EventTypeSpec,
  view: HostView,
  now: number,
  detection: Detection | undefined,
): EventContent | null {
  const security = view.security;
  switch (spec.type) {
    case 'KLPRCI_TaskState':
      return taskContent(rng, view);
    case 'KLBL_EV_FSCAN_COMPLETED':
      return new EventContent({ host: view.dn, scanned: String(rng.int(180_000, 2_400_000)) }, security);
    case 'GNRL_EV_ATTACK_DETECTED': {
      let attack = rng.pick(ATTACKS);
      if (attack.linux !== null && attack.linux !== view.linux) attack = ATTACKS[0] ?? attack;
      const source = attackerAddress(rng);
      const port = attack.port === 0 ? rng.pick(SCANNED_PORTS) : attack.port;
      const fields = {
        host: view.dn,
        attack: attack.name,
        protocol: attack.protocol,
        ip: String(source),
        address: formatIpv4(source),
        port: String(port),
      };
      return new EventContent(fields, security);
    }
    case 'GNRL_EV_APPLICATION_LAUNCH_DENIED': {
      const blocked = rng.pick(BLOCKED_APPLICATIONS);
      const fields = {
        host: view.dn,
        application: `C:\\Users\\${view.user}\\Downloads\\${blocked.file}`,
        rule: blocked.rule,
        user: qualifiedUser(view, view.user),
      };
      return new EventContent(fields, security);
    }
    case 'GNRL_EV_ANTIVIRAL_BASES_EXPIRED':
      return new EventContent({ host: view.dn, basesDate: new Date(view.baseDate).toISOString() }, security);
    case 'GNRL_EV_LICENSE_EXPIRATION':
      return new EventContent({ host: view.dn, product: security?.displayName ?? '' }, security);
    case 'GNRL_EV_PTOTECTION_LEVEL_CHANGED':
      return new EventContent({ host: view.dn, level: rng.pick(PROTECTION_LEVELS) }, security);
    case 'KLNAG_EV_INV_APP_INSTALLED':
    case 'KLNAG_EV_INV_APP_UNINSTALLED': {
      const application = rng.pick(view.linux ? LINUX_APPLICATIONS : WINDOWS_APPLICATIONS);
      const fields = {
        host: view.dn,
        application: application.name,
        version: application.version,
        vendor: application.vendor,
      };
      return new EventContent(fields, view.agent);
    }
    case 'KLNAG_EV_PATCH_INSTALLED_SUCCESSFULLY':
      return new EventContent({ host: view.dn, patch: rng.pick(WINDOWS_PATCHES) }, view.agent);
    case 'KLSRV_HOST_STATUS_CRITICAL':
    case 'KLSRV_HOST_STATUS_WARNING': {
      const reason = primaryReason(
        view,
        spec.type === 'KLSRV_HOST_STATUS_CRITICAL' ? 'critical' : 'warning',
        now,
      );
      if (reason === undefined) return null;
      const fields: Record<string, string> = { host: view.dn, reason: reason.text, description: '' };
      const description = renderTemplate(spec.template, fields);
      fields['description'] = description;
      return new EventContent(fields, undefined, undefined, reason.eventId, undefined, description);
    }
    case 'KLSRV_EVENT_HOSTS_NOT_VISIBLE': {
      const days = String(Math.max(7, Math.floor((now - view.lastVisible) / DAY_MS)));
      return new EventContent({ host: view.dn, days }, undefined);
    }
    default:
      if (
        DETECTION_TYPES.has(spec.type) ||
        FOLLOW_UP_TYPES.has(spec.type) ||
        spec.type === 'GNRL_EV_OBJECT_BLOCKED'
      ) {
        return detectionContent(rng, view, spec, detection);
      }
      return null;
  }
}

function eventId(id: number): number {
  return id <= INT32_MAX ? id : id % INT32_MAX;
}

const PARAM_KEYS: readonly string[] = Array.from({ length: 9 }, (_, i) => `GNRL_EA_PARAM_${i + 1}`);
const SERVER_BUILD = ADMIN_SERVER.builds[0]?.[0] ?? '';

/** Appends `GNRL_EA_PARAM_1…n` from the template fields the type lists. */
function addParams(
  attributes: Record<string, KlValue>,
  spec: EventTypeSpec,
  fields: Readonly<Record<string, string>>,
): void {
  const params = spec.params;
  for (let p = 0; p < params.length; p++) {
    const value = fields[params[p] ?? ''];
    if (value !== undefined) attributes[PARAM_KEYS[p] ?? `GNRL_EA_PARAM_${p + 1}`] = value;
  }
}

/*
 * Each kind of event gets its attributes from one object literal with a fixed set of keys, and the variable parts
 * (parameters, task fields) are appended after it: events then share a handful of object shapes, which keeps the
 * property stores monomorphic — with one shape per event type, building attributes was several times slower.
 */

type EventNaming = Pick<EventTypeSpec, 'type' | 'displayName' | 'typeId'>;

function publishedAttributes(
  id: number,
  spec: EventNaming,
  severity: Severity,
  eaId: number,
  description: string,
  rise: number,
  registration: number,
  view: HostView,
  groupName: string,
  product: Publisher,
): Record<string, KlValue> {
  return {
    event_db_id: BigInt(id),
    event_id: eventId(id),
    event_type: spec.type,
    event_type_id: spec.typeId,
    event_type_display_name: spec.displayName,
    GNRL_EA_DESCRIPTION: description,
    GNRL_EA_SEVERITY: severity,
    GNRL_EA_ID: eaId,
    rise_time: new Date(rise),
    registration_time: new Date(registration),
    hostname: view.hostId,
    host_id: view.numericId,
    host_type: HOST_TYPE_MANAGED,
    hostdn: view.dn,
    domain_name: view.domain,
    group_id: view.groupId,
    group_name: groupName,
    product_name: product.name,
    product_version: product.version,
    product_displ_version: product.build,
    KLVSRV_ID: view.vserverId,
  };
}

function serverAttributes(
  id: number,
  spec: EventNaming,
  severity: Severity,
  eaId: number,
  description: string,
  rise: number,
  registration: number,
  vserverId: number,
): Record<string, KlValue> {
  return {
    event_db_id: BigInt(id),
    event_id: eventId(id),
    event_type: spec.type,
    event_type_id: spec.typeId,
    event_type_display_name: spec.displayName,
    GNRL_EA_DESCRIPTION: description,
    GNRL_EA_SEVERITY: severity,
    GNRL_EA_ID: eaId,
    rise_time: new Date(rise),
    registration_time: new Date(registration),
    product_name: ADMIN_SERVER.code,
    product_version: ADMIN_SERVER.versionKey,
    product_displ_version: SERVER_BUILD,
    KLVSRV_ID: vserverId,
  };
}

function buildHostEvent(
  rng: Random,
  spec: EventTypeSpec,
  view: HostView,
  id: number,
  rise: number,
  registration: number,
  now: number,
  detection: Detection | undefined,
): EventRecord | null {
  const content = contentFor(rng, spec, view, now, detection);
  if (content === null) return null;
  const fields = content.fields;
  const severity = content.severity ?? spec.severity;
  const eaId = content.eaId ?? spec.eaId;
  const description = content.description ?? renderTemplate(spec.template, fields);
  let attributes: Record<string, KlValue>;
  let hostId: string | null;
  if (spec.source === 'server-host') {
    // The server publishes these; the device they concern shows only in the text and the group fields.
    attributes = serverAttributes(id, spec, severity, eaId, description, rise, registration, view.vserverId);
    attributes['group_id'] = view.groupId;
    if (view.groupName !== undefined) attributes['group_name'] = view.groupName;
    hostId = null;
  } else {
    // Everything a host publishes travels through its Network Agent.
    const product = content.product ?? view.agent;
    if (product === undefined) return null;
    const groupName = view.groupName ?? '';
    attributes = publishedAttributes(
      id,
      spec,
      severity,
      eaId,
      description,
      rise,
      registration,
      view,
      groupName,
      product,
    );
    hostId = view.hostId;
  }
  addParams(attributes, spec, fields);
  const task = content.task;
  if (task !== undefined) {
    attributes['task_display_name'] = task.name;
    attributes['task_old_state'] = task.oldState;
    attributes['task_new_state'] = task.newState;
    attributes['event_type_display_name'] = taskStateEventName(task.newState);
    attributes['GNRL_COMPLETED_PERCENT'] = task.newState === TASK_COMPLETED ? 100 : 0;
  }
  return {
    id,
    vserverId: view.vserverId,
    hostId,
    riseTime: rise,
    eventType: spec.type,
    severity,
    attributes,
  };
}

function buildServerEvent(vserverId: number, id: number, rise: number, registration: number): EventRecord {
  const spec = eventTypeSpec(SERVER_EVENT_TYPE);
  const fields: Record<string, string> = { records: String(baseRecordsAt(rise)) };
  const description = renderTemplate(spec.template, fields);
  const attributes = serverAttributes(
    id,
    spec,
    spec.severity,
    spec.eaId,
    description,
    rise,
    registration,
    vserverId,
  );
  addParams(attributes, spec, fields);
  return {
    id,
    vserverId,
    hostId: null,
    riseTime: rise,
    eventType: spec.type,
    severity: spec.severity,
    attributes,
  };
}

/** The world an event history is generated for. */
export interface EventWorld {
  readonly vservers: readonly VServerRecord[];
  readonly groups: readonly GroupRecord[];
  readonly hosts: readonly HostRecord[];
}

/** Inputs of {@link generateEvents}. */
export interface EventGenerationOptions {
  readonly seed: number;
  readonly count: number;
  /** "Now", epoch ms: events rise in the {@link EVENT_HISTORY_DAYS} days before it. */
  readonly now: number;
  /** Id of the first event; the default 1 gives `event_db_id` 1, 2, …. */
  readonly firstId?: number;
}

/**
 * Generates `count` events over the 30 days before `now`, lazily: ids increase by one and rise times never
 * decrease. The same world, seed, count and `now` give the same events on every run.
 */
export function* generateEvents(
  world: EventWorld,
  options: EventGenerationOptions,
): Generator<EventRecord, void, undefined> {
  const count = Math.max(0, Math.floor(options.count));
  if (count === 0) return;
  const rng = Random.derive(options.seed, 'events');
  const end = wholeSeconds(options.now);
  const start = end - EVENT_HISTORY_DAYS * DAY_MS;
  const firstId = options.firstId ?? 1;
  const timeline = new EventTimeline(rng, count, start, end);

  const groupsById = new Map(world.groups.map((group) => [group.id, group] as const));
  const views = world.hosts.map((host) => viewOf(host, groupsById.get(host.groupId)));
  const pools = new Map<EventAudience, HostPool>();
  const audiences = new Set(Object.values(EVENT_TYPES).map((spec) => spec.audience));
  for (const audience of audiences) {
    if (audience === 'none') continue;
    const pool = new HostPool();
    views.forEach((view, index) => {
      const span = eligibility(audience, view, end);
      if (span === null) return;
      const from = Math.max(start, span[0]);
      const to = Math.min(end, span[1]);
      if (from <= to) pool.add(index, from, to);
    });
    pools.set(audience, pool);
  }
  const types = new WeightedTable(
    Object.values(EVENT_TYPES)
      .filter((spec) => spec.audience === 'none' || (pools.get(spec.audience)?.size ?? 0) > 0)
      .map((spec) => [spec, spec.weight] as const),
  );
  // Server events about the server itself belong to a server in proportion to its hosts.
  const hostsPerServer = new Map<number, number>();
  for (const host of world.hosts)
    hostsPerServer.set(host.vserverId, (hostsPerServer.get(host.vserverId) ?? 0) + 1);
  const servers = new WeightedTable(
    world.vservers.length === 0
      ? [[0, 1] as const]
      : world.vservers.map((server) => [server.id, Math.max(1, hostsPerServer.get(server.id) ?? 0)] as const),
  );
  const detectedPool = pools.get('detected');
  const securityPool = pools.get('security');
  const recentDetections: Detection[] = [];

  for (let i = 0; i < count; i++) {
    const id = firstId + i;
    const rise = timeline.next();
    const registration = Math.min(end, rise + rng.int(1, 6) * SECOND_MS);
    const spec = types.pick(rng);
    let event: EventRecord | null = null;
    if (spec.audience !== 'none') {
      let hostIndex = -1;
      let detection: Detection | undefined;
      if (FOLLOW_UP_TYPES.has(spec.type) && rng.chance(0.8)) {
        const needsUncured = spec.type === 'GNRL_EV_OBJECT_NOTCURED';
        detection = takeRecentDetection(recentDetections, rise, views, needsUncured);
        if (detection !== undefined) hostIndex = detection.host;
      }
      if (
        hostIndex < 0 &&
        DETECTION_TYPES.has(spec.type) &&
        securityPool !== undefined &&
        detectedPool !== undefined
      ) {
        // Mostly hosts with a virus count, sometimes any protected host (counts get reset).
        hostIndex = (rng.chance(0.75) ? detectedPool : securityPool).pickAt(rng, rise);
      }
      if (hostIndex < 0) hostIndex = pools.get(spec.audience)?.pickAt(rng, rise) ?? -1;
      const view = views[hostIndex];
      if (view !== undefined) {
        event = buildHostEvent(rng, spec, view, id, rise, registration, end, detection);
        if (event !== null && DETECTION_TYPES.has(spec.type)) {
          recentDetections.push(detectionOf(event, hostIndex, rise));
          if (recentDetections.length > 32) recentDetections.shift();
        }
      }
    }
    yield event ?? buildServerEvent(servers.pick(rng), id, rise, registration);
  }
}

function detectionOf(event: EventRecord, host: number, time: number): Detection {
  const a = event.attributes;
  return {
    host,
    time,
    object: stringOf(a['GNRL_EA_PARAM_1']),
    threat: { name: stringOf(a['GNRL_EA_PARAM_2']), type: stringOf(a['GNRL_EA_PARAM_4']) },
    user: stringOf(a['GNRL_EA_PARAM_3']),
  };
}

/** The newest detection still open for remediation at `time` on a host that is connected then; removes it. */
function takeRecentDetection(
  recent: Detection[],
  time: number,
  views: readonly HostView[],
  needsUncured: boolean,
): Detection | undefined {
  for (let i = recent.length - 1; i >= 0; i--) {
    const detection = recent[i];
    if (detection === undefined || time - detection.time > FOLLOW_UP_WINDOW_MS) break;
    const view = views[detection.host];
    // An object "not disinfected" must belong to a host that still counts uncured objects.
    if (view !== undefined && time <= view.lastConnect && (!needsUncured || view.uncured > 0)) {
      recent.splice(i, 1);
      return detection;
    }
  }
  return undefined;
}

/**
 * The audience that decides whether a host can raise a type *now*: a new detection (or an object that resists
 * disinfection) can happen on any protected host — it is what makes the host's counters grow.
 */
function liveAudience(audience: EventAudience): EventAudience {
  return audience === 'detected' || audience === 'uncured' ? 'security' : audience;
}

/** Event types a host can raise now, by its products and status. */
export function eventTypesFor(
  host: HostRecord,
  group: GroupRecord | undefined,
  now: number,
): EventTypeSpec[] {
  const view = viewOf(host, group);
  return Object.values(EVENT_TYPES).filter(
    (spec) => spec.audience !== 'none' && eligibility(liveAudience(spec.audience), view, now) !== null,
  );
}

/**
 * One new event of `host` for live mode, risen at `now`. Without `type`, a type the host can raise is drawn by
 * the history's frequencies. Returns null when the host cannot raise the requested type (e.g. a detection on a
 * host without a security application, a status event for a host whose status is OK).
 */
export function makeLiveEvent(
  rng: Random,
  host: HostRecord,
  group: GroupRecord | undefined,
  id: number,
  now: number,
  type?: string,
): EventRecord | null {
  const rise = wholeSeconds(now);
  const view = viewOf(host, group);
  let spec: EventTypeSpec;
  if (type === undefined) {
    const candidates = eventTypesFor(host, group, rise);
    if (candidates.length === 0) return null;
    spec = new WeightedTable(candidates.map((candidate) => [candidate, candidate.weight] as const)).pick(rng);
  } else {
    spec = eventTypeSpec(type);
    if (spec.audience === 'none') return buildServerEvent(host.vserverId, id, rise, rise);
    if (eligibility(liveAudience(spec.audience), view, rise) === null) return null;
  }
  return buildHostEvent(rng, spec, view, id, rise, rise, rise, undefined);
}

/**
 * The `KLSRV_HOST_STATUS_CRITICAL` / `_WARNING` event announcing a host's current status (after the server
 * recomputed it), or null when the status is OK.
 */
export function makeHostStatusEvent(
  rng: Random,
  host: HostRecord,
  group: GroupRecord | undefined,
  id: number,
  now: number,
): EventRecord | null {
  const statusId = numberOf(host.attributes['KLHST_WKS_STATUS_ID']);
  if (statusId === STATUS_ID.OK) return null;
  const type = statusId === STATUS_ID.CRITICAL ? 'KLSRV_HOST_STATUS_CRITICAL' : 'KLSRV_HOST_STATUS_WARNING';
  const rise = wholeSeconds(now);
  return buildHostEvent(rng, eventTypeSpec(type), viewOf(host, group), id, rise, rise, rise, undefined);
}

/** An event the emulated server records because something happened (a task ran, a file was quarantined). */
export interface ActionEventSpec {
  readonly type: string;
  readonly displayName: string;
  readonly severity: Severity;
  readonly description: string;
  /** `GNRL_EA_ID`; default 0. */
  readonly eaId?: number;
  /** Product code that published it (`KES`, `1103`, `EDRAgent`); default: the host's Network Agent. */
  readonly product?: string;
  /** Further attributes (`task_id`, `task_new_state`, `GNRL_EA_PARAM_1`, …); they win over the common ones. */
  readonly attributes?: KlParams;
}

/**
 * An event a host publishes about an action (task state, detection, quarantine), with the common attributes of
 * every host event (spec §6.3). `null` when the host has no Network Agent or not the named product.
 */
export function makeHostActionEvent(
  host: HostRecord,
  group: GroupRecord | undefined,
  id: number,
  at: number,
  event: ActionEventSpec,
): EventRecord | null {
  const view = viewOf(host, group);
  const installed = event.product === undefined ? undefined : findProduct(host.products, event.product);
  if (event.product !== undefined && installed === undefined) return null;
  const product = installed === undefined ? view.agent : publisherOf(installed);
  if (product === undefined) return null;
  const rise = wholeSeconds(at);
  const attributes = publishedAttributes(
    id,
    { ...event, typeId: eventTypeIdOf(event.type) },
    event.severity,
    event.eaId ?? 0,
    event.description,
    rise,
    rise,
    view,
    view.groupName ?? '',
    product,
  );
  Object.assign(attributes, event.attributes);
  return {
    id,
    vserverId: host.vserverId,
    hostId: host.id,
    riseTime: rise,
    eventType: event.type,
    severity: event.severity,
    attributes,
  };
}

/** An event the Administration Server itself publishes (a server task's state, a general-status change). */
export function makeServerActionEvent(
  vserverId: number,
  id: number,
  at: number,
  event: Omit<ActionEventSpec, 'product'>,
): EventRecord {
  const rise = wholeSeconds(at);
  const attributes = serverAttributes(
    id,
    { ...event, typeId: eventTypeIdOf(event.type) },
    event.severity,
    event.eaId ?? 0,
    event.description,
    rise,
    rise,
    vserverId,
  );
  Object.assign(attributes, event.attributes);
  return {
    id,
    vserverId,
    hostId: null,
    riseTime: rise,
    eventType: event.type,
    severity: event.severity,
    attributes,
  };
}
