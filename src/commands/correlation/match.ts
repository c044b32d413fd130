/**
 * Which KICS for Networks devices and KSC hosts are the same machine, and how sure that is (decision 0039). Pure:
 * records in, matches out, so the rule is tested without servers and every command that correlates applies the
 * same one.
 *
 * Evidence between one device and one host:
 * - `mac`: an interface of both has the same MAC address.
 * - `ip`: both have the same IP address; `atSameTime` when both were last seen within {@link SAME_TIME_WINDOW_MS}
 *   of each other (an address reused by DHCP later is not the same machine).
 * - `name`: a name of the device (its name or network name, or the host part of either) equals a name of the
 *   host (display name, DNS name, NetBIOS name, FQDN or its host part), ignoring case.
 *
 * Confidence:
 * - `high`: the same MAC; or the same IP seen at the same time and the same name.
 * - `medium`: the same IP seen at the same time; or the same name and the same IP seen at different times.
 * - `low`: the same name alone; or the same IP alone, seen at different (or unknown) times.
 *
 * Several matches of one device (or one host) at its best confidence are all `ambiguous`: reported, never
 * resolved by a guess.
 */

/** A KICS for Networks device, as far as matching needs it. */
export interface OtDevice {
  readonly id: number;
  readonly name: string;
  readonly networkName: string | null;
  readonly macs: readonly string[];
  readonly ips: readonly string[];
  /** Last seen on the network, ms since the epoch; null when unknown. */
  readonly lastSeen: number | null;
}

/** A KSC host, as far as matching needs it. */
export interface ItHost {
  /** `KLHST_WKS_HOSTNAME`. */
  readonly id: string;
  readonly displayName: string;
  /** FQDN, DNS name, NetBIOS name (empty ones are ignored). */
  readonly otherNames: readonly string[];
  /** MAC addresses, when the KSC server reports them (its documented host attributes do not). */
  readonly macs: readonly string[];
  readonly ips: readonly string[];
  /** The later of last visible and last Network Agent connection, ms since the epoch; null when unknown. */
  readonly lastSeen: number | null;
}

export type Evidence =
  | { readonly kind: 'mac'; readonly mac: string }
  | {
      readonly kind: 'ip';
      readonly ip: string;
      /** Both were last seen within the window of each other. */
      readonly atSameTime: boolean;
      /** How far apart their last-seen times are, in seconds; null when either is unknown. */
      readonly lastSeenApartSeconds: number | null;
    }
  | { readonly kind: 'name'; readonly name: string };

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export interface AssetMatch {
  readonly deviceId: number;
  readonly hostId: string;
  readonly evidence: readonly Evidence[];
  readonly confidence: Confidence;
  /** The device or the host has another match at the same, best, confidence. */
  readonly ambiguous: boolean;
}

/** Last-seen times at most this far apart count as "seen at the same time": a day, shorter than DHCP leases. */
export const SAME_TIME_WINDOW_MS = 24 * 60 * 60 * 1000;

/** `00-1A-2B-…` and `00:1a:2b:…` are one address. */
export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ':');
}

