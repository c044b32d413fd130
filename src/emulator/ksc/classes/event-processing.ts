import { z } from 'zod';
import { arg } from '../args.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { readEventsJson, selectEventIds, type EventSelection } from '../event-query.ts';
import { faults } from '../faults.ts';
import { defineClass, method, RawJson } from '../method.ts';

const READ = [need('basic', 'read')];
export const EVENTS_KIND = 'EventProcessing';

interface EventResult {
  readonly ids: readonly number[];
  readonly fields: readonly string[];
}

async function open(
  ctx: MethodContext,
  selection: Omit<EventSelection, 'vserverId' | 'now'>,
  fields: readonly string[],
  lifetime: number,
): Promise<{ strIteratorId: string }> {
  const ids = canSeeDevices(ctx)
    ? await selectEventIds(ctx.world, { ...selection, vserverId: ctx.vserverId, now: ctx.clock.now() })
    : [];
  return {
    strIteratorId: ctx.iterators.create<EventResult>(EVENTS_KIND, ctx.owner, lifetime, { ids, fields }),
  };
}

function hostIdOf(ctx: MethodContext, strHostName: string): string {
  const host = ctx.world.hosts.get(strHostName);
  if (host === undefined || host.vserverId !== ctx.vserverId) throw faults.unknownDevice(strHostName);
  return host.id;
}

const createArgs = {
  vecFieldsToReturn: arg.strings(),
  vecFieldsToOrder: arg.order(),
  lifetimeSec: arg.lifetime(),
};
const forHostArgs = {
  strHostName: arg.string(),
  strProduct: z.string().default(''),
  strVersion: z.string().default(''),
};

function productFilter(strProduct: string, strVersion: string): Record<string, string> {
  return {
    ...(strProduct === '' ? {} : { product_name: strProduct }),
    ...(strVersion === '' ? {} : { product_version: strVersion }),
  };
}

/** `EventProcessingFactory`: event result sets, server-wide or for one host (spec §6.1). */
export const eventProcessingFactoryClass = defineClass('EventProcessingFactory', {
  CreateEventProcessing: method({
    args: z.object(createArgs),
    rights: READ,
    handler: (ctx, a) =>
      open(ctx, { filter: {}, order: a.vecFieldsToOrder }, a.vecFieldsToReturn, a.lifetimeSec),
  }),
  CreateEventProcessing2: method({
    args: z.object({ ...createArgs, pFilter: arg.params() }),
    rights: READ,
    handler: (ctx, a) =>
      open(ctx, { filter: a.pFilter, order: a.vecFieldsToOrder }, a.vecFieldsToReturn, a.lifetimeSec),
  }),
  CreateEventProcessingForHost: method({
    args: z.object({ ...createArgs, ...forHostArgs }),
    rights: READ,
    handler: (ctx, a) =>
      open(
        ctx,
        {
          hostId: hostIdOf(ctx, a.strHostName),
          filter: productFilter(a.strProduct, a.strVersion),
          order: a.vecFieldsToOrder,
        },
        a.vecFieldsToReturn,
        a.lifetimeSec,
      ),
  }),
  CreateEventProcessingForHost2: method({
    args: z.object({ ...createArgs, ...forHostArgs, pFilter: arg.params() }),
    rights: READ,
    handler: (ctx, a) =>
      open(
        ctx,
        {
          hostId: hostIdOf(ctx, a.strHostName),
          filter: { ...a.pFilter, ...productFilter(a.strProduct, a.strVersion) },
          order: a.vecFieldsToOrder,
        },
        a.vecFieldsToReturn,
        a.lifetimeSec,
      ),
  }),
});

/** `EventProcessing`: reading an event result set (spec §6.1). `GetRecordRange` serves `[nStart, nEnd)`. */
export const eventProcessingClass = defineClass('EventProcessing', {
  GetRecordCount: method({
    args: z.object({ strIteratorId: arg.string() }),
    rights: [],
    handler: (ctx, { strIteratorId }) => ({
      PxgRetVal: ctx.iterators.get<EventResult>(EVENTS_KIND, strIteratorId, ctx.owner).ids.length,
    }),
  }),
  GetRecordRange: method({
    args: z.object({ strIteratorId: arg.string(), nStart: arg.int(), nEnd: arg.int() }),
    rights: [],
    handler: async (ctx, { strIteratorId, nStart, nEnd }) => {
      const result = ctx.iterators.get<EventResult>(EVENTS_KIND, strIteratorId, ctx.owner);
      const start = Math.max(0, nStart);
      const ids = result.ids.slice(start, Math.max(start, nEnd));
      const events = await readEventsJson(ctx.world, ids, result.fields);
      return { pParamsEvents: new RawJson(`{"KLEVP_EVENT_RANGE_ARRAY":[${events}]}`) };
    },
  }),
  ReleaseIterator: method({
    args: z.object({ strIteratorId: arg.string() }),
    rights: [],
    handler: (ctx, { strIteratorId }) => {
      ctx.iterators.release(EVENTS_KIND, strIteratorId, ctx.owner);
      return {};
    },
  }),
});
