import { z } from 'zod';
import { arg } from '../args.ts';
import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { method, type MethodDefinition } from '../method.ts';
import { findHostByName, requireDevices } from './lookup.ts';
import { openHostTasks } from './host-tasks-object.ts';

/** `HostGroup` methods about a host's tasks (`GetHostTasks`); `host-group.ts` serves them with the rest. */
export const hostTaskMethods: Readonly<Record<string, MethodDefinition>> = {
  GetHostTasks: method({
    args: z.object({ strHostName: arg.string() }),
    rights: [need('basic', 'read')],
    handler: (ctx, { strHostName }) => {
      requireDevices(ctx);
      const host = findHostByName(ctx, strHostName);
      if (host === undefined) throw faults.unknownDevice(strHostName);
      return { PxgRetVal: openHostTasks(ctx, host.id) };
    },
  }),
};
