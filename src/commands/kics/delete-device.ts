import { z } from 'zod';
import type { Device } from '../../kics/model.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry } from '../core/types.ts';
import { DEVICE_CHANGE, deviceInputs } from './shared/device-changes.ts';
import { DEVICE_COLUMNS, deviceRecord, deviceRow } from './shared/devices.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Delete Device';

const input = z.object({
  deviceIds: deviceInputs.deviceIds(
    'The devices to remove, each by its id in KICS for Networks (from List Devices), e.g. [287]',
  ),
  idempotencyKey: deviceInputs.idempotencyKey(),
});

const keyFields = z.object({
  DeletedDeviceIds: z.array(z.number().int()),
  DeletedDeviceNames: z.array(z.string()),
  DeletedDevicesCount: z.number().int(),
});

/** `kics_delete_device`: removes devices, each on its own, keeping what they were in the result. */
export const kicsDeleteDevice: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_delete_device',
  title: TITLE,
  description:
    'Removes devices from KICS for Networks, with their tags and vulnerability entries. Use it for ' +
    'equipment that left the site for good, or for a device added by mistake; to keep a device’s history, ' +
    'set its status to Archived instead (Set Device Status). KICS adds a device it sees on the wire again as ' +
    'a new, unauthorized one. Each device is read first, so the result keeps what was removed (name, ' +
    'addresses, category, … in context.devices) for the record or to re-create it. A device that does not ' +
    'exist (404) is reported on its own and the others are still removed (Partially Successful). Cannot be ' +
    'undone. Needs the Administrator role. Pass `idempotencyKey` to make retries safe.',
  input,
  keyFields,
  ...DEVICE_CHANGE,
  vendor: 'kics',
  api: { roles: CHANGER_ROLES, operations: ['Querying a single device', 'Removing an existing device'] },
  hints: { cliAliases: { deviceIds: 'device' }, targetFields: ['deviceIds'] },
  // An archived switch of the default world that no other example reads.
  example: { deviceIds: [287] },
  async run(ctx, { deviceIds }) {
    const errors: CommandErrorEntry[] = [];
    const deleted: Device[] = [];
    for (const deviceId of [...new Set(deviceIds)]) {
      try {
        const device = await ctx.kics.getDevice(deviceId);
        await ctx.kics.deleteDevice(deviceId);
        deleted.push(device);
      } catch (error) {
        errors.push(errorEntry(TITLE, error, String(deviceId)));
      }
    }
    return {
      status: statusOf(deleted.length, errors.length),
      raw: wireOf(deleted),
      context: { deleted: deleted.map(deviceRecord), devices: deleted.map((d) => plainOf(d)) },
      keyFields: {
        DeletedDeviceIds: deleted.map((d) => d.id),
        DeletedDeviceNames: deleted.map((d) => d.name),
        DeletedDevicesCount: deleted.length,
      },
      result: { title: TITLE, columns: DEVICE_COLUMNS, rows: deleted.map(deviceRow) },
      errors,
    };
  },
};
