/**
 * `host_id` of a host's events: the reference's "identity of the host", a paramInt. The world keys hosts by
 * `KLHST_WKS_HOSTNAME` (a GUID) only, so the number is the GUID's first 31 bits — the same for a host whatever
 * creates its event (history, live mode, an action), without a counter to keep. Two hosts may share one in a
 * very large world (about 2 pairs at 100,000 hosts); `hostname` stays the unique id.
 */
export function hostNumericId(hostId: string): number {
  const hex = hostId.replace(/[^0-9a-fA-F]/g, '').slice(0, 8);
  const value = Number.parseInt(hex === '' ? '0' : hex, 16);
  return value & 0x7fffffff;
}

/**
 * `host_type` of a host's events ("type of host in the administration hierarchy"): every host of the emulated
 * world is a managed device, type 0.
 */
export const HOST_TYPE_MANAGED = 0;
