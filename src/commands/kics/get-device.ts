import { z } from 'zod';
import type { PlainJson } from '../core/types.ts';
import { kscTwinOf } from '../correlation/enrich.ts';
import { kscSide, noCompanion } from '../correlation/sides.ts';
import { deviceRecord, ipAddressesOf, macAddressesOf } from './shared/devices.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Get Device';

const input = z.object({
  deviceId: z.number().int().min(1).describe('The id of the device in KICS for Networks (from List Devices)'),
  withKscStatus: z
    .boolean()
    .default(false)
    .describe(
      'Add the device’s KSC host (id, name, protection status) and the match confidence, from the KSC ' +
        'connection named by correlateWith',
    ),
});

const keyFields = z.object({
  DeviceId: z.number().int(),
  DeviceName: z.string(),
  Status: z.string(),
  Category: z.string(),
  SecurityState: z.string(),
  IpAddresses: z.array(z.string()),
  MacAddresses: z.array(z.string()),
  Cves: z.array(z.string()),
  Protocols: z.array(z.string()),
  /** With `withKscStatus`: its KSC host's id, null when none matches. */
  KscHostId: z.string().nullable().exactOptional(),
  /** With `withKscStatus`: its KSC host's status (OK, Critical, Warning), null when none matches. */
  KscHostStatus: z.string().nullable().exactOptional(),
  /** With `withKscStatus`: how sure the match is (high, medium, low), null when none matches. */
  KscMatchConfidence: z.string().nullable().exactOptional(),
});

/** `kics_get_device`: one device with everything KICS knows of it, and the protocols it speaks. */
export const kicsGetDevice: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_get_device',
  title: TITLE,
  description:
    'Reads one device of KICS for Networks by its id, with everything KICS knows of it — status, category, ' +
    'security state, addresses, hardware and software, labels, vulnerabilities (CVE, state, CVSS score), its ' +
    'industrial configuration (PLC project and modules) and endpoint protection — and the application-level ' +
    'protocols it speaks (Modbus, S7comm, IEC 104, … with its address in each). Use it after List Devices or ' +
    'an event names a device, to judge what the device is and what it talks. Fails with 404 when no device ' +
    'has that id. withKscStatus adds its KSC host with its protection status and the match confidence (as ' +
    'resolve_asset decides it), from the KSC connection named by correlateWith. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  companions: { ksc: 'optional' },
  api: { roles: READER_ROLES, operations: ['Querying a single device', 'Querying device protocols'] },
  hints: { cliAliases: { deviceId: 'id' }, targetFields: ['deviceId'] },
  example: { deviceId: 1 },
  async run(ctx, { deviceId, withKscStatus }) {
    const ksc = withKscStatus ? kscSide(ctx) : undefined;
    if (withKscStatus && ksc === undefined) throw noCompanion(TITLE, 'withKscStatus', 'ksc');
    const device = await ctx.kics.getDevice(deviceId);
    const protocols = await ctx.kics.deviceProtocols(deviceId);
    const twin = ksc === undefined ? undefined : await kscTwinOf(ksc, device);
    const record = deviceRecord(device);
    const protocolRecords = protocols.map((p) => plainOf(p));
    const rows: PlainJson[][] = [
      ['Name', device.name],
      ['Status', record['statusText'] ?? device.status],
      ['Category', record['categoryText'] ?? device.category],
      ['Security State', record['securityStateText'] ?? device.securityState],
      ['IP Addresses', ipAddressesOf(device).join(', ')],
      ['MAC Addresses', macAddressesOf(device).join(', ')],
      [
        'Vulnerabilities',
        device.vulnerabilities.map((v) => `${v.cveId} (${v.cvsScore}, ${v.state})`).join(', '),
      ],
      ...protocols.map((p) => [`Protocol: ${p.name}`, `${p.protocolStackName}, address ${p.address}`]),
      ['Last Seen', device.lastSeen],
      ...(twin === undefined
        ? []
        : [
            [
              'KSC Host',
              twin === null
                ? 'none matches'
                : `${String(twin.record['hostName'])} (${twin.hostId}): ${String(twin.record['status'])}, ` +
                  `${String(twin.record['confidence'])} confidence`,
            ],
          ]),
    ];
    return {
      status: 'Successful',
      raw: wireOf({ ...device, protocols }),
      context: {
        ...record,
        device: plainOf(device),
        protocols: protocolRecords,
        ...(twin === undefined ? {} : { kscHost: twin?.record ?? null }),
      },
      keyFields: {
        DeviceId: device.id,
        DeviceName: device.name,
        Status: device.status,
        Category: device.category,
        SecurityState: device.securityState,
        IpAddresses: ipAddressesOf(device),
        MacAddresses: macAddressesOf(device),
        Cves: [...new Set(device.vulnerabilities.map((v) => v.cveId))],
        Protocols: protocols.map((p) => p.name),
        ...(twin === undefined
          ? {}
          : {
              KscHostId: twin?.hostId ?? null,
              KscHostStatus: textOrNull(twin?.record['status']),
              KscMatchConfidence: textOrNull(twin?.record['confidence']),
            }),
      },
      result: { title: TITLE, columns: ['Attribute', 'Value'], rows },
      errors: [],
    };
  },
};

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
