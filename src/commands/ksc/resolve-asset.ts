import { isIP } from 'node:net';
import { z } from 'zod';
import { searchText } from '../core/search-text.ts';
import { KconnectError } from '../../errors.ts';
import type { Device } from '../../kics/model.ts';
import type { KlParams } from '../../ksc/values.ts';
import { invalidInput } from '../core/result.ts';
import type { PlainJson } from '../core/types.ts';
import { deviceRecord } from '../kics/shared/devices.ts';
import { wireOf } from '../kics/shared/json.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { plainRecord } from './shared/plain.ts';
import type { KscCommand } from './shared/vendor.ts';
import {
  CONFIDENCES,
  matchAssets,
  SAME_TIME_WINDOW_MS,
  type AssetMatch,
  type Evidence,
} from '../correlation/match.ts';
import {
  deviceReferencesOfHost,
  hostReferencesOfDevice,
  itHostOf,
  kicsDevicesBy,
  kicsSide,
  KICS_MATCH_OPERATIONS,
  KSC_MATCH_METHODS,
  kscHostsNamed,
  MAX_CANDIDATES,
  noCompanion,
  otDeviceOf,
  type DeviceReference,
} from '../correlation/sides.ts';

const TITLE = 'Resolve Asset';
const MAC = /^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/;

const input = z.object({
  ipAddress: z
    .string()
    .refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address')
    .optional()
    .describe('The IP address of the machine (from an OT alert or a firewall log)'),
  macAddress: z
    .string()
    .regex(MAC, 'a MAC address such as 00:1A:2B:3C:4D:5E')
    .optional()
    .describe('The MAC address of one of its interfaces'),
  name: searchText(1024)
    .optional()
    .describe('Its name: KICS device name, KSC display name, FQDN or host name'),
  kicsDeviceId: z.number().int().min(1).optional().describe('Its device id in KICS for Networks'),
  kscHostId: searchText(256).optional().describe('Its host id in KSC (KLHST_WKS_HOSTNAME)'),
});

type Input = z.output<typeof input>;
const FIELDS = ['ipAddress', 'macAddress', 'name', 'kicsDeviceId', 'kscHostId'] as const;

const keyFields = z.object({
  /** `matched`: one pair at the best confidence; `ambiguous`: several; `unmatched`: found on one side only. */
  Resolution: z.enum(['matched', 'ambiguous', 'unmatched']),
  Confidence: z.enum(CONFIDENCES).nullable(),
  Ambiguous: z.boolean(),
  /** The KICS devices and KSC hosts of the pairs at the best confidence. */
  KicsDeviceIds: z.array(z.number().int()),
  KscHostIds: z.array(z.string()),
  KscHostNames: z.array(z.string()),
  MatchCount: z.number().int(),
});

/** The one reference given, or the input error naming the fields. */
function referenceOf(given: Input): { field: (typeof FIELDS)[number]; value: string | number } {
  const present = FIELDS.filter((f) => given[f] !== undefined);
  if (present.length !== 1) {
    throw invalidInput(
      FIELDS.join('|'),
      present.length === 0 ? 'give one of them' : `give only one of them (given: ${present.join(', ')})`,
    );
  }
  const field = present[0]!;
  return { field, value: given[field]! };
}

function evidenceText(e: Evidence): string {
  if (e.kind === 'mac') return `same MAC ${e.mac}`;
  if (e.kind === 'name') return `same name ${e.name}`;
  const apart =
    e.lastSeenApartSeconds === null
      ? 'last seen time unknown'
      : `last seen ${Math.round(e.lastSeenApartSeconds / 60)} min apart`;
  return `same IP ${e.ip} (${apart}${e.atSameTime ? '' : ', not at the same time'})`;
}

/**
 * `resolve_asset`: from an IP, MAC, name or either product's id, the KICS for Networks devices and KSC hosts that
 * are the same machine. KSC by vendor, so it keeps a seed-style name; KICS is its required companion.
 */
