import { satisfies } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import { compileSearch, orderRecords, project } from '../records.ts';
import { SRV_VIEWS } from '../views/index.ts';
import { matchingRecords } from '../views/matching-records.ts';
import { iteratorArrayJson, type ChunkResult } from './chunk-accessor.ts';

export const SRV_VIEW_KIND = 'SrvView';

/**
 * `SrvView`: generic server views (spec §5.2). `GetRecordRange` serves the half-open range `[nStart, nEnd)` and
 * tolerates `nEnd` past the end, as EventProcessing does (DESIGN.md).
 */
export const srvViewClass = defineClass('SrvView', {
  ResetIterator: {
    rights: [],
    coverage: {
      level: 'partial',
      missing:
        'filters are pushed down to hosts in ACHostExeFilesSrvViewName (HOST_ID, HOST_NAME, HOST_DN), Quarantine/Backup/TIF ' +
        '(strHostName, nGroup; read whole above 2,000 matching hosts) and GlobalUsersListSrvViewName (strHostId with a ' +
        'filter on ul_bVisited alone); other filters build every record, then filter (ACExeFilesSrvViewName, ' +
        'InvSrvViewName and InvDisplayNameGroupingSrvView filter a list cached until a host changes); ' +
        'of the reference views, InvLicenseKeysSrvViewName and the other InvLicenseProducts views, the ACExeFilesSoftInv/' +
        'ACHostExeFilesSoftInv views, v_klever_distrib, KLPOL_PROFILE_HST, PolProfileAclRolesSrvViewName, ' +
        'PLCDevicesSrvViewName and the static-analysis result views answer 1187 for wstrViewName (decision 0075)',
    },
    handler: async (ctx, args) => {
      const view = SRV_VIEWS.get(args.wstrViewName);
      if (view === undefined) throw faults.badParameter('wstrViewName');
      if (!satisfies(ctx.rights.server, view.rights)) throw faults.accessDenied();
      const search = compileSearch(args.wstrFilter, view.type, () => ctx.clock.now());
      const records = await matchingRecords(ctx, view, args.pParams, search);
      const items = orderRecords([...records], args.vecFieldsToOrder, (r) => r).map((r) =>
        project(r, args.vecFieldsToReturn),
      );
      const wstrIteratorId = ctx.iterators.create<ChunkResult>(SRV_VIEW_KIND, ctx.owner, args.lifetimeSec, {
        items,
      });
      return { wstrIteratorId };
    },
  },
  GetRecordCount: {
    rights: [],
    handler: (ctx, { wstrIteratorId }) => ({
      PxgRetVal: ctx.iterators.get<ChunkResult>(SRV_VIEW_KIND, wstrIteratorId, ctx.owner).items.length,
    }),
  },
  GetRecordRange: {
    rights: [],
    handler: (ctx, { wstrIteratorId, nStart, nEnd }) => {
      const { items } = ctx.iterators.get<ChunkResult>(SRV_VIEW_KIND, wstrIteratorId, ctx.owner);
      const start = Math.max(0, nStart);
      return { pRecords: iteratorArrayJson(items.slice(start, Math.max(start, nEnd))) };
    },
  },
  ReleaseIterator: {
    rights: [],
    handler: (ctx, { wstrIteratorId }) => {
      ctx.iterators.release(SRV_VIEW_KIND, wstrIteratorId, ctx.owner);
      return {};
    },
  },
});
