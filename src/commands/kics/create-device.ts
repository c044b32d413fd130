import { z } from 'zod';
import type { DeviceCreate } from '../../kics/client/types.ts';
import { DUPLICATE_ACTIONS } from '../../kics/model.ts';
import { addressInformationOf, DEVICE_CHANGE, deviceInputs } from './shared/device-changes.ts';
import { deviceRecord, deviceRow, DEVICE_COLUMNS } from './shared/devices.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Create Device';

const text = (what: string) => deviceInputs.text().optional().describe(what);

const input = z.object({
  name: deviceInputs
    .name()
    .describe(
      'The device’s name, unique among the devices (without regard to case), e.g. "Contractor laptop 07"',
    ),
  addressInformation: deviceInputs
    .addressInformation()
    .describe(
      'Its interfaces, at least one, each {macAddress, ipAddresses}, e.g. ' +
        '[{"macAddress": "00:1b:1b:0a:0b:0c", "ipAddresses": ["172.16.0.20"]}]',
    ),
  status: deviceInputs
    .status()
    .optional()
    .describe('Its status: Recognized (authorized), Unauthorized or Archived; KICS decides when left out'),
  category: deviceInputs.category().optional().describe('Its category, e.g. Plc, EngineeringStation, Laptop'),
  description: text('A description'),
  os: text('The operating system'),
  hardwareVendor: text('The hardware vendor'),
  hardwareModel: text('The hardware model'),
  hardwareVersion: text('The hardware version'),
  softwareVendor: text('The software (firmware) vendor'),
  softwareModel: text('The software (firmware) product'),
  softwareVersion: text('The software (firmware) version'),
  networkName: text('The network (NetBIOS / DNS) name'),
  isRouter: z.boolean().optional().describe('Whether the device routes between networks'),
  labels: deviceInputs.labels().optional().describe('Labels, e.g. ["contractor"]'),
  userAttributes: deviceInputs
    .userAttributes()
    .optional()
    .describe('Your own attributes, each {name, value}'),
  whatIfDuplicate: z
    .enum(DUPLICATE_ACTIONS)
    .optional()
    .describe(
      'When a device of that name exists: Skip (keep it, return its id) or Overwrite (replace it with this ' +
        'one); when left out, the creation fails with 409',
    ),
  allowProcessControlSettingsLoss: z
    .boolean()
    .default(false)
    .describe(
      'Allow Overwrite to replace a device with an industrial configuration (a PLC project read from the ' +
        'wire), which is lost; KICS refuses that otherwise',
    ),
  idempotencyKey: deviceInputs.idempotencyKey(),
});

const keyFields = z.object({
  DeviceId: z.number().int(),
  DeviceName: z.string(),
  /** What KICS did: Created, Skipped (a device of that name existed and was kept) or Overwritten. */
  Outcome: z.string(),
  Status: z.string(),
  Category: z.string(),
});

/** `kics_create_device`: adds a device KICS did not detect itself (or replaces one), and reads it back. */
export const kicsCreateDevice: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_create_device',
  title: TITLE,
  description:
    'Adds a device to KICS for Networks by hand: a name unique among the devices, at least one interface ' +
    '(MAC and/or IP addresses) and optionally status, category, description, OS, hardware and software ' +
    'details, labels and your own attributes. Use it to register equipment KICS cannot see on the wire yet ' +
    '(a contractor laptop, a device behind a router) so that its traffic is attributed and judged. When a ' +
    'device of that name exists, whatIfDuplicate decides: Skip keeps it (Outcome Skipped, its id returned), ' +
    'Overwrite replaces it (Outcome Overwritten; a device with an industrial configuration only with ' +
    'allowProcessControlSettingsLoss); without it the call fails with 409. Returns the device as KICS ' +
    'stored it. Needs the Administrator role.',
  input,
  keyFields,
  ...DEVICE_CHANGE,
  vendor: 'kics',
  api: { roles: CHANGER_ROLES, operations: ['Creating a device', 'Querying a single device'] },
  hints: { targetFields: ['name'] },
  example: {
    name: 'Contractor laptop 07',
    addressInformation: [{ macAddress: '02:5a:c0:00:00:07', ipAddresses: ['172.16.0.250'] }],
    status: 'Unauthorized',
    category: 'Laptop',
    description: 'Commissioning contractor, boiler house; remove after the outage',
    labels: ['contractor'],
    whatIfDuplicate: 'Skip',
  },
  async run(ctx, given) {
    const { idempotencyKey: _key, addressInformation, allowProcessControlSettingsLoss, ...fields } = given;
    // Fields left out stay out of the body (KICS then decides), rather than being sent as undefined.
    const stated = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const body: DeviceCreate = {
      ...(stated as Omit<DeviceCreate, 'addressInformation'>),
      addressInformation: addressInformationOf(addressInformation),
      ...(allowProcessControlSettingsLoss ? { allowProcessControlSettingsLoss } : {}),
    };
    const answer = await ctx.kics.createDevice(body);
    const device = await ctx.kics.getDevice(answer.deviceId);
    return {
      status: 'Successful',
      raw: wireOf({ creation: answer, device }),
      context: { ...deviceRecord(device), outcome: answer.status, device: plainOf(device) },
      keyFields: {
        DeviceId: device.id,
        DeviceName: device.name,
        Outcome: answer.status,
        Status: device.status,
        Category: device.category,
      },
      result: {
        title: TITLE,
        columns: ['Outcome', ...DEVICE_COLUMNS],
        rows: [[answer.status, ...deviceRow(device)]],
      },
      errors: [],
    };
  },
};
