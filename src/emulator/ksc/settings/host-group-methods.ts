import { z } from 'zod';
import { arg } from '../args.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import type { MethodDefinition } from '../method.ts';
import { method } from '../method.ts';
import type { HostRecord } from '../world/model.ts';
import { invalidIsolationKey } from './isolation.ts';
import { queueIsolationApply } from './isolation-agent.ts';
import { isIsolationSection } from './sections.ts';
import { createSection, deleteSection, readSection, sectionNames, writeSection } from './storage.ts';
import type { SectionPath } from './store.ts';

// Seed 001: Get Open Ports / Get User By IP need Basic functionality Read; Isolate/Unisolate need Read, Write.
const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/** The host named by `strHostName` on the caller's virtual server, if the caller may see devices. */
function hostOf(ctx: MethodContext, id: string): HostRecord {
  const host = ctx.world.hosts.get(id);
  if (host === undefined || host.vserverId !== ctx.vserverId) throw faults.unknownDevice(id);
  if (!canSeeDevices(ctx)) throw faults.accessDenied();
  return host;
}

const location = {
  strHostName: arg.string(),
  strType: arg.string(),
  strProduct: z.string().default(''),
  strVersion: z.string().default(''),
};
const sectionArgs = z.object({
  ...location,
  strProduct: arg.string(),
  strVersion: arg.string(),
  strSection: arg.string(),
});

function pathOf(args: z.output<typeof sectionArgs>): SectionPath {
  return {
    hostId: args.strHostName,
    type: args.strType,
    product: args.strProduct,
    version: args.strVersion,
    section: args.strSection,
  };
}

/** After a change to the isolation section, the host's agent applies it at its next sync. */
async function afterChange(ctx: MethodContext, path: SectionPath): Promise<void> {
  if (isIsolationSection(path.type, path.product, path.section))
    await queueIsolationApply(ctx.agents, path.hostId);
}

/** `HostGroup` methods of the host settings storage (`SS_GetNames`, `SS_Read`, `SS_Write`, …). */
export const hostSettingsMethods: Readonly<Record<string, MethodDefinition>> = {
  SS_GetNames: method({
    args: z.object(location),
    rights: READ,
    handler: async (ctx, args) => ({
      PxgRetVal: await sectionNames(
        ctx.world,
        hostOf(ctx, args.strHostName),
        args.strType,
        args.strProduct,
        args.strVersion,
      ),
    }),
  }),

  SS_Read: method({
    args: sectionArgs,
    rights: READ,
    handler: async (ctx, args) => ({
      PxgRetVal: await readSection(ctx.world, hostOf(ctx, args.strHostName), pathOf(args)),
    }),
  }),

  SS_Write: method({
    args: sectionArgs.extend({ nOption: arg.int(), pSettings: arg.params() }),
    rights: WRITE,
    handler: async (ctx, args) => {
      const path = pathOf(args);
      const isolation = isIsolationSection(path.type, path.product, path.section);
      await writeSection(
        ctx.world,
        hostOf(ctx, args.strHostName),
        path,
        args.nOption,
        args.pSettings,
        (next) => {
          if (isolation && invalidIsolationKey(next) !== undefined) throw faults.badParameter('pSettings');
        },
      );
      await afterChange(ctx, path);
      return {};
    },
  }),

  SS_CreateSection: method({
    args: sectionArgs,
    rights: WRITE,
    handler: async (ctx, args) => {
      await createSection(ctx.world, hostOf(ctx, args.strHostName), pathOf(args));
      return {};
    },
  }),

  SS_DeleteSection: method({
    args: sectionArgs,
    rights: WRITE,
    handler: async (ctx, args) => {
      const path = pathOf(args);
      await deleteSection(ctx.world, hostOf(ctx, args.strHostName), path);
      await afterChange(ctx, path);
      return {};
    },
  }),
};
