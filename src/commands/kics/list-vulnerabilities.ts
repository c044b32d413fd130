import { isIP } from 'node:net';
import { z } from 'zod';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import type { KicsFilterItem } from '../../kics/client/types.ts';
import { itemsTable } from '../core/result.ts';
import { wireOf } from './shared/json.ts';
import { offsetPagingInputs, readOffsetWindow } from './shared/offset-pages.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';
import { VULNERABILITY_COLUMNS, vulnerabilityRecord, vulnerabilityRow } from './shared/vulnerabilities.ts';

const TITLE = 'KICS List Vulnerabilities';

const CVE = /^CVE-\d{4}-\d{4,}$/i;

const input = z.object({
  cve: z
    .string()
    .regex(CVE, 'a CVE id such as CVE-2021-44228')
    .optional()
    .describe('Only the entries of this CVE (on every device it affects)'),
  state: z
    .array(z.string().trim().min(1))
    .min(1)
    .optional()
    .describe('Only entries in one of these states, as KICS names them (e.g. Active, Remediated, Ignored)'),
  minCvsScore: z
    .number()
    .min(0)
    .max(10)
    .optional()
    .describe('Only entries whose CVSS score is at least this (0–10; 7 = High and Critical)'),
  deviceName: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Only entries of the device with exactly this name'),
  deviceAddress: z
    .string()
    .refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address')
    .optional()
    .describe('Only entries of the device with this IP address'),
  detectedSince: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only entries detected (last) at or after this time (ISO 8601, e.g. 2026-01-31T08:00:00Z)'),
  ...offsetPagingInputs('entries', 'entry id'),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  VulnerabilityIds: z.array(z.number().int()),
  Cves: z.array(z.string()),
  DeviceIds: z.array(z.number().int()),
  VulnerabilitiesCount: z.number().int(),
  /** True when the limit cut the list short: ask again from offset + limit. */
  MoreAvailable: z.boolean(),
});

/** The filter of the input, in the query DSL (spec §4), checked by the client's rules. */
function vulnerabilityFilter(given: Input): KicsFilterItem[] {
  const query = kicsQuery('vulnerabilities');
  if (given.cve !== undefined) query.where('cveId', '=', given.cve.toUpperCase());
  if (given.state !== undefined) query.where('state', 'IsOneOf', given.state);
  if (given.minCvsScore !== undefined) query.where('cvsScore', '>=', given.minCvsScore);
  if (given.deviceName !== undefined) query.where('assetName', '=', given.deviceName);
  if (given.deviceAddress !== undefined) query.where('assetAddress', '=', given.deviceAddress);
  if (given.detectedSince !== undefined) query.where('lastDetected', '>=', new Date(given.detectedSince));
  return [...(query.build().filter ?? [])];
}

/** `kics_list_vulnerabilities`: the vulnerability entries (a CVE on a device) KICS for Networks found. */
export const kicsListVulnerabilities: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_vulnerabilities',
  title: TITLE,
  description:
    'Lists the vulnerabilities KICS for Networks found on industrial devices, one entry per CVE per device, ' +
    'sorted by entry id: CVE, CVSS score and its rating (Critical, High, Medium, Low), state, the device ' +
    '(id, name, address, group), first and last detection, the events raised for it. Filters combine with ' +
    'AND: cve, state (several), minCvsScore, deviceName, deviceAddress, detectedSince. Use it to find the ' +
    'devices exposed to a CVE, the most severe open vulnerabilities, or what a device is exposed to. Returns ' +
    'at most `limit` entries from `offset`; `MoreAvailable` says whether to ask for the next page. A bad ' +
    'filter value fails before any request. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying several vulnerability entries'] },
  hints: { cliAliases: { deviceAddress: 'ip' } },
  example: { minCvsScore: 7, limit: 20 },
  async run(ctx, given) {
    const { items, more } = await readOffsetWindow(
      'vulnerabilities',
      (query) => ctx.kics.queryVulnerabilities(query),
      vulnerabilityFilter(given),
      given,
    );
    return {
      status: 'Successful',
      raw: wireOf(items),
      context: items.map(vulnerabilityRecord),
      keyFields: {
        VulnerabilityIds: items.map((v) => v.assetVulnerabilityId),
        Cves: [...new Set(items.map((v) => v.cveId))],
        DeviceIds: [...new Set(items.map((v) => v.assetId))],
        VulnerabilitiesCount: items.length,
        MoreAvailable: more,
      },
      result: itemsTable(TITLE, items, 'Vulnerabilities Count', VULNERABILITY_COLUMNS, vulnerabilityRow),
      errors: [],
    };
  },
};
