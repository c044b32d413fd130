import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { LINUX_THREATS, WINDOWS_THREATS, objectPath } from '../world/event-content.ts';
import type { HostRecord } from '../world/model.ts';
import { primaryUserOf } from '../world/names.ts';
import { PLATFORM_TYPE } from '../world/platforms.ts';
import { Random } from '../../core/random.ts';
import { computeHostStatus, hostFactsFromAttributes, withHostStatus } from '../world/status.ts';
import type { KscWorld } from '../world.ts';
import type { Detection } from './events.ts';

/** What runs change on a host, with its status recomputed (world/status.ts) so the attributes stay consistent. */

const HOUR_MS = 3_600_000;
/** One scan in this many finds a threat. */
const DETECTION_RATE = 0.2;

const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

function isLinux(host: HostRecord): boolean {
  return host.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX;
}

function counterOf(value: KlValue | undefined): bigint {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' ? BigInt(value) : 0n;
}

async function save(world: KscWorld, host: HostRecord, changes: KlParams, at: number): Promise<HostRecord> {
  const attributes = { ...host.attributes, ...changes };
  const status = computeHostStatus(hostFactsFromAttributes(attributes, at));
  const updated = { ...host, attributes: withHostStatus(attributes, status) };
  await world.saveHosts([updated]);
  return updated;
}

/**
 * The threat a scan run finds on a host, if any: fixed by the world seed, the task, the host and the run, so
 * the same scenario always detects the same objects.
 */
export function scanDetection(
  seed: number,
  taskId: number,
  host: HostRecord,
  runId: number,
): Detection | undefined {
  const rng = Random.derive(seed, `task-scan:${taskId}:${host.id}:${runId}`);
  if (!rng.chance(DETECTION_RATE)) return undefined;
  const linux = isLinux(host);
  const threat = rng.pick(linux ? LINUX_THREATS : WINDOWS_THREATS);
  const login = primaryUserOf(host.id);
  const domain = host.attributes['KLHST_WKS_WINDOMAIN'];
  return {
    object: objectPath(rng, linux, login),
    threat: threat.name,
    threatType: threat.type,
    user: linux || typeof domain !== 'string' ? login : `${domain}\\${login}`,
  };
}

/** How many objects a full scan of the host checked (for the completion event). */
export function scannedObjects(seed: number, taskId: number, hostId: string, runId: number): number {
  return Random.derive(seed, `task-scanned:${taskId}:${hostId}:${runId}`).int(180_000, 2_400_000);
}

/** A completed scan: the last full scan time (for full scans) and the virus counter. */
export function afterScan(
  world: KscWorld,
  host: HostRecord,
  at: number,
  fullScan: boolean,
  detections: number,
): Promise<HostRecord> {
  const changes: Record<string, KlValue> = {};
  if (fullScan) changes['KLHST_WKS_LAST_FULLSCAN'] = new Date(wholeSeconds(at));
  if (detections > 0)
    changes['KLHST_WKS_VIRUS_COUNT'] =
      counterOf(host.attributes['KLHST_WKS_VIRUS_COUNT']) + BigInt(detections);
  return save(world, host, changes, at);
}

/** A completed update of the anti-virus bases: bases released shortly before they were installed. */
export function afterUpdate(world: KscWorld, host: HostRecord, at: number): Promise<HostRecord> {
  if (typeof host.attributes['KLHST_WKS_RTP_AV_VERSION'] !== 'string') return Promise.resolve(host);
  return save(
    world,
    host,
    {
      KLHST_WKS_LAST_UPDATE: new Date(wholeSeconds(at)),
      KLHST_WKS_RTP_AV_BASES_TIME: new Date(wholeSeconds(at - 2 * HOUR_MS)),
    },
    at,
  );
}
