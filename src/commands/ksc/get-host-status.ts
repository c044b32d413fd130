import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import { isKlParams, type KlParams } from '../../ksc/values.ts';
import {
  extendedStatusText,
  hostStateDescriptions,
  hostStatusName,
  platformTypeName,
  rtpStateDescription,
} from '../../status/host-status.ts';
import { CONCURRENCY, mapLimited, settle } from '../core/concurrency.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import {
  HOST_LOOKUP_METHODS,
  hostNotFound,
  lookupHostReference,
  type ReferenceLookup,
} from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { ipv4FromLong } from './shared/ipv4.ts';
import { enrichWire, plainRecord, toPlain } from './shared/plain.ts';
import { numericValue, textAttr } from './shared/records.ts';
import { errorEntry, statusOf, summaryTable } from '../core/result.ts';
import { kicsTwinOf } from '../correlation/enrich.ts';
import { KSC_MATCH_FIELDS, kicsSide, noCompanion } from '../correlation/sides.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';

/** The attributes of seed 001's Get Host Status sample: the default Return Fields. */
export const HOST_STATUS_FIELDS = [
  'KLHST_INSTANCEID',
  'KLHST_LOCATION',
  'KLHST_WKS_ANTI_SPAM_STATUS',
  'KLHST_WKS_CONNECT_IP_LONG',
  'KLHST_WKS_CREATED',
  'KLHST_WKS_CTYPE',
  'KLHST_WKS_DN',
  'KLHST_WKS_DNSDOMAIN',
  'KLHST_WKS_DNSNAME',
  'KLHST_WKS_FQDN',
  'KLHST_WKS_FROM_UNASSIGNED',
  'KLHST_WKS_GROUPID',
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_IP',
  'KLHST_WKS_IP_LONG',
  'KLHST_WKS_LAST_FULLSCAN',
  'KLHST_WKS_LAST_INFOUDATE',
  'KLHST_WKS_LAST_NAGENT_CONNECTED',
  'KLHST_WKS_LAST_SYSTEM_START',
  'KLHST_WKS_LAST_UPDATE',
  'KLHST_WKS_LAST_VISIBLE',
  'KLHST_WKS_OS_NAME',
  'KLHST_WKS_OS_VER_MAJOR',
  'KLHST_WKS_OS_VER_MINOR',
  'KLHST_WKS_PTYPE',
  'KLHST_WKS_RTP_ERROR_CODE',
  'KLHST_WKS_RTP_STATE',
  'KLHST_WKS_STATUS',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_STATUS_MASK',
  'KLHST_WKS_UNCURED_COUNT',
  'KLHST_WKS_VIRUS_COUNT',
  'KLHST_WKS_WINDOMAIN',
  'KLHST_WKS_WINHOSTNAME',
] as const;

/** What the enrichments and key fields are computed from: always requested, whatever Return Fields says. */
const REQUIRED_FIELDS = [
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_FQDN',
  'KLHST_WKS_IP_LONG',
  'KLHST_WKS_STATUS',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_STATUS_MASK',
  'KLHST_WKS_RTP_STATE',
  'KLHST_WKS_PTYPE',
  'KLHST_WKS_LAST_FULLSCAN',
  'KLHST_WKS_LAST_UPDATE',
] as const;

/** What seed 001's `appInfo` holds: `HostGroup.GetHostInfo` of these attributes. */
const APP_INFO_FIELDS = ['KLHST_APP_INFO', 'KLHST_WKS_DN', 'KLHST_WKS_HOSTNAME'];

const input = z.object({
  hostNames: inputs
    .hosts()
    .describe(
      'Host Names: the hosts to report on, each by display name (KLHST_WKS_DN, from List Hosts), id ' +
        '(KLHST_WKS_HOSTNAME), FQDN or IPv4 address. A name matching several hosts reports each of them',
    ),
  returnFields: inputs.attributeNames(
    'Return Fields: host attributes to return, e.g. ["KLHST_WKS_ANTI_SPAM_STATUS"]; default: those of ' +
      "seed 001's sample. The id, names, address and status attributes are always returned",
  ),
  withKics: z
    .boolean()
    .default(false)
    .describe(
      'Add each host’s KICS for Networks device (id, name, status) with its open vulnerabilities and the match ' +
        'confidence, from the KICS connection named by correlateWith',
    ),
});