function hostPart(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A machine's names, lower case, each with its host part (an IP address is not a name). */
function namesOf(names: readonly (string | null)[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const n = name?.trim().toLowerCase() ?? '';
    if (n === '' || /^\d+(\.\d+){3}$/.test(n)) continue;
    out.add(n);
    out.add(hostPart(n));
  }
  return out;
}

function evidenceBetween(device: OtDevice, host: ItHost, windowMs: number): Evidence[] {
  const evidence: Evidence[] = [];
  const hostMacs = new Set(host.macs.map(normalizeMac));
  for (const mac of new Set(device.macs.map(normalizeMac))) {
    if (hostMacs.has(mac)) evidence.push({ kind: 'mac', mac });
  }
  const apart =
    device.lastSeen === null || host.lastSeen === null ? null : Math.abs(device.lastSeen - host.lastSeen);
  const hostIps = new Set(host.ips);
  for (const ip of new Set(device.ips)) {
    if (!hostIps.has(ip)) continue;
    evidence.push({
      kind: 'ip',
      ip,
      atSameTime: apart !== null && apart <= windowMs,
      lastSeenApartSeconds: apart === null ? null : Math.round(apart / 1000),
    });
  }
  const hostNames = namesOf([host.displayName, ...host.otherNames]);
  const deviceNames = namesOf([device.name, device.networkName]);
  const shared = [...deviceNames].filter((n) => hostNames.has(n));
  // The longest shared name says it best (`ews-01.plant.local` rather than its host part `ews-01`).
  const best = shared.sort((a, b) => b.length - a.length)[0];
  if (best !== undefined) evidence.push({ kind: 'name', name: best });
  return evidence;
}

/** The confidence the evidence gives (see the module's comment), or undefined when it gives none. */
export function confidenceOf(evidence: readonly Evidence[]): Confidence | undefined {
  const mac = evidence.some((e) => e.kind === 'mac');
  const ipNow = evidence.some((e) => e.kind === 'ip' && e.atSameTime);
  const ip = evidence.some((e) => e.kind === 'ip');
  const name = evidence.some((e) => e.kind === 'name');
  if (mac || (ipNow && name)) return 'high';
  if (ipNow || (name && ip)) return 'medium';
  if (name || ip) return 'low';
  return undefined;
}

const RANK: { readonly [C in Confidence]: number } = { high: 3, medium: 2, low: 1 };

/**
 * Every device/host pair with evidence, best first (confidence, then device id, then host id), each marked
 * ambiguous when its device or its host has several matches at its best confidence and this is one of them.
 */
export function matchAssets(
  devices: readonly OtDevice[],
  hosts: readonly ItHost[],
  options: { readonly windowMs?: number } = {},
): AssetMatch[] {
  const windowMs = options.windowMs ?? SAME_TIME_WINDOW_MS;
  const found: { deviceId: number; hostId: string; evidence: Evidence[]; confidence: Confidence }[] = [];
  for (const device of devices) {
    for (const host of hosts) {
      const evidence = evidenceBetween(device, host, windowMs);
      const confidence = confidenceOf(evidence);
      if (confidence !== undefined)
        found.push({ deviceId: device.id, hostId: host.id, evidence, confidence });
    }
  }
  const best = (key: (m: (typeof found)[number]) => string | number) => {
    const top = new Map<string | number, { rank: number; count: number }>();
    for (const m of found) {
      const seen = top.get(key(m));
      const rank = RANK[m.confidence];
      if (seen === undefined || rank > seen.rank) top.set(key(m), { rank, count: 1 });
      else if (rank === seen.rank) seen.count++;
    }
    return top;
  };
  const byDevice = best((m) => m.deviceId);
  const byHost = best((m) => m.hostId);
  const contested = (top: { rank: number; count: number } | undefined, rank: number) =>
    top !== undefined && top.rank === rank && top.count > 1;
  return found
    .map((m) => ({
      ...m,
      ambiguous:
        contested(byDevice.get(m.deviceId), RANK[m.confidence]) ||
        contested(byHost.get(m.hostId), RANK[m.confidence]),
    }))
    .sort(
      (a, b) =>
        RANK[b.confidence] - RANK[a.confidence] ||
        a.deviceId - b.deviceId ||
        (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : 0),
    );
}

/**
 * The best match of one device among `matches` (for an enrichment that shows one host per device): the single
 * match at the device's best confidence, `ambiguous` when several share it, or none.
 */
export function bestMatchOf(
  matches: readonly AssetMatch[],
  side: { readonly deviceId: number } | { readonly hostId: string },
): { readonly match: AssetMatch; readonly ambiguous: boolean; readonly others: number } | undefined {
  const mine = matches.filter((m) =>
    'deviceId' in side ? m.deviceId === side.deviceId : m.hostId === side.hostId,
  );
  const first = mine[0];
  if (first === undefined) return undefined;
  const tied = mine.filter((m) => m.confidence === first.confidence);
  return { match: first, ambiguous: tied.length > 1, others: tied.length - 1 };
}
