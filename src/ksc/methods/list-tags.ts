import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/**
 * `ListTags`: tags of the items of one list. The list is the call's instance (`HostsTags.ListTags.GetTags`):
 * `HostsTags` (item ids are host ids, strings), `InventoryTags` and `UmdmDeviceTags` (integer ids); pass it as
 * the call's `instance` option. `pParams` is reserved everywhere but `SetTags`.
 */
export const listTagsMethods = {
  /** Every tag of the list. */
  'ListTags.GetAllTags': kscMethod({
    args: z.strictObject({ pParams: arg.params().optional() }),
    reply: z.looseObject({ PxgRetVal: out.strings() }),
  }),
  /** Adds a tag (non-empty) that items can then be given. */
  'ListTags.AddTag': kscMethod({
    args: z.strictObject({ szwTagValue: arg.string(), pParams: arg.params().optional() }),
    reply: noReply(),
  }),
  /** Deletes tags, from the list and from every item that had them. */
  'ListTags.DeleteTags2': kscMethod({
    args: z.strictObject({ pTagValue: arg.strings(), pParams: arg.params().optional() }),
    reply: noReply(),
  }),
  /** Renames a tag, on every item that has it. */
  'ListTags.RenameTag': kscMethod({
    args: z.strictObject({
      szwOldTagValue: arg.string(),
      szwNewTagValue: arg.string(),
      pParams: arg.params().optional(),
    }),
    reply: noReply(),
  }),
  /** The tags of items: `{KLTAGS_ITEM_ID, KLTAGS_TAGS: [tag…]}` per id asked for. */
  'ListTags.GetTags': kscMethod({
    args: z.strictObject({
      pIdArray: z.array(z.union([z.string(), z.int()])),
      pParams: arg.params().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /**
   * Sets and resets tags of items: `{KLTAGS_ITEM_ID, KLTAGS_TAGS: [{KLTAGS_VALUE, KLTAGS_SET}]}` each;
   * `pParams.KLTAGS_FULL_REPLACE` true replaces an item's tags with the ones set.
   */
  'ListTags.SetTags': kscMethod({
    args: z.strictObject({ pListItemsTags: z.array(arg.params()), pParams: arg.params().optional() }),
    reply: noReply(),
  }),
} as const;