const keyFields = z.object({
  HostIDs: z.array(z.string()),
  HostIPs: z.array(z.string()),
  LongHostIPs: z.array(z.number()),
  HostNames: z.array(z.string()),
  StatusIDs: z.array(z.number()),
  HostGeneralStatuses: z.array(z.string()),
  HostStatusMasks: z.array(z.number()),
  HostExtStatuses: z.array(z.string()),
  PlatformTypes: z.array(z.string()),
  HostStatuses: z.array(z.number()),
  HostStatusDescriptions: z.array(z.string()),
  RealTimeProtectionStatuses: z.array(z.number()),
  RealTimeProtectionStatusDescriptions: z.array(z.string()),
  LastTimeFullScan: z.array(z.string().nullable()),
  APPNames: z.array(z.string()),
  APPStates: z.array(z.number().nullable()),
  LastAntiVirusDBUpdates: z.array(z.string().nullable()),
  /** With `withKics`: per reported host, its KICS device's id (null when none matches). */
  KicsDeviceIds: z.array(z.number().int().nullable()).exactOptional(),
  /** With `withKics`: per reported host, how many open vulnerabilities KICS counts on its device (null: none). */
  KicsOpenVulnerabilityCounts: z.array(z.number().int().nullable()).exactOptional(),
});

/** One application of a host: product code, version key and, when KSC reports it, its state. */
interface Application {
  readonly name: string;
  readonly version: string;
  readonly state: number | null;
}

interface HostDetails {
  readonly appInfo: WireJson;
  readonly appInfoPlain: PlainJson;
  readonly applications: readonly Application[];
}

/** `KLHST_APP_INFO`: product → version → `{KLHST_APP_STATE, KLHST_APP_STATE_TIME}` (spec §7.7). */
function applicationsOfAppInfo(appInfo: KlParams): Application[] {
  const apps: Application[] = [];
  for (const [name, versions] of Object.entries(appInfo)) {
    if (!isKlParams(versions)) continue;
    for (const [version, info] of Object.entries(versions)) {
      apps.push({
        name,
        version,
        state: isKlParams(info) ? (numericValue(info['KLHST_APP_STATE']) ?? null) : null,
      });
    }
  }
  return apps;
}

/**
 * Seed 001's `appInfo` of one host, with each application's state from `KLHST_APP_INFO` (the emulator reports it
 * too, decision 0060). A server that does not report it still has the installed products: their names then come
 * from `GetHostProducts`, without a state.
 */
async function hostDetails(ctx: KscContext, hostId: string): Promise<HostDetails> {
  const info = await ctx.ksc.callWire('HostGroup.GetHostInfo', {
    strHostName: hostId,
    pFields2Return: APP_INFO_FIELDS,
  });
  const appInfo = info.reply.PxgRetVal['KLHST_APP_INFO'];
  let applications: Application[];
  if (isKlParams(appInfo)) {
    applications = applicationsOfAppInfo(appInfo);
  } else {
    const products = await ctx.ksc.call('HostGroup.GetHostProducts', { strHostName: hostId });
    applications = Object.entries(products.PxgRetVal).flatMap(([name, versions]) =>
      Object.keys(versions).map((version) => ({ name, version, state: null })),
    );
  }
  return {
    appInfo: { PxgRetVal: info.wire['PxgRetVal'] ?? null },
    appInfoPlain: { PxgRetVal: toPlain(info.reply.PxgRetVal) },
    applications,
  };
}

function isoTime(record: KlParams, name: string): string | null {
  const plain = toPlain(record[name]);
  return typeof plain === 'string' && plain !== '' ? plain : null;
}

