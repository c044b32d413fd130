import type { AssetType } from '../../../kics/model.ts';
import type { HostRecord } from '../../ksc/world/model.ts';
import { generateWorld } from '../../ksc/world/generate.ts';
import { formatIpv4, ipFromKlLong } from '../../ksc/world/ipv4.ts';
import { KES_WINDOWS, findProduct, productBuild } from '../../ksc/world/products.ts';
import { RTP_STATE } from '../../ksc/world/status.ts';
import { hashString } from '../../core/random.ts';
import { stableMacAddress } from '../../core/mac.ts';

/**
 * The cross-product link: Windows machines of the KSC emulator's default world (same seed) that sit at level 3 of
 * this plant as engineering stations, SCADA HMIs, historians and servers. They keep the KSC display name and IP
 * address; their MAC is `stableMacAddress(<KSC host id>)`, which the KSC emulator can report too. So an OT alert
 * about such a device can be followed to an endpoint KSC can isolate.
 *
 * Which hosts: managed Windows hosts (not in "Unassigned devices") with Kaspersky Endpoint Security, ordered by a
 * hash of seed and host id (stable, independent of the KSC host order), servers becoming historians and SCADA
 * servers, workstations engineering stations and HMIs.
 */

export interface KscCounterpart {
  readonly kscHostId: string;
  readonly name: string;
  readonly ip: string;
  readonly mac: string;
  readonly os: string;
  readonly category: AssetType;
  readonly kesVersion: string;
  readonly rtpState: string;
  /** Last Network Agent connection, epoch ms. */
  readonly lastSync: number;
  /** When the KSC host record was created, epoch ms. */
  readonly created: number;
}

const RTP_NAMES: Readonly<Record<number, string>> = {
  [RTP_STATE.UNKNOWN]: 'Unknown',
  [RTP_STATE.STOPPED]: 'Stopped',
  [RTP_STATE.SUSPENDED]: 'Suspended',
  [RTP_STATE.STARTING]: 'Starting',
  [RTP_STATE.RUNNING]: 'Running',
  [RTP_STATE.RUNNING_MAX_PROTECTION]: 'RunningMaxProtection',
  [RTP_STATE.RUNNING_MAX_PERFORMANCE]: 'RunningMaxPerformance',
  [RTP_STATE.RUNNING_RECOMMENDED]: 'RunningRecommended',
  [RTP_STATE.RUNNING_CUSTOM]: 'RunningCustom',
  [RTP_STATE.FAILURE]: 'Failure',
};

/** How many counterparts a world of `devices` devices takes (before the KSC world's supply limits it). */
export function counterpartCountFor(devices: number): number {
  if (devices < 30) return Math.floor(devices / 6);
  return Math.min(24, Math.max(4, Math.round(devices * 0.04)));
}

function timeOf(value: unknown): number {
  return value instanceof Date ? value.getTime() : Number.NaN;
}

function candidateOf(host: HostRecord): Omit<KscCounterpart, 'category'> | null {
  const attributes = host.attributes;
  const os = attributes['KLHST_WKS_OS_NAME'];
  const ipLong = attributes['KLHST_WKS_IP_LONG'];
  const name = attributes['KLHST_WKS_DN'];
  if (typeof os !== 'string' || !os.startsWith('Microsoft Windows')) return null;
  if (typeof ipLong !== 'bigint' || typeof name !== 'string') return null;
  if (attributes['KLHST_WKS_FROM_UNASSIGNED'] === true) return null;
  const kes = findProduct(host.products, KES_WINDOWS.code);
  const lastSync = timeOf(attributes['KLHST_WKS_LAST_NAGENT_CONNECTED']);
  if (kes === undefined || Number.isNaN(lastSync)) return null;
  const rtp = attributes['KLHST_WKS_RTP_STATE'];
  return {
    kscHostId: host.id,
    name,
    ip: formatIpv4(ipFromKlLong(ipLong)),
    mac: stableMacAddress(host.id),
    os: os.replace(/^Microsoft /, ''),
    kesVersion: productBuild(kes),
    rtpState: RTP_NAMES[typeof rtp === 'number' ? rtp : 0] ?? 'Unknown',
    lastSync,
    created: timeOf(attributes['KLHST_WKS_CREATED']),
  };
}

/** Picks the counterparts among the KSC world's hosts. */
export function pickCounterparts(
  seed: number,
  hosts: readonly HostRecord[],
  count: number,
): KscCounterpart[] {
  const candidates = hosts
    .map(candidateOf)
    .filter((candidate): candidate is Omit<KscCounterpart, 'category'> => candidate !== null)
    .map((candidate) => ({ candidate, order: hashString(`${seed}:${candidate.kscHostId}`) }))
    .sort((a, b) => a.order - b.order || (a.candidate.kscHostId < b.candidate.kscHostId ? -1 : 1));
  const out: KscCounterpart[] = [];
  let servers = 0;
  let workstations = 0;
  for (const { candidate } of candidates) {
    if (out.length >= count) break;
    const server = candidate.os.includes('Server');
    const category: AssetType = server
      ? servers++ % 2 === 0
        ? 'Historian'
        : 'Server'
      : workstations++ % 2 === 0
        ? 'EngineeringStation'
        : 'ScadaHmi';
    out.push({ ...candidate, category });
  }
  return out;
}

/** The counterparts of the KSC default world of the same seed with `kscHosts` hosts. */
export function kscWorldCounterparts(
  seed: number,
  kscHosts: number,
  now: number,
  count: number,
): KscCounterpart[] {
  if (count <= 0 || kscHosts <= 0) return [];
  // The KSC hosts do not depend on the event count, so generating none keeps this cheap.
  const ksc = generateWorld({ seed, hosts: kscHosts, events: 0, now });
  return pickCounterparts(seed, ksc.hosts, count);
}
