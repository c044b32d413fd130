import type { Context, Hono } from 'hono';
import type { Device } from '../../../kics/model.ts';
import { DEVICES } from '../query/index.ts';
import { zonelessTime } from '../times.ts';
import { newDeviceRecord } from '../world/new-device.ts';
import { auditChange } from './audit.ts';
import { readJsonObject } from './body.ts';
import { checkDeviceInput, type DeviceInput } from './device-input.ts';
import { registerReadRoutes } from './documents.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';
import { deviceErrors, KicsApiError, notFound, parseId } from './errors.ts';

/**
 * The body of a device edit or creation. A body that is no JSON object is refused like any other bad device body,
 * in seed 002's `{status: "Error", errors}` (decision 0027), not in the `{errorMessage}` of other operations.
 */
async function readDeviceBody(c: Context<KicsEnv>): Promise<Record<string, unknown>> {
  try {
    return await readJsonObject(c);
  } catch (error) {
    if (!(error instanceof KicsApiError) || error.status !== 400) throw error;
    const detail = error.message.replace(/^Incorrect parameters: body=/, '');
    throw deviceErrors([`body: a JSON object is required (${detail})`]);
  }
}

/** Members of a device body that steer the request rather than describe the device. */
const REQUEST_OPTIONS: ReadonlySet<string> = new Set([
  'allowProcessControlSettingsUpdate',
  'allowProcessControlSettingsLoss',
  'whatIfDuplicate',
]);

/** The device with `input`'s fields applied; fields the input leaves out keep their values. */
function applyInput(device: Device, input: DeviceInput, now: number): Device {
  const next: Record<string, unknown> = { ...device };
  for (const [key, value] of Object.entries(input))
    if (value !== undefined && !REQUEST_OPTIONS.has(key)) next[key] = value;
  // Null lists read back as empty lists: the documents never carry a null array.
  next['labels'] = (next['labels'] as string[] | null) ?? [];
  next['userAttributes'] = (next['userAttributes'] as unknown[] | null) ?? [];
  next['description'] = (next['description'] as string | null) ?? '';
  next['lastModified'] = zonelessTime(now);
  return next as unknown as Device;
}

/** An edit that would change what a PLC's industrial configuration was read from needs explicit consent. */
function touchesIndustrialConfig(device: Device, input: DeviceInput): boolean {
  if (device.processControlSettings === null) return false;
  const addressesChange =
    input.addressInformation !== undefined &&
    JSON.stringify(input.addressInformation) !== JSON.stringify(device.addressInformation);
  const categoryChanges = input.category !== undefined && input.category !== device.category;
  return addressesChange || categoryChanges;
}

function newDevice(id: number, input: DeviceInput, now: number): Device {
  const time = zonelessTime(now);
  const blank = newDeviceRecord(id, input.name ?? `Device ${id}`, time);
  return applyInput(blank, input, now);
}

/**
 * Devices: query, read one, its protocols, edit (PUT; PATCH too, the verb is not known), remove (with its tags
 * and vulnerability entries), create with `whatIfDuplicate`. Names are unique without regard to case; a
 * duplicate is a device of the same name.
 */
export function registerDeviceRoutes(api: Hono<KicsEnv>, deps: RouteDependencies): void {
  const { store, clock } = deps;
  registerReadRoutes(api, deps, {
    path: '/devices',
    what: 'Device',
    table: store.devices,
    resource: DEVICES,
    single: true,
  });

  api.get('/devices/:id/protocols', deps.guard('read'), async (c) => {
    const id = parseId(c.req.param('id'));
    const protocols = await store.deviceProtocols(id);
    if (protocols === undefined) throw notFound('Device', id);
    return c.json(protocols);
  });

  const edit = async (c: Context<KicsEnv>): Promise<Response> => {
    const id = parseId(c.req.param('id') ?? '');
    const { input, errors } = checkDeviceInput(await readDeviceBody(c), false);
    if (errors.length > 0) throw deviceErrors(errors);
    await store.exclusively(async () => {
      const device = await store.devices.get(id);
      if (device === undefined) throw notFound('Device', id);
      if (input.name !== undefined) {
        const holder = await store.deviceIdByName(input.name);
        if (holder !== undefined && holder !== id)
          throw deviceErrors([`name: device ${holder} is already named ${JSON.stringify(input.name)}`], 409);
      }
      if (touchesIndustrialConfig(device, input) && input.allowProcessControlSettingsUpdate !== true) {
        throw deviceErrors([
          'allowProcessControlSettingsUpdate: the device has an industrial configuration; set it to true to change its addresses or category',
        ]);
      }
      await store.updateDevice(applyInput(device, input, clock.now()));
    });
    await auditChange(c, store, 'Edit device', `Device ${id} edited`);
    return c.json({ status: 'Updated', errors: [] });
  };
  api.put('/devices/:id', deps.guard('write'), edit);
  api.patch('/devices/:id', deps.guard('write'), edit);

  api.delete('/devices/:id', deps.guard('write'), async (c) => {
    const id = parseId(c.req.param('id'));
    if (!(await store.exclusively(() => store.deleteDevice(id)))) throw notFound('Device', id);
    await auditChange(c, store, 'Remove device', `Device ${id} removed`);
    return c.body(null, 200);
  });

  api.post('/devices', deps.guard('write'), async (c) => {
    const { input, errors } = checkDeviceInput(await readDeviceBody(c), true);
    if (errors.length > 0) throw deviceErrors(errors);
    const name = input.name ?? '';
    const outcome = await store.exclusively(async () => {
      const existingId = await store.deviceIdByName(name);
      const now = clock.now();
      if (existingId === undefined) {
        const id = await store.nextDeviceId();
        await store.insertDevice(newDevice(id, input, now), []);
        return { status: 'Created', deviceId: id } as const;
      }
      if (input.whatIfDuplicate === undefined)
        throw deviceErrors(
          [
            `name: device ${existingId} is already named ${JSON.stringify(name)}; set whatIfDuplicate to Skip or Overwrite`,
          ],
          409,
        );
      if (input.whatIfDuplicate === 'Skip') return { status: 'Skipped', deviceId: existingId } as const;
      const existing = await store.devices.get(existingId);
      if (existing === undefined) throw notFound('Device', existingId);
      if (existing.processControlSettings !== null && input.allowProcessControlSettingsLoss !== true) {
        throw deviceErrors([
          'allowProcessControlSettingsLoss: overwriting the device discards its industrial configuration; set it to true to allow that',
        ]);
      }
      const replaced = { ...newDevice(existingId, input, now), created: existing.created };
      await store.updateDevice(replaced);
      return { status: 'Overwritten', deviceId: existingId } as const;
    });
    await auditChange(
      c,
      store,
      'Add device',
      `Device ${outcome.deviceId} ${outcome.status.toLowerCase()} (${name})`,
    );
    return c.json(outcome);
  });
}
