import { SEVERITY, type Severity } from './model.ts';

/**
 * The event types of the emulated KSC (spec §6.3): display name, severity, `GNRL_EA_ID`, what publishes them,
 * which hosts can raise them, how often they appear in a generated history, the description template and which
 * template fields become `GNRL_EA_PARAM_1…n` (per-type meanings of spec §6.3: a detection carries object, threat,
 * user, threat type; an attack carries attack, protocol, attacker IP as a decimal string, port).
 *
 * `GNRL_EA_ID` of the `KLSRV_*` types follows the old SDK header; the other ids were never published and are the
 * emulator's own, stable numbers.
 */

/** Who publishes an event type. */
export type EventSource =
  /** The host's security application (KES / KESL). */
  | 'security'
  /** Network Agent. */
  | 'agent'
  /** The product whose task changed state (KES, KESL or Network Agent). */
  | 'task'
  /** The Administration Server, about a host. */
  | 'server-host'
  /** The Administration Server, about itself. */
  | 'server';

/** Which hosts an event type can concern. */
export type EventAudience =
  | 'security'
  | 'security-windows'
  | 'detected'
  | 'uncured'
  | 'agent'
  | 'agent-windows'
  | 'task'
  | 'status-critical'
  | 'status-warning'
  | 'old-bases'
  | 'license-expired'
  | 'not-visible'
  | 'none';

/** One piece of a compiled template: literal text, or the name of a field to insert. */
type TemplatePart = { readonly text: string } | { readonly field: string };

