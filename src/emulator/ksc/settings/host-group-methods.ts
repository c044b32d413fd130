import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import type { ClassImplementation, MethodArgs } from '../method.ts';
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

/** Where a section lives: the arguments `SS_Read`, `SS_Write` and the other section methods share. */
type SectionArgs = MethodArgs<'HostGroup.SS_Read'>;

function pathOf(args: SectionArgs): SectionPath {
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
export const hostSettingsMethods: ClassImplementation<'HostGroup'> = {
  SS_GetNames: {
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
  },

  SS_Read: {
    rights: READ,
    handler: async (ctx, args) => ({
      PxgRetVal: await readSection(ctx.world, hostOf(ctx, args.strHostName), pathOf(args)),
    }),
  },

  SS_Write: {
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
  },

  SS_CreateSection: {
    rights: WRITE,
    handler: async (ctx, args) => {
      await createSection(ctx.world, hostOf(ctx, args.strHostName), pathOf(args));
      return {};
    },
  },

  SS_DeleteSection: {
    rights: WRITE,
    handler: async (ctx, args) => {
      const path = pathOf(args);
      await deleteSection(ctx.world, hostOf(ctx, args.strHostName), path);
      await afterChange(ctx, path);
      return {};
    },
  },
};
