import { need } from '../auth/rights.ts';
import { adGroupsOf } from '../active-directory/groups.ts';
import {
  addUnit,
  adTreeOf,
  canonicalGuid,
  computerAttributes,
  isUnassigned,
  removeUnit,
  setScanEnabled,
  unitAttributes,
} from '../active-directory/ou-tree.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import { orderRecords, project } from '../records.ts';
import { openChunkAccessor } from './chunk-accessor.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'write')];

async function unitOf(ctx: MethodContext, idOU: number) {
  const { tree, scanDisabled } = await adTreeOf(ctx);
  const unit = tree.units.find((u) => u.id === idOU);
  if (unit === undefined) throw faults.notFound(`Organization unit ${idOU} not found`);
  return { tree, unit, scanDisabled };
}

function guidArgument(value: string, name: string): string {
  const guid = canonicalGuid(value);
  if (guid === undefined) throw faults.badParameter(name);
  return guid;
}

/**
 * `AdHosts`: the scanned Active Directory tree derived from the world's hosts and domain
 * (src/emulator/ksc/active-directory/ou-tree.ts) with the OUs clients added or removed, and the domain's AD groups
 * (the IAM directory's). Lists are ChunkAccessor result sets.
 */
export const adHostsClass = defineClass('AdHosts', {
  GetChildOUs: {
    rights: READ,
    handler: async (ctx, { idOU, pFields, lMaxLifeTime }) => {
      // 0 names the top of the hierarchy: the domain's root OU (and OUs added without a parent).
      const { tree, scanDisabled } = idOU === 0 ? await adTreeOf(ctx) : await unitOf(ctx, idOU);
      const children = tree.units
        .filter((u) => u.parentId === idOU)
        .map((u) => project(unitAttributes(tree, u, scanDisabled), pFields));
      return { PxgRetVal: openChunkAccessor(ctx, children, lMaxLifeTime).strAccessor };
    },
  },
  GetChildComputers: {
    rights: READ,
    handler: async (ctx, { idOU, vecFieldsToReturn, lMaxLifeTime }) => {
      const { tree } = await unitOf(ctx, idOU);
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
    handler: async (ctx, { idAdhst, vecFieldsToReturn }) => {
      const computer = (await adTreeOf(ctx)).tree.computers.find((c) => c.id === idAdhst);
      if (computer === undefined || !canSeeDevices(ctx))
        throw faults.notFound(`Computer ${idAdhst} not found`);
      return { PxgRetVal: project(computerAttributes(computer), vecFieldsToReturn) };
    },
  },
  GetOU: {
    rights: READ,
    handler: async (ctx, { idOU, pFields }) => {
      const { tree, unit, scanDisabled } = await unitOf(ctx, idOU);
      return { PxgRetVal: project(unitAttributes(tree, unit, scanDisabled), pFields) };
    },
  },
  UpdateOU: {
    rights: WRITE,
    handler: async (ctx, { idOU, pData }) => {
      await unitOf(ctx, idOU);
      const value = pData['adhst_enable_ad_scan'];
      if (value === undefined) return {};
      // The reference types it paramInt, KSC answers a bool: both are read.
      if (typeof value !== 'boolean' && typeof value !== 'number') throw faults.badParameter('pData');
      await setScanEnabled(ctx, idOU, !(value === false || value === 0));
      return {};
    },
  },
  FindAdGroups: {
    rights: READ,
    handler: async (ctx, { vecFieldsToReturn, vecFieldsToOrder, pOptions, lMaxLifeTime }) => {
      let groups = adGroupsOf(ctx);
      const adhstId = pOptions['adhst_id'];
      if (adhstId !== undefined) {
        if (typeof adhstId !== 'number' && typeof adhstId !== 'bigint') throw faults.badParameter('pOptions');
        const { tree } = await adTreeOf(ctx);
        const id = Number(adhstId);
        if (!tree.units.some((u) => u.id === id) && !tree.computers.some((c) => c.id === id))
          throw faults.notFound(`AD host ${id} not found`);
        // The world's groups hold users only: no computer or OU is a member (adhst_adgroups is [] too).
        groups = [];
      }
      const rows = orderRecords(groups, vecFieldsToOrder, (g) => g).map((g) => project(g, vecFieldsToReturn));
      return {
        PxgRetVal: rows.length,
        wstrIterator: openChunkAccessor(ctx, rows, lMaxLifeTime).strAccessor,
      };
    },
  },
  AddOU: {
    rights: WRITE,
    handler: async (ctx, { strObjectGUID, strParentGUID }) => {
      const guid = guidArgument(strObjectGUID, 'strObjectGUID');
      const parent = strParentGUID.trim() === '' ? undefined : guidArgument(strParentGUID, 'strParentGUID');
      await addUnit(ctx, guid, parent);
      return {};
    },
  },
  RemoveOU: {
    rights: WRITE,
    handler: async (ctx, { strObjectGUID }) => {
      await removeUnit(ctx, guidArgument(strObjectGUID, 'strObjectGUID'));
      return {};
    },
  },
});