/** A description template compiled once into parts, so rendering is plain concatenation. */
export interface CompiledTemplate {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

/** Compiles `text {field} text` templates. */
export function compileTemplate(source: string): CompiledTemplate {
  const parts: TemplatePart[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{', at);
    const close = open < 0 ? -1 : source.indexOf('}', open);
    if (open < 0 || close < 0) {
      parts.push({ text: source.slice(at) });
      break;
    }
    if (open > at) parts.push({ text: source.slice(at, open) });
    parts.push({ field: source.slice(open + 1, close) });
    at = close + 1;
  }
  return { source, parts };
}

/** Fills a compiled template; a missing field renders as an empty string. */
export function renderTemplate(template: CompiledTemplate, fields: Readonly<Record<string, string>>): string {
  let out = '';
  for (const part of template.parts) out += 'text' in part ? part.text : (fields[part.field] ?? '');
  return out;
}

/** Static description of one event type. */
export interface EventTypeSpec {
  readonly type: string;
  readonly displayName: string;
  readonly severity: Severity;
  /** `GNRL_EA_ID` */
  readonly eaId: number;
  /**
   * `event_type_id`: the type's number, its 1-based place in `EVENT_TYPES` (so new types are appended, never
   * inserted, to keep the numbers of stored events stable).
   */
  readonly typeId: number;
  readonly source: EventSource;
  readonly audience: EventAudience;
  /** Relative frequency in a generated history. */
  readonly weight: number;
  /** Description template; fields in braces. */
  readonly template: CompiledTemplate;
  /** Template fields copied, in order, into `GNRL_EA_PARAM_1…n`. */
  readonly params: readonly string[];
}

function spec(
  type: string,
  displayName: string,
  severity: Severity,
  eaId: number,
  source: EventSource,
  audience: EventAudience,
  weight: number,
  template: string,
  params: readonly string[],
): Omit<EventTypeSpec, 'typeId'> {
  return {
    type,
    displayName,
    severity,
    eaId,
    source,
    audience,
    weight,
    template: compileTemplate(template),
    params,
  };
}

const { INFO, WARNING, ERROR, CRITICAL } = SEVERITY;
const DETECTION_PARAMS = ['object', 'threat', 'user', 'threatType'] as const;

/** Every event type the emulator generates, keyed by `event_type`. */
export const EVENT_TYPES: Readonly<Record<string, EventTypeSpec>> = Object.freeze(
  Object.fromEntries(
    [
      spec(
        'KLPRCI_TaskState',
        'Task state changed',
        INFO,
        4096,
        'task',
        'task',
        300,
        "Task '{task}' on device '{host}' changed its state from '{oldState}' to '{newState}'.",
        ['task'],
      ),
      spec(
        'KLBL_EV_FSCAN_COMPLETED',
        'Full scan completed',
        INFO,
        4097,
        'security',
        'security',
        40,
        "Full scan of device '{host}' completed: {scanned} objects scanned.",
        ['scanned'],
      ),
      spec(
        'GNRL_EV_VIRUS_FOUND',
        'Malicious object detected',
        CRITICAL,
        4098,
        'security',
        'detected',
        40,
        "Malicious object detected on device '{host}': {threat}. Object: {object}. User: {user}.",
        DETECTION_PARAMS,
      ),
      spec(
        'GNRL_EV_SUSPICIOUS_OBJECT_FOUND',
        'Probably infected object detected',
        WARNING,
        4099,
        'security',
        'security',
        10,
        "Probably infected object detected on device '{host}': {threat}. Object: {object}. User: {user}.",
        DETECTION_PARAMS,
      ),
      spec(
        'GNRL_EV_OBJECT_QUARANTINED',
        'Object moved to quarantine',
        INFO,
        4100,
        'security',
        'detected',
        20,
        "Object {object} ({threat}) was moved to quarantine on device '{host}'.",
        DETECTION_PARAMS,
      ),
      spec(
        'GNRL_EV_OBJECT_DELETED',
        'Object deleted',
        INFO,
        4101,
        'security',
        'detected',
        15,
        "Object {object} ({threat}) was deleted on device '{host}'.",
        DETECTION_PARAMS,
      ),
      spec(
        'GNRL_EV_OBJECT_CURED',
        'Object disinfected',
        INFO,
        4102,
        'security',
        'detected',
        8,
        "Object {object} ({threat}) was disinfected on device '{host}'.",
        DETECTION_PARAMS,
      ),
      spec(
        'GNRL_EV_OBJECT_NOTCURED',
        'Object not disinfected',
        ERROR,
        4103,
        'security',
        'uncured',
        3,
        "Object {object} ({threat}) could not be disinfected on device '{host}'.",
        DETECTION_PARAMS,
      ),
      spec(
        'GNRL_EV_OBJECT_BLOCKED',
        'Object blocked',
        WARNING,
        4104,
        'security',
        'security',
        25,
        "Access to {object} ({threat}) was blocked on device '{host}'. User: {user}.",
        DETECTION_PARAMS,
      ),
      spec(
        'GNRL_EV_ATTACK_DETECTED',
        'Network attack detected',
        CRITICAL,
        4105,
        'security',
        'security',
        12,
        "Network attack {attack} ({protocol}) from {address} to port {port} was blocked on device '{host}'.",
        ['attack', 'protocol', 'ip', 'port'],
      ),
      spec(
        'GNRL_EV_APPLICATION_LAUNCH_DENIED',
        'Application startup prohibited',
        WARNING,
        4106,
        'security',
        'security-windows',
        30,
        "Startup of {application} was blocked on device '{host}' by the Application Control rule '{rule}'. User: {user}.",
        ['application', 'rule', 'user'],
      ),
      spec(
        'GNRL_EV_ANTIVIRAL_BASES_EXPIRED',
        'Databases are outdated',
        WARNING,
        4107,
        'security',
        'old-bases',
        10,
        "Anti-virus databases on device '{host}' are outdated: release date {basesDate}.",
        ['basesDate'],
      ),
      spec(
        'GNRL_EV_LICENSE_EXPIRATION',
        'License expired',
        WARNING,
        4108,
        'security',
        'license-expired',
        4,
        "The license for {product} on device '{host}' has expired.",
        ['product'],
      ),
      spec(
        'GNRL_EV_PTOTECTION_LEVEL_CHANGED',
        'Protection level changed',
        INFO,
        4109,
        'security',
        'security',
        8,
        "Real-time protection level on device '{host}' changed to '{level}'.",
        ['level'],
      ),
      spec(
        'KLNAG_EV_INV_APP_INSTALLED',
        'Application installed',
        INFO,
        4110,
        'agent',
        'agent',
        60,
        "{application} {version} ({vendor}) was installed on device '{host}'.",
        ['application', 'version', 'vendor'],
      ),
      spec(
        'KLNAG_EV_INV_APP_UNINSTALLED',
        'Application uninstalled',
        INFO,
        4111,
        'agent',
        'agent',
        25,
        "{application} {version} ({vendor}) was removed from device '{host}'.",
        ['application', 'version', 'vendor'],
      ),
      spec(
        'KLNAG_EV_PATCH_INSTALLED_SUCCESSFULLY',
        'Software update installed successfully',
        INFO,
        4112,
        'agent',
        'agent-windows',
        40,
        "{patch} was installed on device '{host}'.",
        ['patch'],
      ),
      spec(
        'KLSRV_HOST_STATUS_CRITICAL',
        'Device status is Critical.',
        CRITICAL,
        1041,
        'server-host',
        'status-critical',
        25,
        "Status of device '{host}' has changed to Critical: {reason}.",
        ['description'],
      ),
      spec(
        'KLSRV_HOST_STATUS_WARNING',
        'Device status is Warning.',
        WARNING,
        1050,
        'server-host',
        'status-warning',
        45,
        "Status of device '{host}' has changed to Warning: {reason}.",
        ['description'],
      ),
      spec(
        'KLSRV_EVENT_HOSTS_NOT_VISIBLE',
        'Device has not been visible in the network for a long time',
        WARNING,
        1030,
        'server-host',
        'not-visible',
        8,
        "Device '{host}' has not been visible in the network for {days} days.",
        ['host', 'days'],
      ),
      spec(
        'KLSRV_UPD_BASES_UPDATED',
        'Databases updated',
        INFO,
        4113,
        'server',
        'none',
        8,
        'Anti-virus databases of the Administration Server have been updated: {records} records.',
        ['records'],
      ),
    ].map((entry, index) => [entry.type, Object.freeze({ ...entry, typeId: index + 1 })]),
  ),
);

/** The event type the generator falls back to when no host qualifies: a server event about itself. */
export const SERVER_EVENT_TYPE = 'KLSRV_UPD_BASES_UPDATED';

/** `task_new_state` / `task_old_state` values of `KLPRCI_TaskState` (spec §8.4) and how they read. */
export const TASK_STATE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: 'Created',
  1: 'Running',
  2: 'Paused',
  3: 'Failed',
  4: 'Completed',
});

