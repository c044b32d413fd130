import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { planEventSelection, readEventsJson, selectPlannedIds, type EventSelection } from '../event-query.ts';
import { EventSnapshot } from '../event-snapshot.ts';
import { faults } from '../faults.ts';
import { defineClass, RawJson } from '../method.ts';

const READ = [need('basic', 'read')];
export const EVENTS_KIND = 'EventProcessing';

/** A result set as its id list (`Tasks.GetTaskHistory` makes these too), or defined by its selection. */
type EventResult = { readonly ids: readonly number[]; readonly fields: readonly string[] } | EventSnapshot;

async function open(
  ctx: MethodContext,
  selection: Omit<EventSelection, 'vserverId' | 'now'>,
  fields: readonly string[],
  lifetime: number,
): Promise<{ strIteratorId: string }> {
  let result: EventResult = { ids: [], fields };
  if (canSeeDevices(ctx)) {
    const plan = planEventSelection({ ...selection, vserverId: ctx.vserverId, now: ctx.clock.now() });
    result = (await EventSnapshot.open(ctx.world, plan, fields)) ?? {
      ids: await selectPlannedIds(ctx.world, plan),
      fields,
    };
  }
  return { strIteratorId: ctx.iterators.create<EventResult>(EVENTS_KIND, ctx.owner, lifetime, result) };
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
    handler: (ctx, { strIteratorId }) => {
      const result = ctx.iterators.get<EventResult>(EVENTS_KIND, strIteratorId, ctx.owner);
      return { PxgRetVal: result instanceof EventSnapshot ? result.count : result.ids.length };
    },
  },
  GetRecordRange: {
    rights: [],
    handler: async (ctx, { strIteratorId, nStart, nEnd }) => {
      const result = ctx.iterators.get<EventResult>(EVENTS_KIND, strIteratorId, ctx.owner);
      const start = Math.max(0, nStart);
      const end = Math.max(start, nEnd);
      const events =
        result instanceof EventSnapshot
          ? await result.range(start, end)
          : await readEventsJson(ctx.world, result.ids.slice(start, end), result.fields);
      return { pParamsEvents: new RawJson(`{"KLEVP_EVENT_RANGE_ARRAY":[${events}]}`) };
    },
  },
  ReleaseIterator: {
    rights: [],
    handler: (ctx, { strIteratorId }) => {
      const result = ctx.iterators.release<EventResult>(EVENTS_KIND, strIteratorId, ctx.owner);
      if (result instanceof EventSnapshot) result.release();
      return {};
    },
  },
});