export const resolveAsset: KscCommand<typeof input, typeof keyFields> = {
  name: 'resolve_asset',
  title: TITLE,
  description:
    'Finds the machine behind an IP address, MAC address or name (or a KICS device id or KSC host id) in both ' +
    'products: the KICS for Networks device(s) and the KSC host(s) that are the same machine, each pair with ' +
    'its evidence and a confidence. Evidence: same MAC; same IP with both last-seen times within ' +
    `${SAME_TIME_WINDOW_MS / 3_600_000} h of each other ("at the same time"); same name (KICS name or network ` +
    'name vs KSC display name, DNS/NetBIOS name, FQDN or its host part, ignoring case). Confidence: high = same ' +
    'MAC, or same IP at the same time and same name; medium = same IP at the same time, or same name and an ' +
    'IP seen at other times; low = same name alone or same IP alone. Several pairs at the best confidence are ' +
    'reported as ambiguous (Resolution "ambiguous"), never guessed; one is "matched"; found on one side only ' +
    'is "unmatched". Use it to follow an OT alert to the endpoint KSC can scan or isolate. Needs a KICS ' +
    'connection beside the KSC one (correlateWith). Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  companions: { kics: 'required' },
  api: { rights: [BASIC_READ], operations: [...KSC_MATCH_METHODS, ...KICS_MATCH_OPERATIONS] },
  hints: { cliAliases: { ipAddress: 'ip', macAddress: 'mac' }, targetFields: ['name', 'kscHostId'] },
  example: { name: 'BR01-WS-0001' },
  async run(ctx, given) {
    const reference = referenceOf(given);
    const kics = kicsSide(ctx);
    if (kics === undefined) throw noCompanion('resolve_asset', reference.field, 'kics');
    const value = String(reference.value);
    const seedDevices: DeviceReference[] =
      reference.field === 'ipAddress'
        ? [{ ip: value }]
        : reference.field === 'macAddress'
          ? [{ mac: value }]
          : reference.field === 'name'
            ? [{ name: value }]
            : reference.field === 'kicsDeviceId'
              ? [{ id: reference.value as number }]
              : [];
    const seedHosts =
      reference.field === 'ipAddress' || reference.field === 'name' || reference.field === 'kscHostId'
        ? [value]
        : [];

    // What the reference names on each side, then the other side's candidates for each of those.
    const firstDevices = (await kicsDevicesBy(kics, seedDevices)).slice(0, MAX_CANDIDATES);
    const firstHosts = (await kscHostsNamed(ctx, seedHosts)).slice(0, MAX_CANDIDATES);
    const hostRefs = firstDevices.map(otDeviceOf).flatMap(hostReferencesOfDevice);
    const deviceRefs = firstHosts.map(itHostOf).flatMap(deviceReferencesOfHost);
    const hosts = unique([...firstHosts, ...(await kscHostsNamed(ctx, hostRefs))], (h) => itHostOf(h).id);
    const devices = unique([...firstDevices, ...(await kicsDevicesBy(kics, deviceRefs))], (d) => d.id);
    if (devices.length === 0 && hosts.length === 0) {
      throw new KconnectError(
        'NOT_FOUND',
        `Neither KICS for Networks nor KSC knows a machine with ${reference.field} "${value}"`,
      );
    }

    const matches = matchAssets(devices.map(otDeviceOf), hosts.map(itHostOf));
    const best = matches[0]?.confidence ?? null;
    const top = matches.filter((m) => m.confidence === best);
    const resolution = top.length === 0 ? 'unmatched' : top.length === 1 ? 'matched' : 'ambiguous';
    const deviceById = new Map(devices.map((d) => [d.id, d]));
    const hostById = new Map(hosts.map((h) => [itHostOf(h).id, h]));
    const matchRecord = (m: AssetMatch): PlainJson => {
      const device = deviceById.get(m.deviceId)!;
      const host = itHostOf(hostById.get(m.hostId)!);
      return {
        kicsDevice: { id: device.id, name: device.name, ipAddresses: otDeviceOf(device).ips as string[] },
        kscHost: { id: host.id, name: host.displayName, ipAddresses: [...host.ips] },
        confidence: m.confidence,
        ambiguous: m.ambiguous || (resolution === 'ambiguous' && m.confidence === best),
        evidence: m.evidence.map((e) => ({ ...e })),
      };
    };
    const topHostIds = [...new Set(top.map((m) => m.hostId))];
    return {
      status: 'Successful',
      raw: {
        kics: wireOf(devices),
        ksc: { KLCSP_ITERATOR_ARRAY: hosts.map((h: KlParams) => plainRecord(h)) },
      },
      context: {
        query: { [reference.field]: reference.value },
        resolution,
        matches: matches.map(matchRecord),
        kicsDevices: devices.map((d: Device) => deviceRecord(d)),
        kscHosts: hosts.map((h) => plainRecord(h)),
      },
      keyFields: {
        Resolution: resolution,
        Confidence: best,
        Ambiguous: resolution === 'ambiguous',
        KicsDeviceIds: [...new Set(top.map((m) => m.deviceId))],
        KscHostIds: topHostIds,
        KscHostNames: topHostIds.map((id) => itHostOf(hostById.get(id)!).displayName),
        MatchCount: matches.length,
      },
      result: {
        title: TITLE,
        columns: ['KICS Device', 'KSC Host', 'Confidence', 'Evidence', 'Ambiguous'],
        rows: matches.map((m) => [
          `${deviceById.get(m.deviceId)?.name ?? ''} (${m.deviceId})`,
          `${itHostOf(hostById.get(m.hostId)!).displayName} (${m.hostId})`,
          m.confidence,
          m.evidence.map(evidenceText).join('; '),
          m.ambiguous || (resolution === 'ambiguous' && m.confidence === best) ? 'yes' : 'no',
        ]),
      },
      errors: [],
    };
  },
};

function unique<T>(items: readonly T[], key: (item: T) => string | number): T[] {
  const byKey = new Map<string | number, T>();
  for (const item of items) if (!byKey.has(key(item))) byKey.set(key(item), item);
  return [...byKey.values()];
}
