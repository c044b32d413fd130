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
        'filters are pushed down to hosts only in ACHostExeFilesSrvViewName, when they name only HOST_ID, HOST_NAME or HOST_DN; ' +
        'GlobalUsersListSrvViewName and Quarantine/Backup/TIF build every record of the server on each ResetIterator, then filter ' +
        '(ACExeFilesSrvViewName and InvSrvViewName filter a list cached until a host changes); ' +
        'the other views of the reference (InvDisplayNameGroupingSrvView, InvLicenseKeysSrvViewName, …) answer 1187 for wstrViewName',
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
