import { z } from 'zod';
import { arg } from '../args.ts';
import { satisfies } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { defineClass, method } from '../method.ts';
import { compileSearch, orderRecords, project } from '../records.ts';
import { SRV_VIEWS } from '../views/index.ts';
import { iteratorArrayJson, type ChunkResult } from './chunk-accessor.ts';

export const SRV_VIEW_KIND = 'SrvView';

/**
 * `SrvView`: generic server views (spec §5.2). `GetRecordRange` serves the half-open range `[nStart, nEnd)` and
 * tolerates `nEnd` past the end, as EventProcessing does (DESIGN.md).
 */
export const srvViewClass = defineClass('SrvView', {
  ResetIterator: method({
    args: z.object({
      wstrViewName: arg.string(),
      wstrFilter: z.string().default(''),
      vecFieldsToReturn: arg.strings(),
      vecFieldsToOrder: arg.order(),
      pParams: arg.params(),
      lifetimeSec: arg.lifetime(),
    }),
    rights: [],
    handler: async (ctx, args) => {
      const view = SRV_VIEWS.get(args.wstrViewName);
      if (view === undefined) throw faults.badParameter('wstrViewName');
      if (!satisfies(ctx.rights.server, view.rights)) throw faults.accessDenied();
      const search = compileSearch(args.wstrFilter, view.type, () => ctx.clock.now());
      const records = (await view.records(ctx, args.pParams)).filter(search.predicate);
      const items = orderRecords([...records], args.vecFieldsToOrder, (r) => r).map((r) =>
        project(r, args.vecFieldsToReturn),
      );
      const wstrIteratorId = ctx.iterators.create<ChunkResult>(SRV_VIEW_KIND, ctx.owner, args.lifetimeSec, {
        items,
      });
      return { wstrIteratorId };
    },
  }),
  GetRecordCount: method({
    args: z.object({ wstrIteratorId: arg.string() }),
    rights: [],
    handler: (ctx, { wstrIteratorId }) => ({
      PxgRetVal: ctx.iterators.get<ChunkResult>(SRV_VIEW_KIND, wstrIteratorId, ctx.owner).items.length,
    }),
  }),
  GetRecordRange: method({
    args: z.object({ wstrIteratorId: arg.string(), nStart: arg.int(), nEnd: arg.int() }),
    rights: [],
    handler: (ctx, { wstrIteratorId, nStart, nEnd }) => {
      const { items } = ctx.iterators.get<ChunkResult>(SRV_VIEW_KIND, wstrIteratorId, ctx.owner);
      const start = Math.max(0, nStart);
      return { pRecords: iteratorArrayJson(items.slice(start, Math.max(start, nEnd))) };
    },
  }),
  ReleaseIterator: method({
    args: z.object({ wstrIteratorId: arg.string() }),
    rights: [],
    handler: (ctx, { wstrIteratorId }) => {
      ctx.iterators.release(SRV_VIEW_KIND, wstrIteratorId, ctx.owner);
      return {};
    },
  }),
});
