import { z } from 'zod';
import type { DeviceUpdateResult } from '../../kics/client/types.ts';
import type { AssetStatus } from '../../kics/model.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { DEVICE_CHANGE, deviceInputs, editableFieldsOf } from './shared/device-changes.ts';
import { STATUS_WORDS } from './shared/devices.ts';
import { wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Set Device Status';

const input = z.object({
  deviceIds: deviceInputs.deviceIds(
    'The devices whose status to set, each by its id in KICS for Networks (from List Devices), e.g. [285]',
  ),
  status: deviceInputs
    .status()
    .describe(
      'The status to set: Recognized (authorized: a known, expected device), Unauthorized (new or not ' +
        'approved: KICS raises events about it) or Archived (no longer on the network; kept for history)',
    ),
  idempotencyKey: deviceInputs.idempotencyKey(),
});

const keyFields = z.object({
  /** The status the devices now have. */
  Status: z.string(),
  /** The devices that have it now, changed or already so, in the order given. */
  DeviceIds: z.array(z.number().int()),
  DeviceNames: z.array(z.string()),
  /** The status each had before, in the order of DeviceIds: what a rollback sets back. */
  PreviousStatuses: z.array(z.string()),
  /** Those of DeviceIds whose status this call changed (the others had it already). */
  ChangedDeviceIds: z.array(z.number().int()),
});

interface Outcome {
  readonly deviceId: number;
  readonly deviceName: string;
  readonly previousStatus: AssetStatus;
  readonly changed: boolean;
  readonly answer: DeviceUpdateResult | null;
}

function statusWords(status: string): string {
  return Object.hasOwn(STATUS_WORDS, status) ? STATUS_WORDS[status as AssetStatus] : status;
}

/**
 * `kics_set_device_status`: the response action of KUMA's KICS integration (spec §9) — authorize a device, mark
 * it unauthorized, or archive it — for several devices, each on its own.
 */
export const kicsSetDeviceStatus: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_set_device_status',
  title: TITLE,
  description:
    'Sets the status of devices in KICS for Networks: Recognized (authorized), Unauthorized or Archived — the ' +
    'response action SIEMs such as KUMA take on an OT alert. Use it to authorize a newly detected device ' +
    'after checking it, to mark a suspicious device Unauthorized again, or to archive one that left the ' +
    'network. Each device is read and written back whole with the new status (the edit replaces the ' +
    'device), so its other fields stay as they are; a device that already has the status is left untouched. ' +
    'Returns, per device, the status it had before (for a rollback). A device that does not exist (404) or ' +
    'cannot be changed is reported on its own and the others are still changed (Partially Successful). ' +
    'Needs the Administrator role. Pass `idempotencyKey` to make retries safe.',
  input,
  keyFields,
  ...DEVICE_CHANGE,
  vendor: 'kics',
  api: { roles: CHANGER_ROLES, operations: ['Querying a single device', 'Editing an existing device'] },
  hints: { cliAliases: { deviceIds: 'device' }, targetFields: ['deviceIds'] },
  // An unauthorized engineering station of the default world, authorized as a SOC analyst would after checking it.
  example: { deviceIds: [285], status: 'Recognized' },
  async run(ctx, { deviceIds, status }) {
    const errors: CommandErrorEntry[] = [];
    const outcomes: Outcome[] = [];
    for (const deviceId of [...new Set(deviceIds)]) {
      try {
        const device = await ctx.kics.getDevice(deviceId);
        const changed = device.status !== status;
        // A device that has the status already is not written: no needless edit in KICS's audit log.
        const answer = changed
          ? await ctx.kics.updateDevice(deviceId, { ...editableFieldsOf(device), status })
          : null;
        outcomes.push({ deviceId, deviceName: device.name, previousStatus: device.status, changed, answer });
      } catch (error) {
        errors.push(errorEntry(TITLE, error, String(deviceId)));
      }
    }
    const context: PlainJson[] = outcomes.map((o) => ({
      deviceId: o.deviceId,
      deviceName: o.deviceName,
      previousStatus: o.previousStatus,
      previousStatusText: statusWords(o.previousStatus),
      status,
      statusText: statusWords(status),
      changed: o.changed,
    }));
    return {
      status: statusOf(outcomes.length, errors.length),
      raw: wireOf(outcomes.map((o) => ({ deviceId: o.deviceId, answer: o.answer }))),
      context,
      keyFields: {
        Status: status,
        DeviceIds: outcomes.map((o) => o.deviceId),
        DeviceNames: outcomes.map((o) => o.deviceName),
        PreviousStatuses: outcomes.map((o) => o.previousStatus),
        ChangedDeviceIds: outcomes.filter((o) => o.changed).map((o) => o.deviceId),
      },
      result: {
        title: TITLE,
        columns: ['ID', 'Name', 'Previous Status', 'Status', 'Changed'],
        rows: outcomes.map((o) => [
          o.deviceId,
          o.deviceName,
          statusWords(o.previousStatus),
          statusWords(status),
          o.changed ? 'yes' : 'no (had it already)',
        ]),
      },
      errors,
    };
  },
};
