import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { fileChunk, fileInfo } from '../lists/item-files.ts';
import { findHostItem, isListName, type ListItem } from '../lists/items.ts';
import { need } from '../auth/rights.ts';
import { defineClass } from '../method.ts';

const READ = [need('basic', 'read')];

/** `NLSTFileOperationResult` of a file that was read (decisions/0062: the enumeration is not public). */
const READ_OK = 0;

interface ItemQuery {
  readonly listName: string;
  readonly itemId: string;
  readonly productName?: string;
  readonly productVersion?: string;
}

/** The item `itemId` (its `strId`) of the gateway's host; the KLNLST error for one it does not hold. */
async function hostItem(ctx: MethodContext, query: ItemQuery): Promise<ListItem> {
  const hostId = ctx.gateway?.hostId;
  if (hostId === undefined) throw faults.accessDenied();
  if (!canSeeDevices(ctx)) throw faults.accessDenied();
  if (!isListName(query.listName)) throw faults.badParameter('listName');
  if (!/^\d+$/.test(query.itemId)) throw faults.wrongListItem();
  const item = await findHostItem(ctx.world, hostId, query.listName, Number(query.itemId));
  // The `…2` variants go to the product that collected the list: another product holds no such item.
  if (
    item === undefined ||
    (query.productName !== undefined && query.productName !== item.productName) ||
    (query.productVersion !== undefined && query.productVersion !== item.productVersion)
  )
    throw faults.wrongListItem();
  return item;
}

function infoReply(item: ListItem, packed: boolean) {
  const { name, size } = fileInfo(item, packed);
  return { PxgRetVal: READ_OK, pFileInfo: { KLNLST_FILE_NAME: name, KLNLST_TOTAL_SIZE: size } };
}

function chunkReply(ctx: MethodContext, item: ListItem, packed: boolean, start: number, count: number) {
  if (start < 0) throw faults.badParameter('ulStartPos');
  if (count <= 0) throw faults.badParameter('lBytesToRead');
  return { PxgRetVal: READ_OK, pChunk: fileChunk(ctx.world.seedValue, item, packed, start, count) };
}

/**
 * `NagNetworkListApi`, served by the Network Agent behind a gateway connection (`KSCGW`): the files of the host's
 * Quarantine, Backup and TIF items. Coverage: every method full; the file's bytes are the world's (derived from
 * the seed and the item, of the item's `QBObjSize`), the packed form is the emulator's own (decisions/0062).
 */
export const nagNetworkListApiClass = defineClass(
  'NagNetworkListApi',
  {
    GetListItemFileInfo: {
      rights: READ,
      handler: async (ctx, args) => infoReply(await hostItem(ctx, args), args.bNeedPacked),
    },
    GetListItemFileInfo2: {
      rights: READ,
      handler: async (ctx, args) => infoReply(await hostItem(ctx, args), args.bNeedPacked),
    },
    GetListItemFileChunk: {
      rights: READ,
      handler: async (ctx, args) =>
        chunkReply(
          ctx,
          await hostItem(ctx, args),
          args.bNeedPacked,
          Number(args.ulStartPos),
          args.lBytesToRead,
        ),
    },
    GetListItemFileChunk2: {
      rights: READ,
      handler: async (ctx, args) =>
        chunkReply(
          ctx,
          await hostItem(ctx, args),
          args.bNeedPacked,
          Number(args.ulStartPos),
          args.lBytesToRead,
        ),
    },
  },
  { side: 'agent' },
);
