import type { AgentScheduler } from '../agents/scheduler.ts';
import { securityApplication } from '../world/index.ts';
import { recordListEvent } from './events.ts';
import { insertItem, OBJECT_STATUS } from './items.ts';
import { objectSize, threatStatus, threatTypeOf } from './objects.ts';

/** A file a host's security application moves into its quarantine. */
export interface QuarantineObject {
  /** Full path of the file on the host. */
  readonly path: string;
  /** Threat name when a detection caused it (`EICAR-Test-File`); absent for a file quarantined on request. */
  readonly threat?: string;
  readonly sizeBytes?: number;
}

/**
 * Puts a file of a host into the server's Quarantine list, as the host's agent reports it at a sync (the KES
 * quarantine task, or a detection during a scan). Records the event a real server records and resolves to the
 * item's `nId`.
 */
export async function addToQuarantine(
  agents: AgentScheduler,
  hostId: string,
  object: QuarantineObject,
  at: number,
): Promise<number> {
  const world = agents.world;
  const host = world.hosts.get(hostId);
  if (host === undefined) throw new RangeError(`no host ${hostId}`);
  const product = securityApplication(host.products);
  const threat = object.threat ?? null;
  const item = await insertItem(world, {
    vserverId: host.vserverId,
    hostId,
    list: 'Quarantine',
    path: object.path,
    threat,
    threatType: threat === null ? null : threatTypeOf(threat),
    status: threat === null ? OBJECT_STATUS.ADDED_BY_USER : threatStatus(threat),
    size: object.sizeBytes ?? objectSize(`${hostId}\u0000${object.path}\u0000${at}`),
    storedAt: at,
    checkedAt: at,
    sentAt: null,
    productName: product?.name ?? 'KES',
    productVersion: product?.version ?? '11.0.0.0',
  });
  await recordListEvent(world, item, 'quarantined', at);
  return item.id;
}