/** D3's enrichments of one host record (seed 001's sample), for the attributes the record has. */
function enrichments(record: KlParams): { [key: string]: string | string[] | null } {
  const out: { [key: string]: string | string[] | null } = {
    ipAddress: ipv4FromLong(record['KLHST_WKS_IP_LONG']),
  };
  const ptype = numericValue(record['KLHST_WKS_PTYPE']);
  if (ptype !== undefined) out['platformType'] = platformTypeName(ptype);
  const rtp = numericValue(record['KLHST_WKS_RTP_STATE']);
  if (rtp !== undefined) out['rtpStateDescription'] = rtpStateDescription(rtp);
  const status = numericValue(record['KLHST_WKS_STATUS']);
  if (status !== undefined) out['statusDescriptions'] = hostStateDescriptions(status);
  const statusId = numericValue(record['KLHST_WKS_STATUS_ID']);
  if (statusId !== undefined) out['status'] = hostStatusName(statusId);
  const mask = numericValue(record['KLHST_WKS_STATUS_MASK']);
  if (mask !== undefined) out['hostExtStatuses'] = extendedStatusText(mask);
  return out;
}

/** `Get Host Status` (seed 001): per host, its attributes with D3's decoded status fields and its applications. */
export const getHostStatus: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_host_status',
  title: 'Get Host Status',
  description:
    'Reports the detailed status of hosts named by display name, id, FQDN or IPv4 address: their attributes ' +
    '(Return Fields, default the usual identity, OS, scan, update and status attributes) with the status ' +
    'decoded into words — `status` (OK/Critical/Warning), `statusDescriptions` (host state flags), ' +
    '`hostExtStatuses` (why the status is not OK), `rtpStateDescription` (real-time protection), ' +
    '`platformType`, `ipAddress` — and the Kaspersky applications on each host (`appInfo`). Use it to check ' +
    'whether a host is protected and why KSC flags it. Each name is looked up on its own: an unknown name is ' +
    'a 404 error for that item and the others are still reported (Partially Successful). withKics adds each ' +
    'host’s KICS for Networks device with its open vulnerabilities and the match confidence (as resolve_asset ' +
    'decides it), from the KICS connection named by correlateWith. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  companions: { kics: 'optional' },
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, 'HostGroup.GetHostInfo', 'HostGroup.GetHostProducts'],
  },
  hints: { cliAliases: { hostNames: 'host' }, targetFields: ['hostNames'] },
  example: { hostNames: ['BR01-WS-0001'] },
  async run(ctx, { hostNames, returnFields, withKics }) {
    const kics = withKics ? kicsSide(ctx) : undefined;
    if (withKics && kics === undefined) throw noCompanion(getHostStatus.title, 'withKics', 'kics');
    const fields = [
      ...new Set([
        ...(returnFields ?? HOST_STATUS_FIELDS),
        ...REQUIRED_FIELDS,
        ...(kics === undefined ? [] : KSC_MATCH_FIELDS),
      ]),
    ];
    const lookups = await mapLimited(hostNames, CONCURRENCY, (name) =>
      settle(lookupHostReference(ctx, name, fields, 'hostNames')),
    );

    // Hosts in the order the names give them, each once however many names match it.
    const hosts: { readonly item: WireJson; readonly record: KlParams; readonly names: string[] }[] = [];
    const byId = new Map<string, (typeof hosts)[number]>();
    const failed = new Map<string, unknown>();
    hostNames.forEach((name, index) => {
      const lookup = lookups[index]!;
      if (!lookup.ok) {
        failed.set(name, lookup.error);
        return;
      }
      const { items, records, named }: ReferenceLookup = lookup.value;
      if (named.length === 0) failed.set(name, hostNotFound(name));
      for (const i of named) {
        const record = records[i]!;
        const id = textAttr(record, 'KLHST_WKS_HOSTNAME');
        const known = byId.get(id);
        if (known !== undefined) {
          known.names.push(name);
          continue;
        }
        const host = { item: items[i] ?? null, record, names: [name] };
        hosts.push(host);
        byId.set(id, host);
      }
    });

    const details = await mapLimited(hosts, CONCURRENCY, (host) =>
      settle(hostDetails(ctx, textAttr(host.record, 'KLHST_WKS_HOSTNAME'))),
    );
    const items: WireJson[] = [];
    const context: PlainJson[] = [];
    const reported: { readonly record: KlParams; readonly details: HostDetails }[] = [];
    hosts.forEach((host, index) => {
      const detail = details[index]!;
      if (!detail.ok) {
        for (const name of host.names) if (!failed.has(name)) failed.set(name, detail.error);
        return;
      }
      const extra = enrichments(host.record);
      const enriched = enrichWire(host.item, extra);
      items.push(
        enriched !== null && typeof enriched === 'object' && !Array.isArray(enriched)
          ? { ...enriched, appInfo: detail.value.appInfo }
          : enriched,
      );
      context.push({
        ...plainRecord(host.record),
        ...extra,
        appInfo: detail.value.appInfoPlain,
        applications: detail.value.applications.map((a) => ({ ...a })),
      });
      reported.push({ record: host.record, details: detail.value });
    });

    const twins =
      kics === undefined
        ? undefined
        : await mapLimited(reported, CONCURRENCY, (r) => kicsTwinOf(kics, r.record));
    if (twins !== undefined) {
      twins.forEach((twin, i) => {
        const entry = context[i] as { [key: string]: PlainJson };
        context[i] = { ...entry, kicsDevice: twin?.record ?? null };
      });
    }
    const errors: CommandErrorEntry[] = [...new Set(hostNames)].flatMap((name) =>
      failed.has(name) ? [errorEntry(getHostStatus.title, failed.get(name), name)] : [],
    );
    const num = (record: KlParams, name: string) => numericValue(record[name]) ?? 0;
    const records = reported.map((r) => r.record);
    const apps = reported.flatMap((r) => r.details.applications);
    return {
      status: statusOf(new Set(hostNames).size - failed.size, failed.size),
      raw: { pChunk: { KLCSP_ITERATOR_ARRAY: items }, PxgRetVal: items.length },
      context,
      keyFields: {
        HostIDs: records.map((r) => textAttr(r, 'KLHST_WKS_HOSTNAME')),
        HostIPs: records.flatMap((r) => {
          const ip = ipv4FromLong(r['KLHST_WKS_IP_LONG']);
          return ip === null ? [] : [ip];
        }),
        LongHostIPs: records.flatMap((r) => {
          const ip = numericValue(r['KLHST_WKS_IP_LONG']);
          return ip === undefined ? [] : [ip];
        }),
        HostNames: records.map((r) => textAttr(r, 'KLHST_WKS_DN')),
        StatusIDs: records.map((r) => num(r, 'KLHST_WKS_STATUS_ID')),
        HostGeneralStatuses: records.map((r) => hostStatusName(num(r, 'KLHST_WKS_STATUS_ID'))),
        HostStatusMasks: records.map((r) => num(r, 'KLHST_WKS_STATUS_MASK')),
        HostExtStatuses: records.map((r) => extendedStatusText(num(r, 'KLHST_WKS_STATUS_MASK'))),
        PlatformTypes: records.map((r) => platformTypeName(num(r, 'KLHST_WKS_PTYPE'))),
        HostStatuses: records.map((r) => num(r, 'KLHST_WKS_STATUS')),
        HostStatusDescriptions: records.map((r) =>
          hostStateDescriptions(num(r, 'KLHST_WKS_STATUS')).join(', '),
        ),
        RealTimeProtectionStatuses: records.map((r) => num(r, 'KLHST_WKS_RTP_STATE')),
        RealTimeProtectionStatusDescriptions: records.map((r) =>
          rtpStateDescription(num(r, 'KLHST_WKS_RTP_STATE')),
        ),
        LastTimeFullScan: records.map((r) => isoTime(r, 'KLHST_WKS_LAST_FULLSCAN')),
        APPNames: apps.map((a) => a.name),
        APPStates: apps.map((a) => a.state),
        LastAntiVirusDBUpdates: records.map((r) => isoTime(r, 'KLHST_WKS_LAST_UPDATE')),
        ...(twins === undefined
          ? {}
          : {
              KicsDeviceIds: twins.map((t) => t?.deviceId ?? null),
              KicsOpenVulnerabilityCounts: twins.map((t) => t?.openVulnerabilities ?? null),
            }),
      },
      result: summaryTable('Get Host Status', { 'Hosts Count': items.length }),
      errors,
    };
  },
};
