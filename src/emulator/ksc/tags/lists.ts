import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { requireHost } from '../inventory/host-access.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';

/**
 * The lists `ListTags` tags (the reference's "set of lists that support tags"), chosen by the call's instance.
 * Host ids are strings; inventory applications and mobile devices are numbered.
 */
export const TAG_LISTS = Object.freeze({
  HostsTags: 'string',
  InventoryTags: 'int',
  UmdmDeviceTags: 'int',
} as const);

export type TagListId = keyof typeof TAG_LISTS;

/** One list's tags: those that exist, in the order they were added, and each item's. */
export interface TagList {
  tags: string[];
  /** Item id (as text) → its tags, in the order they were set. Untagged items are absent. */
  items: Record<string, string[]>;
}

/** The list named by `Instance.ListTags.Method`; KSC has no default instance for it. */
export function tagListOf(ctx: MethodContext): TagListId {
  const instance = ctx.instance;
  if (instance === undefined || !Object.hasOwn(TAG_LISTS, instance)) {
    throw faults.notFound(
      `Unknown tag list '${instance ?? ''}': call ListTags as HostsTags, InventoryTags or UmdmDeviceTags`,
    );
  }
  return instance as TagListId;
}

/** Every list of the caller's server as stored (`server_settings`, both backends); a new world has no tags. */
async function allLists(ctx: MethodContext): Promise<Record<string, TagList>> {
  const stored = await storedSetting(ctx.world, ctx.vserverId, 'list-tags');
  return (stored?.['lists'] as Record<string, TagList> | undefined) ?? {};
}

export async function readTagList(ctx: MethodContext, list: TagListId): Promise<TagList> {
  const stored = (await allLists(ctx))[list];
  return { tags: [...(stored?.tags ?? [])], items: { ...(stored?.items ?? {}) } };
}

export async function saveTagList(ctx: MethodContext, list: TagListId, value: TagList): Promise<void> {
  const lists = await allLists(ctx);
  lists[list] = value;
  await storeSetting(ctx.world, ctx.vserverId, 'list-tags', { lists: lists as unknown as KlParams });
}

/** A tag value as KSC takes it: a non-empty string. */
export function checkedTag(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw faults.badParameter(argument);
  return value;
}

/**
 * An item id of the list, as the key it is stored under: a host of the caller's server for `HostsTags` (an
 * unknown one is KSC's "Unknown name of device"), an integer for the numbered lists.
 */
export function itemKey(ctx: MethodContext, list: TagListId, id: KlValue, argument: string): string {
  if (TAG_LISTS[list] === 'string') {
    if (typeof id !== 'string') throw faults.badParameter(argument);
    return requireHost(ctx, id).id;
  }
  const n = typeof id === 'bigint' ? Number(id) : id;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw faults.badParameter(argument);
  return String(n);
}

/** The id as the list's type: a string for hosts, an integer for the others. */
export function itemId(list: TagListId, key: string): string | number {
  return TAG_LISTS[list] === 'string' ? key : Number(key);
}
