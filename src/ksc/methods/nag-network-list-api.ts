import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `pFileInfo`: the file behind a network list item. */
const fileInfo = () =>
  z.looseObject({ KLNLST_FILE_NAME: z.string(), KLNLST_TOTAL_SIZE: z.union([z.int(), z.bigint()]) });

/** `ulStartPos` is an unsignedInt: beyond 2^31 it cannot travel as an int. */
const position = () => arg.long();

/**
 * `NagNetworkListApi`: served by the Network Agent of the host that holds a Quarantine, Backup or TIF item, so it
 * is called over a gateway connection (`KSCGW`), never on the server itself. `itemId` is the item's `strId`.
 * `PxgRetVal` is the `NLSTFileOperationResult` (0 when the file was read).
 */
export const nagNetworkListApiMethods = {
  'NagNetworkListApi.GetListItemFileInfo': kscMethod({
    args: z.strictObject({ listName: arg.string(), itemId: arg.string(), bNeedPacked: arg.bool() }),
    reply: z.looseObject({ PxgRetVal: out.int(), pFileInfo: fileInfo() }),
  }),
  /** Agents of SC 13 and later: the product that collected the list is named too; `pOptions` is reserved. */
  'NagNetworkListApi.GetListItemFileInfo2': kscMethod({
    args: z.strictObject({
      listName: arg.string(),
      itemId: arg.string(),
      productName: arg.string(),
      productVersion: arg.string(),
      bNeedPacked: arg.bool(),
      pOptions: arg.params().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.int(), pFileInfo: fileInfo() }),
  }),
  /** Up to `lBytesToRead` bytes from `ulStartPos`; fewer at the end of the file, none past it. */
  'NagNetworkListApi.GetListItemFileChunk': kscMethod({
    args: z.strictObject({
      listName: arg.string(),
      itemId: arg.string(),
      bNeedPacked: arg.bool(),
      ulStartPos: position(),
      lBytesToRead: arg.int(),
    }),
    reply: z.looseObject({ PxgRetVal: out.int(), pChunk: out.binary() }),
  }),
  'NagNetworkListApi.GetListItemFileChunk2': kscMethod({
    args: z.strictObject({
      listName: arg.string(),
      itemId: arg.string(),
      productName: arg.string(),
      productVersion: arg.string(),
      pOptions: arg.params().optional(),
      bNeedPacked: arg.bool(),
      ulStartPos: position(),
      lBytesToRead: arg.int(),
    }),
    reply: z.looseObject({ PxgRetVal: out.int(), pChunk: out.binary() }),
  }),
} as const;
