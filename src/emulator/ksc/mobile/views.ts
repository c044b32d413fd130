import { need } from '../auth/rights.ts';
import type { SrvViewDefinition } from '../views/view.ts';
import { deviceViewRecord, UMDM_VIEW_ATTRIBUTES, visibleDevices } from './devices.ts';

/** `UmdmAllDevices`: every mobile device of the caller's server with its owner (the reference's columns). */
const allDevicesView: SrvViewDefinition = {
  name: 'UmdmAllDevices',
  type: { attributes: UMDM_VIEW_ATTRIBUTES },
  rights: [need('basic', 'read')],
  async records(ctx) {
    const { devices, changes } = await visibleDevices(ctx);
    const now = ctx.clock.now();
    return devices.map((device) => deviceViewRecord(device, changes, now));
  },
};

export const mobileDeviceViews: readonly SrvViewDefinition[] = [allDevicesView];
