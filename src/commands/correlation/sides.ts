import { KconnectError } from '../../errors.ts';
import { KicsClient } from '../../kics/client/client.ts';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import type { Device } from '../../kics/model.ts';
import { KscClient } from '../../ksc/client/client.ts';
import type { KlParams } from '../../ksc/values.ts';
import { extendedStatusText, hostStatusName, rtpStateDescription } from '../../status/host-status.ts';
import { controlCharacterIn } from '../core/search-text.ts';
import type { CommandContext, PlainJson } from '../core/types.ts';
import { VENDORS, type Vendor } from '../core/vendors.ts';
import { ipAddressesOf, macAddressesOf } from '../kics/shared/devices.ts';
import type { KicsContext } from '../kics/shared/vendor.ts';
import { lookupHostReference, REFERENCE_FIELDS } from '../ksc/shared/hosts.ts';
import { ipv4FromLong } from '../ksc/shared/ipv4.ts';
import { toPlain } from '../ksc/shared/plain.ts';
import { numericValue, textAttr } from '../ksc/shared/records.ts';
import type { KscContext } from '../ksc/shared/vendor.ts';
import { normalizeMac, type ItHost, type OtDevice } from './match.ts';

/**
 * The two products' sides of a correlation: each side's client out of a command context (its own or the
 * companion's), the candidates a reference names on each side, and each record as the matcher reads it. Only
 * what the vendors document is read: KSC's documented host attributes carry no MAC address (spec §7.2), so a KSC
 * host's MACs are empty and a MAC finds the KICS device, whose addresses and names then find the KSC host
 * (decision 0039).
 */

/** The context as a KSC command's, when it holds a KSC client (its own or a companion). */
export function kscSide(ctx: CommandContext): KscContext | undefined {
  return ctx.ksc instanceof KscClient ? { ...ctx, ksc: ctx.ksc } : undefined;
}

/** The context as a KICS command's, when it holds a KICS client (its own or a companion). */
export function kicsSide(ctx: CommandContext): KicsContext | undefined {
  return ctx.kics instanceof KicsClient ? { ...ctx, kics: ctx.kics } : undefined;
}

/** An enrichment asked for without the other product's connection: says how to configure one. */
export function noCompanion(command: string, field: string, companion: Vendor): KconnectError {
  return new KconnectError(
    'INVALID_INPUT',
    `The value for parameter (${field}) is invalid: ${command} reads it from ${VENDORS[companion].title}, and the ` +
      `chosen connection has no ${companion} companion: name one with correlateWith in its settings (or ` +
      `configure exactly one ${companion} connection).`,
  );
}

/** The KSC attributes a correlation reads: identity, names, addresses, last seen, and the status it reports. */
export const KSC_MATCH_FIELDS = [
  ...REFERENCE_FIELDS,
  'KLHST_WKS_DNSNAME',
  'KLHST_WKS_WINHOSTNAME',
  'KLHST_WKS_LAST_VISIBLE',
  'KLHST_WKS_LAST_NAGENT_CONNECTED',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_STATUS_MASK',
  'KLHST_WKS_RTP_STATE',
] as const;

/** The operations a correlation may call on each side, for the commands' `api`. */
export const KSC_MATCH_METHODS = [
  'HostGroup.FindHosts',
  'ChunkAccessor.GetItemsChunk',
  'ChunkAccessor.Release',
];
export const KICS_MATCH_OPERATIONS = ['Querying several devices', 'Querying a single device'];

/** Devices one address or name may name at most; more are not read (a correlation wants a machine, not a subnet). */
export const MAX_CANDIDATES = 20;

function timeOf(record: KlParams, name: string): number | null {
  const value = record[name];
  return value instanceof Date ? value.getTime() : null;
}

/** A KSC host record (with {@link KSC_MATCH_FIELDS}) as the matcher reads it. */
export function itHostOf(record: KlParams): ItHost {
  const seen = [timeOf(record, 'KLHST_WKS_LAST_VISIBLE'), timeOf(record, 'KLHST_WKS_LAST_NAGENT_CONNECTED')];
  const known = seen.filter((t): t is number => t !== null);
  const ip = ipv4FromLong(record['KLHST_WKS_IP_LONG']);
  return {
    id: textAttr(record, 'KLHST_WKS_HOSTNAME'),
    displayName: textAttr(record, 'KLHST_WKS_DN'),
    otherNames: ['KLHST_WKS_FQDN', 'KLHST_WKS_DNSNAME', 'KLHST_WKS_WINHOSTNAME'].map((n) =>
      textAttr(record, n),
    ),
    macs: [],
    ips: ip === null ? [] : [ip],
    lastSeen: known.length === 0 ? null : Math.max(...known),
  };
}

