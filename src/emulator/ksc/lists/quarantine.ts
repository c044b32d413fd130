import type { AgentScheduler } from '../agents/scheduler.ts';

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
  void agents;
  void hostId;
  void object;
  void at;
  throw new Error('addToQuarantine: not built yet');
}
