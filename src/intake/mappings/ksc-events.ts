/**
 * What a KSC event is about, by its `event_type` (spec §6.3 and the per-type meanings of `GNRL_EA_PARAM_1…4`):
 * the family decides the output class (an OCSF Detection Finding or a Base Event, an ECS alert or event) and
 * which parameters carry a file, a threat, a user or an attacker.
 */
import type { PlainObject } from '../types.ts';
import { baseName, ipv4FromHostOrder, numberOf, splitAccount, textOf } from './values.ts';

export type KscEventFamily =
  /** An object found malicious or suspicious, or blocked: P1 object, P2 threat, P3 user, P4 threat type. */
  | 'detection'
  /** What became of a detected object (quarantined, deleted, disinfected or not): the same parameters. */
  | 'remediation'
  /** A network attack blocked: P1 attack, P2 protocol, P3 attacker IPv4 (host-order number), P4 local port. */
  | 'attack'
  /** An application start blocked by Application Control: P1 application, P2 rule, P3 user. */
  | 'launch-denied'
  /** An application or patch installed or removed (Network Agent inventory). */
  | 'software'
  /** Everything else: task states, scans completed, statuses, databases, licences, server events. */
  | 'other';

const FAMILIES: Readonly<Record<string, KscEventFamily>> = {
  GNRL_EV_VIRUS_FOUND: 'detection',
  GNRL_EV_SUSPICIOUS_OBJECT_FOUND: 'detection',
  GNRL_EV_OBJECT_BLOCKED: 'detection',
  GNRL_EV_OBJECT_QUARANTINED: 'remediation',
  GNRL_EV_OBJECT_DELETED: 'remediation',
  GNRL_EV_OBJECT_CURED: 'remediation',
  GNRL_EV_OBJECT_NOTCURED: 'remediation',
  GNRL_EV_ATTACK_DETECTED: 'attack',
  GNRL_EV_APPLICATION_LAUNCH_DENIED: 'launch-denied',
  KLNAG_EV_INV_APP_INSTALLED: 'software',
  KLNAG_EV_INV_APP_UNINSTALLED: 'software',
  KLNAG_EV_PATCH_INSTALLED_SUCCESSFULLY: 'software',
};

export function kscEventFamily(data: PlainObject): KscEventFamily {
  return FAMILIES[textOf(data, 'event_type') ?? ''] ?? 'other';
}

/** Families that are findings of a security application (OCSF Detection Finding, ECS `event.kind: alert`). */
export function isKscFinding(data: PlainObject): boolean {
  const family = kscEventFamily(data);
  return (
    family === 'detection' || family === 'remediation' || family === 'attack' || family === 'launch-denied'
  );
}

/** The event types of each family, for the documentation. */
export function kscEventTypesOf(family: KscEventFamily): string[] {
  return Object.entries(FAMILIES)
    .filter(([, f]) => f === family)
    .map(([type]) => type);
}

const param = (data: PlainObject, n: 1 | 2 | 3 | 4): string | undefined => textOf(data, `GNRL_EA_PARAM_${n}`);

/** The file a detection, remediation or blocked launch concerns (its path). */
export function kscFilePath(data: PlainObject): string | undefined {
  const family = kscEventFamily(data);
  return family === 'detection' || family === 'remediation' || family === 'launch-denied'
    ? param(data, 1)
    : undefined;
}

export function kscFileName(data: PlainObject): string | undefined {
  const path = kscFilePath(data);
  return path === undefined ? undefined : baseName(path);
}

/** The threat's name: the detected object's verdict, or the network attack's name. */
export function kscThreatName(data: PlainObject): string | undefined {
  const family = kscEventFamily(data);
  if (family === 'detection' || family === 'remediation') return param(data, 2);
  if (family === 'attack') return param(data, 1);
  return undefined;
}

/** The threat's type in KSC's words (`Trojan program`, …): detections only. */
export function kscThreatType(data: PlainObject): string | undefined {
  const family = kscEventFamily(data);
  return family === 'detection' || family === 'remediation' ? param(data, 4) : undefined;
}

/** The user account (`DOMAIN\user`) of a detection or a blocked launch. */
export function kscAccount(data: PlainObject): string | undefined {
  const family = kscEventFamily(data);
  return family === 'detection' || family === 'remediation' || family === 'launch-denied'
    ? param(data, 3)
    : undefined;
}

export function kscUserName(data: PlainObject): string | undefined {
  const account = kscAccount(data);
  return account === undefined ? undefined : splitAccount(account).name;
}

export function kscUserDomain(data: PlainObject): string | undefined {
  const account = kscAccount(data);
  return account === undefined ? undefined : splitAccount(account).domain;
}

export function kscAttackerIp(data: PlainObject): string | undefined {
  return kscEventFamily(data) === 'attack' ? ipv4FromHostOrder(data['GNRL_EA_PARAM_3']) : undefined;
}

export function kscAttackProtocol(data: PlainObject): string | undefined {
  return kscEventFamily(data) === 'attack' ? param(data, 2)?.toLowerCase() : undefined;
}

export function kscAttackedPort(data: PlainObject): number | undefined {
  return kscEventFamily(data) === 'attack' ? numberOf(data, 'GNRL_EA_PARAM_4') : undefined;
}

/** The Application Control rule that blocked a launch. */
export function kscBlockingRule(data: PlainObject): string | undefined {
  return kscEventFamily(data) === 'launch-denied' ? param(data, 2) : undefined;
}

/** The host an event concerns: host events carry `hostname` (the id) and `hostdn`; server events none. */
export function kscHostName(data: PlainObject): string | undefined {
  return textOf(data, 'hostdn');
}
