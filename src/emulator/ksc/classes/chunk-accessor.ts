import { stringifyValue } from '../../../ksc/codec.ts';
import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { defineClass, RawJson } from '../method.ts';

/** The result set behind a `strAccessor`: items already reduced to the requested attributes. */
export interface ChunkResult {
  readonly items: readonly KlParams[];
}

export const CHUNK_KIND = 'ChunkAccessor';

/** Registers a result set and returns the reply of a `Find*` method: `strAccessor` and the count. */
export function openChunkAccessor(ctx: MethodContext, items: readonly KlParams[], lifetimeSeconds: number) {
  const strAccessor = ctx.iterators.create<ChunkResult>(CHUNK_KIND, ctx.owner, lifetimeSeconds, { items });
  return { strAccessor, PxgRetVal: items.length };
}

/** Encodes `{"KLCSP_ITERATOR_ARRAY":[…]}` directly as text: pages of thousands of records are the hot path. */
export function iteratorArrayJson(items: readonly KlParams[]): RawJson {
  const parts = items.map((item) => stringifyValue(item));
  return new RawJson(`{"KLCSP_ITERATOR_ARRAY":[${parts.join(',')}]}`);
}

/** `ChunkAccessor`: paging through the results of `HostGroup.FindHosts`, `FindGroups`, `FindUsers` (spec §5.1). */
export const chunkAccessorClass = defineClass('ChunkAccessor', {
  GetItemsCount: {
    rights: [],
    handler: (ctx, { strAccessor }) => ({
      PxgRetVal: ctx.iterators.get<ChunkResult>(CHUNK_KIND, strAccessor, ctx.owner).items.length,
    }),
  },
  GetItemsChunk: {
    rights: [],
    handler: (ctx, { strAccessor, nStart, nCount }) => {
      const { items } = ctx.iterators.get<ChunkResult>(CHUNK_KIND, strAccessor, ctx.owner);
      const start = Math.max(0, nStart);
      const page = items.slice(start, start + Math.max(0, nCount));
      return { pChunk: iteratorArrayJson(page), PxgRetVal: page.length };
    },
  },
  Release: {
    rights: [],
    handler: (ctx, { strAccessor }) => {
      ctx.iterators.release(CHUNK_KIND, strAccessor, ctx.owner);
      return {};
    },
  },
});