/**
 * `event_type_display_name` of a `KLPRCI_TaskState` event: KSC names the event after the state it reached (seed
 * 001's quarantine sample: "Completed successfully"; the others as the reference's group task state enum words
 * them). A state without a text of its own keeps the type's generic name.
 */
export const TASK_STATE_EVENT_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'Running',
  2: 'Suspended',
  3: 'Failed',
  4: 'Completed successfully',
});

export function taskStateEventName(newState: number): string {
  return TASK_STATE_EVENT_NAMES[newState] ?? 'Task state changed';
}

/** Looks up an event type; throws for one the emulator does not know. */
export function eventTypeSpec(type: string): EventTypeSpec {
  const found = EVENT_TYPES[type];
  if (found === undefined) throw new RangeError(`unknown event type '${type}'`);
  return found;
}

/**
 * `event_type_id` of any event type: its number in `EVENT_TYPES`, or for the types only actions raise (task sync,
 * quarantine, isolation…) a number from 10,000 up derived from the name (FNV-1a), so it is the same in every run
 * and on every backend without a second table to keep in step.
 */
export function eventTypeIdOf(type: string): number {
  const known = EVENT_TYPES[type];
  if (known !== undefined) return known.typeId;
  let hash = 0x811c9dc5;
  for (let i = 0; i < type.length; i++) {
    hash ^= type.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 10_000 + (hash % 90_000);
}