/** KICS writes device times without a zone, in UTC (spec; `ZonelessTime`). */
function zonelessMs(time: string | null | undefined): number | null {
  if (time === null || time === undefined || time === '') return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? time : `${time}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** A KICS device as the matcher reads it. */
export function otDeviceOf(device: Device): OtDevice {
  return {
    id: device.id,
    name: device.name,
    networkName: device.networkName,
    macs: macAddressesOf(device),
    ips: ipAddressesOf(device),
    lastSeen: zonelessMs(device.lastSeen),
  };
}

/** The KSC side of a host as the enrichments show it: id, name, address and protection status in words. */
export function kscStatusOf(record: KlParams): { [key: string]: PlainJson } {
  const statusId = numericValue(record['KLHST_WKS_STATUS_ID']);
  const mask = numericValue(record['KLHST_WKS_STATUS_MASK']);
  const rtp = numericValue(record['KLHST_WKS_RTP_STATE']);
  const lastConnected = toPlain(record['KLHST_WKS_LAST_NAGENT_CONNECTED']);
  return {
    hostId: textAttr(record, 'KLHST_WKS_HOSTNAME'),
    hostName: textAttr(record, 'KLHST_WKS_DN'),
    ipAddress: ipv4FromLong(record['KLHST_WKS_IP_LONG']),
    status: statusId === undefined ? null : hostStatusName(statusId),
    statusId: statusId ?? null,
    hostExtStatuses: mask === undefined ? [] : extendedStatusText(mask),
    rtpState: rtp ?? null,
    rtpStateDescription: rtp === undefined ? null : rtpStateDescription(rtp),
    lastAgentConnected: typeof lastConnected === 'string' ? lastConnected : null,
  };
}

/** The KSC hosts a reference names (id, display name, FQDN or IPv4), each record once by id. */
export async function kscHostsNamed(ctx: KscContext, references: readonly string[]): Promise<KlParams[]> {
  const byId = new Map<string, KlParams>();
  // References come from the other system's answers too; one with a control character names no host a filter
  // may be asked about, so it matches nothing rather than failing the whole correlation.
  const searchable = references
    .map((r) => r.trim())
    .filter((r) => r !== '' && controlCharacterIn(r) === undefined);
  for (const reference of new Set(searchable)) {
    const found = await lookupHostReference(ctx, reference, KSC_MATCH_FIELDS, 'reference');
    for (const i of found.named) {
      const record = found.records[i];
      if (record !== undefined) byId.set(textAttr(record, 'KLHST_WKS_HOSTNAME'), record);
    }
  }
  return [...byId.values()];
}

/** What KICS devices are looked up by. */
export type DeviceReference =
  { readonly ip: string } | { readonly mac: string } | { readonly name: string } | { readonly id: number };

async function devicesBy(ctx: KicsContext, reference: DeviceReference): Promise<Device[]> {
  if ('id' in reference) {
    try {
      return [await ctx.kics.getDevice(reference.id)];
    } catch (error) {
      if (error instanceof KconnectError && error.code === 'NOT_FOUND') return [];
      throw error;
    }
  }
  // A name from a KSC answer with a control character cannot be a KICS device name worth querying.
  if ('name' in reference && controlCharacterIn(reference.name) !== undefined) return [];
  const query = kicsQuery('devices');
  if ('ip' in reference) query.where('addressInformation:ipAddress', '=', reference.ip);
  else if ('mac' in reference) query.where('addressInformation:macAddress', '=', normalizeMac(reference.mac));
  else query.where('name', '=', reference.name);
  const page = await ctx.kics.queryDevices(query.limit(MAX_CANDIDATES).build());
  return [...page.values];
}

/** The KICS devices any of the references names, each once by id. */
export async function kicsDevicesBy(
  ctx: KicsContext,
  references: readonly DeviceReference[],
): Promise<Device[]> {
  const byId = new Map<number, Device>();
  const seen = new Set<string>();
  for (const reference of references) {
    const key = JSON.stringify(reference);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const device of await devicesBy(ctx, reference)) byId.set(device.id, device);
  }
  return [...byId.values()];
}

/** What to look a KSC host's KICS twin up by: its addresses and names. */
export function deviceReferencesOfHost(host: ItHost): DeviceReference[] {
  const names = [host.displayName, ...host.otherNames].filter((n) => n.trim() !== '');
  return [...host.ips.map((ip) => ({ ip })), ...[...new Set(names)].map((name) => ({ name }))];
}

/** What to look a KICS device's KSC twin up by: its addresses and names (KSC compares names case-insensitively). */
export function hostReferencesOfDevice(device: OtDevice): string[] {
  const names = [device.name, device.networkName ?? ''].filter((n) => n.trim() !== '');
  return [...new Set([...device.ips, ...names])];
}
