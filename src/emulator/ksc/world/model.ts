import type { KlParams } from '../../../ksc/values.ts';

/**
 * The emulated KSC's data model. Records carry their KSC attributes exactly as the Open API exposes them
 * (attribute name → typed value: `bigint` for longs, `Date` for datetimes), so the server can return requested
 * attributes and evaluate search filters on them without translation.
 */

/** A virtual server. Id 0 is the main Administration Server (name ''). */
export interface VServerRecord {
  readonly id: number;
  readonly name: string;
  /** Display name (`KLVSRV_DN`). */
  readonly displayName: string;
}

/** An administration group. `attributes` holds the group attributes of spec §7.8 (`id`, `name`, `parentId`, …). */
export interface GroupRecord {
  readonly id: number;
  readonly vserverId: number;
  /** `null` for the roots of a server: "Managed devices", "Unassigned devices" and "Administration Servers". */
  readonly parentId: number | null;
  readonly name: string;
  readonly attributes: KlParams;
}

/** One installed Kaspersky application on a host, as `HostGroup.GetHostProducts` reports it (spec §7.7). */
export interface ProductInstall {
  /** Product code: `1093` (Administration Server), `1103` (Network Agent), `KES`, `KESL`, `EDRAgent`… */
  readonly name: string;
  /** The version *key* KSC files the product under (`1.0.0.0` for the agent); the build is `info.ProdVersion`. */
  readonly version: string;
  /** The product's info container: `DisplayName`, `BaseDate`, `BaseRecords`, `LastUpdateTime`, … */
  readonly info: KlParams;
}

/**
 * A managed device. `id` is `KLHST_WKS_HOSTNAME` (the server-generated unique id, not the network name).
 * `attributes` holds the host attributes of spec §7.2, mutually consistent (status bits, status id, extended
 * status mask, RTP state, IP as long).
 */
export interface HostRecord {
  readonly id: string;
  readonly vserverId: number;
  readonly groupId: number;
  readonly attributes: KlParams;
  readonly products: readonly ProductInstall[];
}

/** Event severities (`GNRL_EA_SEVERITY`, spec §6.3). */
export const SEVERITY = Object.freeze({ INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 });
export type Severity = (typeof SEVERITY)[keyof typeof SEVERITY];

/**
 * A server event. `id` is `event_db_id`. The indexed fields duplicate attributes the server filters and orders
 * by; `attributes` holds every event attribute of spec §6.3 the event has.
 */
export interface EventRecord {
  readonly id: number;
  readonly vserverId: number;
  /** `hostname` of the host that published the event; `null` for server events. */
  readonly hostId: string | null;
  /** `rise_time`, epoch milliseconds (second precision). */
  readonly riseTime: number;
  readonly eventType: string;
  readonly severity: Severity;
  readonly attributes: KlParams;
}

/** The sizes and seed of a generated world. */
export interface WorldOptions {
  /** Seed of the pseudo-random generator: the same seed and sizes give the same world, byte for byte. */
  readonly seed: number;
  readonly hosts: number;
  readonly events: number;
  /** "Now" of the world, epoch ms: events are spread over the 30 days before it. */
  readonly now: number;
  /** Names of extra virtual servers, each with its own group tree and a share of the hosts. */
  readonly virtualServers?: readonly string[];
}
