import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { defineClass } from '../method.ts';
import { iteratorArrayJson } from './chunk-accessor.ts';

/** A forward result set: its items and how far the caller has read. */
interface ForwardResult {
  readonly items: readonly KlParams[];
  position: number;
}

const KIND = 'GroupSyncIterator';

/** `lTimeoutSec` 0 (or absent) means 15 minutes, as the reference says for `EnumKeys` and `AcquireKeyHosts`. */
const DEFAULT_LIFETIME_SECONDS = 900;

/** Registers a forward result set and returns `lKeyCount` and `wstrIterator`, the reply of the methods that open one. */
export function openGroupSyncIterator(
  ctx: MethodContext,
  items: readonly KlParams[],
  lifetimeSeconds: number,
) {
  const seconds = lifetimeSeconds > 0 ? lifetimeSeconds : DEFAULT_LIFETIME_SECONDS;
  const wstrIterator = ctx.iterators.create<ForwardResult>(KIND, ctx.owner, seconds, { items, position: 0 });
  return { lKeyCount: items.length, wstrIterator };
}

/**
 * `GroupSyncIterator`: the forward iterators of `LicenseKeys` and `GroupSync.GetSyncHostsInfo`. `bEOF` is true on the chunk that reaches the end:
 * the reference's sample stops reading when it is true (decisions/0066).
 */
export const groupSyncIteratorClass = defineClass('GroupSyncIterator', {
  GetNextItems: {
    rights: [],
    handler: (ctx, { szwIterator, nCount }) => {
      const result = ctx.iterators.get<ForwardResult>(KIND, szwIterator, ctx.owner);
      const page = result.items.slice(result.position, result.position + Math.max(0, nCount));
      result.position += page.length;
      return {
        bEOF: result.position >= result.items.length,
        pData: iteratorArrayJson(page),
        PxgRetVal: page.length,
      };
    },
  },
  ReleaseIterator: {
    rights: [],
    handler: (ctx, { szwIterator }) => {
      ctx.iterators.release(KIND, szwIterator, ctx.owner);
      return {};
    },
  },
});
