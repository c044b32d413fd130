import { LINUX_THREATS, WEB_THREATS, WINDOWS_THREATS } from '../world/event-content.ts';
import { hashString } from '../../core/random.ts';
import { OBJECT_STATUS } from './items.ts';

/** The threat type the event history pairs with each verdict name. */
const THREAT_TYPES: ReadonlyMap<string, string> = new Map(
  [...WINDOWS_THREATS, ...LINUX_THREATS, ...WEB_THREATS].map((t) => [t.name, t.type]),
);

export function threatTypeOf(threat: string): string {
  return THREAT_TYPES.get(threat) ?? 'Malware';
}

/** `iObjStatus` of a file stored because of a detection: heuristic and riskware verdicts are "probably infected". */
export function threatStatus(threat: string): number {
  return threat.startsWith('HEUR:') || threat.startsWith('not-a-virus:')
    ? OBJECT_STATUS.PROBABLY_INFECTED
    : OBJECT_STATUS.INFECTED;
}

/** A plausible file size (1 KB – 4 MB), stable for the same key. */
export function objectSize(key: string): number {
  return 1024 + (hashString(key) % (4 * 1024 * 1024));
}
