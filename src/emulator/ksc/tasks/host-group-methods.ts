import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import type { ClassImplementation } from '../method.ts';
import { findHostByName, requireDevices } from './lookup.ts';
import { openHostTasks } from './host-tasks-object.ts';

/** `HostGroup` methods about a host's tasks (`GetHostTasks`); `host-group.ts` serves them with the rest. */
export const hostTaskMethods: ClassImplementation<'HostGroup'> = {
  GetHostTasks: {
    rights: [need('basic', 'read')],
    handler: (ctx, { strHostName }) => {
      requireDevices(ctx);
      const host = findHostByName(ctx, strHostName);
      if (host === undefined) throw faults.unknownDevice(strHostName);
      return { PxgRetVal: openHostTasks(ctx, host.id) };
    },
  },
};
