import { z } from 'zod';
import type { DeviceUpdate } from '../../kics/client/types.ts';
import type { Device } from '../../kics/model.ts';
import type { PlainJson } from '../core/types.ts';
import {
  addressInformationOf,
  DEVICE_CHANGE,
  deviceInputs,
  EDITABLE_FIELDS,
  editableFieldsOf,
  type EditableField,
} from './shared/device-changes.ts';
import { deviceRecord } from './shared/devices.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Update Device';

const text = (what: string) => deviceInputs.text().optional().describe(`${what}; null clears it`);

const input = z
  .object({
    deviceId: deviceInputs.deviceId(),
    name: deviceInputs
      .name()
      .optional()
      .describe('A new name, unique among the devices (KICS refuses a name another device has: 409)'),
    description: text('A new description'),
    status: deviceInputs
      .status()
      .optional()
      .describe('A new status: Recognized (authorized), Unauthorized or Archived'),
    category: deviceInputs.category().optional().describe('A new category, e.g. Plc, EngineeringStation'),
    addressInformation: deviceInputs
      .addressInformation()
      .optional()
      .describe(
        'The interfaces, replacing all of them: each {macAddress, ipAddresses}, e.g. ' +
          '[{"macAddress": "00:1b:1b:0a:0b:0c", "ipAddresses": ["172.16.0.20"]}]',
      ),
    os: text('The operating system'),
    hardwareVendor: text('The hardware vendor'),
    hardwareModel: text('The hardware model'),
    hardwareVersion: text('The hardware version'),
    softwareVendor: text('The software (firmware) vendor'),
    softwareModel: text('The software (firmware) product'),
    softwareVersion: text('The software (firmware) version'),
    networkName: text('The network (NetBIOS / DNS) name'),
    isRouter: z.boolean().optional().describe('Whether the device routes between networks'),
    labels: deviceInputs.labels().optional().describe('The labels, replacing all of them; [] clears them'),
    userAttributes: deviceInputs
      .userAttributes()
      .optional()
      .describe('Your own attributes, each {name, value}, replacing all of them; null or [] clears them'),
    allowProcessControlSettingsUpdate: z
      .boolean()
      .default(false)
      .describe(
        'Allow changing the addresses or category of a device with an industrial configuration (a PLC ' +
          'project read from the wire); KICS refuses that change otherwise',
      ),
    idempotencyKey: deviceInputs.idempotencyKey(),
  })
  .refine((given) => EDITABLE_FIELDS.some((field) => given[field] !== undefined), {
    message: 'name at least one field to change',
  });

type Input = z.output<typeof input>;

const keyFields = z.object({
  DeviceId: z.number().int(),
  DeviceName: z.string(),
  Status: z.string(),
  Category: z.string(),
  /** The fields whose value this call changed (a field given with the value it had is not listed). */
  ChangedFields: z.array(z.string()),
});

/** The edit body's form of an input field. */
function wireValue(given: Input, field: EditableField): DeviceUpdate[EditableField] {
  if (field === 'addressInformation')
    return given.addressInformation === undefined
      ? undefined
      : addressInformationOf(given.addressInformation);
  return given[field];
}

/** The value a field of the device had or has, comparable across the read before and the read after. */
function valueOf(device: Device, field: EditableField): PlainJson {
  return plainOf(device[field]);
}

/** `kics_update_device`: changes some fields of a device and keeps the others. */
export const kicsUpdateDevice: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_update_device',
  title: TITLE,
  description:
    'Edits a device in KICS for Networks: its name, description, status, category, addresses, OS, hardware ' +
    'and software (vendor, model, version), network name, router flag, labels and your own attributes. ' +
    'Only the fields given change: the device is read, the changes are applied over it and it is written ' +
    'back whole (the edit replaces the device); lists (addresses, labels, attributes) are replaced, not ' +
    'merged. Use it to document a device after an investigation (description, labels), correct what KICS ' +
    'inferred (category, vendor), or rename it. A device with an industrial configuration keeps its ' +
    'addresses and category unless allowProcessControlSettingsUpdate is true. Returns the fields that ' +
    'changed with their values before and after. Fails with 404 for an unknown device, 409 for a name ' +
    'another device has. Needs the Administrator role.',
  input,
  keyFields,
  ...DEVICE_CHANGE,
  vendor: 'kics',
  api: {
    roles: CHANGER_ROLES,
    operations: ['Querying a single device', 'Editing an existing device', 'Querying a single device'],
  },
  hints: { cliAliases: { deviceId: 'id' }, targetFields: ['deviceId'] },
  // An unauthorized operator panel of the default world, documented after a site visit.
  example: {
    deviceId: 261,
    description: 'Boiler house, cell 01: operator panel (checked on site, vendor support laptop port)',
    labels: ['boiler-house', 'checked'],
  },
  async run(ctx, given) {
    const before = await ctx.kics.getDevice(given.deviceId);
    const body: { -readonly [F in keyof DeviceUpdate]: DeviceUpdate[F] } = editableFieldsOf(before);
    for (const field of EDITABLE_FIELDS) {
      const value = wireValue(given, field);
      if (value !== undefined) Object.assign(body, { [field]: value });
    }
    if (given.allowProcessControlSettingsUpdate) body.allowProcessControlSettingsUpdate = true;
    const answer = await ctx.kics.updateDevice(given.deviceId, body);
    // Read back: what KICS stored (a null list reads back empty, a MAC in its spelling), not what was sent.
    const after = await ctx.kics.getDevice(given.deviceId);
    const changes = EDITABLE_FIELDS.filter(
      (field) => JSON.stringify(valueOf(before, field)) !== JSON.stringify(valueOf(after, field)),
    ).map((field) => ({ field, before: valueOf(before, field), after: valueOf(after, field) }));
    return {
      status: 'Successful',
      raw: wireOf({ update: answer, device: after }),
      context: { ...deviceRecord(after), changes, device: plainOf(after) },
      keyFields: {
        DeviceId: after.id,
        DeviceName: after.name,
        Status: after.status,
        Category: after.category,
        ChangedFields: changes.map((c) => c.field),
      },
      result: {
        title: TITLE,
        columns: ['Field', 'Before', 'After'],
        rows: changes.map((c) => [c.field, display(c.before), display(c.after)]),
      },
      errors: [],
    };
  },
};

/** A value for the people's table: lists and objects as compact JSON, text as it is. */
function display(value: PlainJson): PlainJson {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
}
