import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import { isKlParams, type KlArgument, type KlParams } from '../../ksc/values.ts';
import { CONCURRENCY, mapLimited, settle } from '../core/concurrency.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { readHostSection } from './shared/host-settings.ts';
import { HOST_LOOKUP_METHODS, hostNotFound, lookupHostReference, REFERENCE_FIELDS } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { toPlain } from './shared/plain.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';

/**
 * Where KES for Windows keeps its network settings in the host settings storage (spec §9.1; the emulator's
 * docs/decisions/0009): the monitored ports (`portsMonitoring`), encrypted-traffic decoding and root CAs — the
 * content of seed 001's sample. Spec §9 marks the mapping as inferred: no public source names the section.
 */
export const NETWORK_SETTINGS = {
  strType: 'SS_SETTINGS',
  strProduct: 'KES',
  strVersion: '11.0.0.0',
  strSection: 'NetworkSettings',
} as const;

const input = z.object({
  hostIds: inputs
    .hosts()
    .describe(
      'Host IDs: the hosts whose monitored ports to read, each by id (KLHST_WKS_HOSTNAME, from List Hosts), ' +
        'display name, FQDN or IPv4 address',
    ),
});

const keyFields = z.object({
  Ports: z.array(z.number()),
  Names: z.array(z.string()),
});

interface PortEntry {
  readonly port: number;
  readonly description: string;
  readonly enabled: boolean;
}

/** The `portsMonitoring.ports` entries of a settings section, skipping anything not shaped as one. */
function portsOf(settings: KlParams): { allPorts: boolean | null; ports: PortEntry[] } {
  const monitoring = settings['portsMonitoring'];
  if (!isKlParams(monitoring)) return { allPorts: null, ports: [] };
  const list = monitoring['ports'];
  const ports: PortEntry[] = [];
  if (Array.isArray(list)) {
    for (const entry of list as readonly KlArgument[]) {
      if (!isKlParams(entry)) continue;
      const port = typeof entry['port'] === 'bigint' ? Number(entry['port']) : entry['port'];
      if (typeof port !== 'number') continue;
      ports.push({
        port,
        description: typeof entry['description'] === 'string' ? entry['description'] : '',
        enabled: entry['enabled'] === true,
      });
    }
  }
  const allPorts = monitoring['allPorts'];
  return { allPorts: typeof allPorts === 'boolean' ? allPorts : null, ports };
}

function readNetworkSettings(ctx: KscContext, record: KlParams) {
  return readHostSection(
    ctx,
    record,
    NETWORK_SETTINGS,
    (host, error) =>
      `Host ${host} has no Kaspersky Endpoint Security for Windows network settings ` +
      `(${NETWORK_SETTINGS.strProduct} ${NETWORK_SETTINGS.strVersion}): open ports are read from KES for ` +
      `Windows only (${error.message})`,
  );
}

/** `Get Open Ports` (seed 001): the ports KES for Windows monitors on each host, from its network settings. */
export const getOpenPorts: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_open_ports',
  title: 'Get Open Ports',
  description:
    'Reads, for each host, the network ports that Kaspersky Endpoint Security for Windows monitors ' +
    '(its traffic-monitoring port list, with a description and an enabled flag per port, and whether all ports ' +
    'are monitored), plus its encrypted-traffic settings — the settings KES applies, not a live scan of ' +
    'listening sockets. `Ports`/`Names` list the enabled entries. Hosts are named by id, display name, FQDN ' +
    'or IP. A host without KES for Windows (Linux, no security application) or an unknown host is a 404 ' +
    'error for that item; the other hosts are still reported (Partially Successful). Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, 'HostGroup.SS_Read'],
  },
  hints: { cliAliases: { hostIds: 'host' }, targetFields: ['hostIds'] },
  example: { hostIds: ['BR01-WS-0001'] },
  async run(ctx, { hostIds }) {
    const lookups = await mapLimited(hostIds, CONCURRENCY, (reference) =>
      settle(lookupHostReference(ctx, reference, REFERENCE_FIELDS, 'hostIds')),
    );
    const failed = new Map<string, unknown>();
    const hosts: { readonly record: KlParams; readonly reference: string }[] = [];
    const seen = new Set<string>();
    hostIds.forEach((reference, index) => {
      const lookup = lookups[index]!;
      if (!lookup.ok) return void failed.set(reference, lookup.error);
      if (lookup.value.named.length === 0) return void failed.set(reference, hostNotFound(reference));
      for (const i of lookup.value.named) {
        const record = lookup.value.records[i]!;
        const id = String(record['KLHST_WKS_HOSTNAME'] ?? '');
        if (seen.has(id)) continue;
        seen.add(id);
        hosts.push({ record, reference });
      }
    });

    const reads = await mapLimited(hosts, CONCURRENCY, (host) =>
      settle(readNetworkSettings(ctx, host.record)),
    );
    const results: WireJson[] = [];
    const context: PlainJson[] = [];
    const rows: PlainJson[][] = [];
    const ports: number[] = [];
    const names: string[] = [];
    hosts.forEach((host, index) => {
      const read = reads[index]!;
      if (!read.ok) {
        if (!failed.has(host.reference)) failed.set(host.reference, read.error);
        return;
      }
      const hostId = String(host.record['KLHST_WKS_HOSTNAME'] ?? '');
      const hostName = String(host.record['KLHST_WKS_DN'] ?? '');
      const settings = read.value.reply.PxgRetVal;
      results.push({
        KLHST_WKS_HOSTNAME: hostId,
        KLHST_WKS_DN: hostName,
        PxgRetVal: read.value.wire['PxgRetVal'] ?? null,
      });
      const monitored = portsOf(settings);
      context.push({
        KLHST_WKS_HOSTNAME: hostId,
        KLHST_WKS_DN: hostName,
        allPorts: monitored.allPorts,
        ports: monitored.ports.map((p) => ({ ...p })),
        settings: toPlain(settings),
      });
      for (const p of monitored.ports) {
        rows.push([hostId, hostName, p.port, p.description, p.enabled]);
        if (!p.enabled) continue;
        ports.push(p.port);
        names.push(p.description);
      }
    });
    const errors: CommandErrorEntry[] = [...new Set(hostIds)].flatMap((reference) =>
      failed.has(reference) ? [errorEntry(getOpenPorts.title, failed.get(reference), reference)] : [],
    );
    return {
      status: statusOf(new Set(hostIds).size - failed.size, failed.size),
      raw: { results },
      context,
      keyFields: { Ports: ports, Names: names },
      result: {
        title: 'Get Open Ports',
        columns: ['Host ID', 'Host Name', 'Port', 'Description', 'Enabled'],
        rows,
      },
      errors,
    };
  },
};
