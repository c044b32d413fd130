import { readOffsetWindow } from './shared/offset-pages.ts';
import { isIP } from 'node:net';
import { z } from 'zod';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import { MAX_LIMIT } from '../../kics/query/index.ts';
import { ASSET_STATUSES, ASSET_TYPES, SECURITY_STATES, type Device } from '../../kics/model.ts';
import type { KicsFilterItem } from '../../kics/client/types.ts';
import { CONCURRENCY, mapLimited } from '../core/concurrency.ts';
import { summaryTable } from '../core/result.ts';
import { kscTwinOf } from '../correlation/enrich.ts';
import { kscSide, noCompanion } from '../correlation/sides.ts';
import {
  CATEGORY_WORDS,
  DEVICE_COLUMNS,
  deviceRecord,
  deviceRow,
  SECURITY_STATE_WORDS,
  STATUS_WORDS,
} from './shared/devices.ts';
import { wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand, type KicsContext } from './shared/vendor.ts';
import { enumWithWords } from '../core/enum-words.ts';

const TITLE = 'KICS List Devices';

/** `00:1A:2b:3c:4d:5e` or `00-1a-…`: KICS compares MAC addresses as text, so the command sends them in its spelling. */
const MAC = /^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/;
const CVE = /^CVE-\d{4}-\d{4,}$/i;

const input = z.object({
  status: z
    .array(enumWithWords(ASSET_STATUSES, STATUS_WORDS))
    .min(1)
    .optional()
    .describe('Only devices with one of these statuses (Unauthorized, Recognized = authorized, Archived)'),
  category: z
    .array(enumWithWords(ASSET_TYPES, CATEGORY_WORDS))
    .min(1)
    .optional()
    .describe('Only devices of one of these categories'),
  ipAddress: z
    .string()
    .refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address')
    .optional()
    .describe('Only devices with this IP address on one of their interfaces'),
  macAddress: z
    .string()
    .regex(MAC, 'a MAC address such as 00:1A:2B:3C:4D:5E')
    .optional()
    .describe('Only devices with this MAC address'),
  cve: z
    .string()
    .regex(CVE, 'a CVE id such as CVE-2021-44228')
    .optional()
    .describe('Only devices KICS found affected by this vulnerability'),
  securityState: z
    .array(enumWithWords(SECURITY_STATES, SECURITY_STATE_WORDS))
    .min(1)
    .optional()
    .describe('Only devices in one of these security states'),
  lastSeenSince: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only devices seen on the network at or after this time (ISO 8601, e.g. 2026-01-31T08:00:00Z)'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .describe(`Devices to return at most; read ${MAX_LIMIT} per request until the limit or the last device`),
  offset: z
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(0)
    .describe('Devices to skip first (sorted by id), for paging: the next page starts at offset + limit'),
  withKscStatus: z
    .boolean()
    .default(false)
    .describe(
      'Add each device’s KSC host (id, name, protection status) and the match confidence, from the KSC ' +
        'connection named by correlateWith',
    ),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  DeviceIds: z.array(z.number().int()),
  DeviceNames: z.array(z.string()),
  DevicesCount: z.number().int(),
  /** True when the limit cut the list short: ask again from offset + limit. */
  MoreAvailable: z.boolean(),
  /** With `withKscStatus`: per device, its KSC host's id (null when none matches). */
  KscHostIds: z.array(z.string().nullable()).exactOptional(),
  /** With `withKscStatus`: per device, its KSC host's status (OK, Critical, Warning; null when none). */
  KscHostStatuses: z.array(z.string().nullable()).exactOptional(),
});

/** The filter of the input, in the query DSL (spec §4), checked by the client's rules. */
export function deviceFilter(given: Input): KicsFilterItem[] {
  const query = kicsQuery('devices');
  if (given.status !== undefined) query.where('status', 'IsOneOf', given.status);
  if (given.category !== undefined) query.where('category', 'IsOneOf', given.category);
  if (given.securityState !== undefined) query.where('securityState', 'IsOneOf', given.securityState);
  if (given.ipAddress !== undefined) query.where('addressInformation:ipAddress', '=', given.ipAddress);
  if (given.macAddress !== undefined)
    query.where('addressInformation:macAddress', '=', given.macAddress.replace(/-/g, ':'));
  if (given.cve !== undefined) query.where('vulnerabilities:cveId', '=', given.cve.toUpperCase());
  if (given.lastSeenSince !== undefined) query.where('lastSeen', '>=', new Date(given.lastSeenSince));
  return [...(query.build().filter ?? [])];
}

/** The devices of the filter from `offset`, at most `limit`, and whether more were there. */
async function readDevices(ctx: KicsContext, given: Input): Promise<{ devices: Device[]; more: boolean }> {
  const { items, more } = await readOffsetWindow(
    'devices',
    (query) => ctx.kics.queryDevices(query),
    deviceFilter(given),
    { offset: given.offset, limit: given.limit },
  );
  return { devices: items, more };
}

/** `kics_list_devices`: the devices KICS for Networks knows, filtered and paged. */
export const kicsListDevices: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_devices',
  title: TITLE,
  description:
    'Lists the devices (assets) KICS for Networks has seen on the industrial network, sorted by id: name, ' +
    'status (Unauthorized = newly detected, Recognized = authorized, Archived), category (PLC, SCADA/HMI, ' +
    'engineering station, …), security state, IP and MAC addresses, known CVEs, last seen time. Filters ' +
    'combine with AND: status, category and security state take several values; ipAddress, macAddress and ' +
    'cve one each; lastSeenSince a time. Use it to find new unauthorized devices, the devices behind an ' +
    'address in an alert, or those affected by a CVE. Returns at most `limit` devices from `offset`; ' +
    '`MoreAvailable` says whether to ask for the next page. A bad filter value fails before any request. ' +
    'withKscStatus adds each device’s KSC host with its protection status and the match confidence (as ' +
    'resolve_asset decides it), from the KSC connection named by correlateWith.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  companions: { ksc: 'optional' },
  api: { roles: READER_ROLES, operations: ['Querying several devices'] },
  hints: { cliAliases: { ipAddress: 'ip', macAddress: 'mac' } },
  example: { status: ['Unauthorized', 'Recognized'], limit: 20 },
  async run(ctx, given) {
    const ksc = given.withKscStatus ? kscSide(ctx) : undefined;
    if (given.withKscStatus && ksc === undefined) throw noCompanion(TITLE, 'withKscStatus', 'ksc');
    const { devices, more } = await readDevices(ctx, given);
    const twins =
      ksc === undefined ? undefined : await mapLimited(devices, CONCURRENCY, (d) => kscTwinOf(ksc, d));
    return {
      status: 'Successful',
      raw: wireOf(devices),
      context: devices.map((d, i) =>
        twins === undefined ? deviceRecord(d) : { ...deviceRecord(d), kscHost: twins[i]?.record ?? null },
      ),
      keyFields: {
        DeviceIds: devices.map((d) => d.id),
        DeviceNames: devices.map((d) => d.name),
        DevicesCount: devices.length,
        MoreAvailable: more,
        ...(twins === undefined
          ? {}
          : {
              KscHostIds: twins.map((t) => t?.hostId ?? null),
              KscHostStatuses: twins.map((t) => statusText(t?.record['status'])),
            }),
      },
      result:
        devices.length === 0
          ? summaryTable(TITLE, { 'Devices Count': 0 })
          : { title: TITLE, columns: DEVICE_COLUMNS, rows: devices.map(deviceRow) },
      errors: [],
    };
  },
};

function statusText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
