import { need } from '../auth/rights.ts';
import {
  adTreeOf,
  computerAttributes,
  isUnassigned,
  changeScanDisabled,
  scanDisabled,
  unitAttributes,
} from '../active-directory/ou-tree.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import { project } from '../records.ts';
import { openChunkAccessor } from './chunk-accessor.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'write')];

function unitOf(ctx: MethodContext, idOU: number) {
  const tree = adTreeOf(ctx);
  const unit = tree.units.find((u) => u.id === idOU);
  if (unit === undefined) throw faults.notFound(`Organization unit ${idOU} not found`);
  return { tree, unit };
}

/**
 * `AdHosts`: the scanned Active Directory tree derived from the world's hosts and domain
 * (src/emulator/ksc/active-directory/ou-tree.ts). Lists are ChunkAccessor result sets, their id in `PxgRetVal`.
 * `FindAdGroups`, `AddOU` and `RemoveOU` are not served (1194): the world holds no AD security groups.
 */
export const adHostsClass = defineClass('AdHosts', {
  GetChildOUs: {
    rights: READ,
    handler: async (ctx, { idOU, pFields, lMaxLifeTime }) => {
      const tree = adTreeOf(ctx);
      // 0 names the top of the hierarchy: the domain's root OU.
      if (idOU !== 0) unitOf(ctx, idOU);
      const disabled = await scanDisabled(ctx);
      const children = tree.units
        .filter((u) => u.parentId === idOU)
        .map((u) => project(unitAttributes(tree, u, disabled), pFields));
      return { PxgRetVal: openChunkAccessor(ctx, children, lMaxLifeTime).strAccessor };
    },
  },
  GetChildComputers: {
    rights: READ,
    handler: (ctx, { idOU, vecFieldsToReturn, lMaxLifeTime }) => {
      const { tree } = unitOf(ctx, idOU);
      const computers = canSeeDevices(ctx)
        ? tree.computers
            .filter((c) => c.parentId === idOU && isUnassigned(ctx, c.host))
            .map((c) => project(computerAttributes(c), vecFieldsToReturn))
        : [];
      return { PxgRetVal: openChunkAccessor(ctx, computers, lMaxLifeTime).strAccessor };
    },
  },
  GetChildComputer: {
    rights: READ,
    handler: (ctx, { idAdhst, vecFieldsToReturn }) => {
      const computer = adTreeOf(ctx).computers.find((c) => c.id === idAdhst);
      if (computer === undefined || !canSeeDevices(ctx))
        throw faults.notFound(`Computer ${idAdhst} not found`);
      return { PxgRetVal: project(computerAttributes(computer), vecFieldsToReturn) };
    },
  },
  GetOU: {
    rights: READ,
    handler: async (ctx, { idOU, pFields }) => {
      const { tree, unit } = unitOf(ctx, idOU);
      return { PxgRetVal: project(unitAttributes(tree, unit, await scanDisabled(ctx)), pFields) };
    },
  },
  UpdateOU: {
    rights: WRITE,
    handler: async (ctx, { idOU, pData }) => {
      unitOf(ctx, idOU);
      const value = pData['adhst_enable_ad_scan'];
      if (value === undefined) return {};
      // The reference types it paramInt, KSC answers a bool: both are read.
      if (typeof value !== 'boolean' && typeof value !== 'number') throw faults.badParameter('pData');
      await changeScanDisabled(ctx, (disabled) => {
        if (value === false || value === 0) disabled.add(idOU);
        else disabled.delete(idOU);
      });
      return {};
    },
  },
});
