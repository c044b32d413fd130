import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { readEventsJson, selectEventIds, type EventSelection } from '../event-query.ts';
import { faults } from '../faults.ts';
import { defineClass, RawJson } from '../method.ts';

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

function productFilter(strProduct: string, strVersion: string): Record<string, string> {
  return {
    ...(strProduct === '' ? {} : { product_name: strProduct }),
    ...(strVersion === '' ? {} : { product_version: strVersion }),
  };
}

/** `EventProcessingFactory`: event result sets, server-wide or for one host (spec §6.1). */
export const eventProcessingFactoryClass = defineClass('EventProcessingFactory', {
  CreateEventProcessing: {
    rights: READ,
    handler: (ctx, a) =>
      open(ctx, { filter: {}, order: a.vecFieldsToOrder }, a.vecFieldsToReturn, a.lifetimeSec),
  },
  CreateEventProcessing2: {
    rights: READ,
    handler: (ctx, a) =>
      open(ctx, { filter: a.pFilter, order: a.vecFieldsToOrder }, a.vecFieldsToReturn, a.lifetimeSec),
  },
  CreateEventProcessingForHost: {
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
  },
  CreateEventProcessingForHost2: {
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
  },
});

/** `EventProcessing`: reading an event result set (spec §6.1). `GetRecordRange` serves `[nStart, nEnd)`. */
export const eventProcessingClass = defineClass('EventProcessing', {
  GetRecordCount: {
    rights: [],
    handler: (ctx, { strIteratorId }) => ({
      PxgRetVal: ctx.iterators.get<EventResult>(EVENTS_KIND, strIteratorId, ctx.owner).ids.length,
    }),
  },
  GetRecordRange: {
    rights: [],
    handler: async (ctx, { strIteratorId, nStart, nEnd }) => {
      const result = ctx.iterators.get<EventResult>(EVENTS_KIND, strIteratorId, ctx.owner);
      const start = Math.max(0, nStart);
      const ids = result.ids.slice(start, Math.max(start, nEnd));
      const events = await readEventsJson(ctx.world, ids, result.fields);
      return { pParamsEvents: new RawJson(`{"KLEVP_EVENT_RANGE_ARRAY":[${events}]}`) };
    },
  },
  ReleaseIterator: {
    rights: [],
    handler: (ctx, { strIteratorId }) => {
      ctx.iterators.release(EVENTS_KIND, strIteratorId, ctx.owner);
      return {};
    },
  },
});
