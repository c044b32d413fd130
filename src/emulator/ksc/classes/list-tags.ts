import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import {
  checkedTag,
  itemId,
  itemKey,
  readTagList,
  saveTagList,
  tagListOf,
  type TagList,
} from '../tags/lists.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'write')];

function withoutTags(list: TagList, gone: ReadonlySet<string>): TagList {
  const items: Record<string, string[]> = {};
  for (const [key, tags] of Object.entries(list.items)) {
    const kept = tags.filter((t) => !gone.has(t));
    if (kept.length > 0) items[key] = kept;
  }
  return { tags: list.tags.filter((t) => !gone.has(t)), items };
}

/** One `pListItemsTags` entry checked: its item and the tags to set and reset. */
function itemChange(entry: KlParams, index: number): { id: KlValue; set: string[]; reset: string[] } {
  const argument = `pListItemsTags[${index}]`;
  const id = entry['KLTAGS_ITEM_ID'];
  const tags = entry['KLTAGS_TAGS'];
  if (id === undefined || id === null || !Array.isArray(tags)) throw faults.badParameter(argument);
  const set: string[] = [];
  const reset: string[] = [];
  for (const tag of tags as readonly unknown[]) {
    if (typeof tag !== 'object' || tag === null) throw faults.badParameter(argument);
    const t = tag as KlParams;
    const value = checkedTag(t['KLTAGS_VALUE'], argument);
    // KLTAGS_SET absent reads as "set": the reference's samples always send it, lenient clients may not.
    (t['KLTAGS_SET'] === false ? reset : set).push(value);
  }
  return { id, set, reset };
}

/**
 * `ListTags` on the lists of the reference (`HostsTags`, `InventoryTags`, `UmdmDeviceTags`), chosen by the
 * call's instance; stored per virtual server on both backends. A new world has no tags, as a new KSC has none
 * (decisions/0066).
 */
export const listTagsClass = defineClass('ListTags', {
  GetAllTags: {
    rights: READ,
    handler: async (ctx) => ({ PxgRetVal: (await readTagList(ctx, tagListOf(ctx))).tags }),
  },
  AddTag: {
    rights: WRITE,
    handler: async (ctx, { szwTagValue }) => {
      const list = tagListOf(ctx);
      const tag = checkedTag(szwTagValue, 'szwTagValue');
      const tags = await readTagList(ctx, list);
      if (!tags.tags.includes(tag)) await saveTagList(ctx, list, { ...tags, tags: [...tags.tags, tag] });
      return {};
    },
  },
  DeleteTags2: {
    rights: WRITE,
    handler: async (ctx, { pTagValue }) => {
      const list = tagListOf(ctx);
      await saveTagList(ctx, list, withoutTags(await readTagList(ctx, list), new Set(pTagValue)));
      return {};
    },
  },
  RenameTag: {
    rights: WRITE,
    handler: async (ctx, { szwOldTagValue, szwNewTagValue }) => {
      const list = tagListOf(ctx);
      const to = checkedTag(szwNewTagValue, 'szwNewTagValue');
      const tags = await readTagList(ctx, list);
      if (!tags.tags.includes(szwOldTagValue)) throw faults.notFound(`Tag '${szwOldTagValue}' not found`);
      const rename = (all: readonly string[]) => [
        ...new Set(all.map((t) => (t === szwOldTagValue ? to : t))),
      ];
      const items: Record<string, string[]> = {};
      for (const [key, itemTags] of Object.entries(tags.items)) items[key] = rename(itemTags);
      await saveTagList(ctx, list, { tags: rename(tags.tags), items });
      return {};
    },
  },
  GetTags: {
    rights: READ,
    handler: async (ctx, { pIdArray }) => {
      const list = tagListOf(ctx);
      const tags = await readTagList(ctx, list);
      return {
        PxgRetVal: pIdArray.map((id, i) => {
          const key = itemKey(ctx, list, id, `pIdArray[${i}]`);
          return { KLTAGS_ITEM_ID: itemId(list, key), KLTAGS_TAGS: tags.items[key] ?? [] };
        }),
      };
    },
  },
  SetTags: {
    rights: WRITE,
    handler: async (ctx, { pListItemsTags, pParams }) => {
      const list = tagListOf(ctx);
      const fullReplace = pParams?.['KLTAGS_FULL_REPLACE'] === true;
      const tags = await readTagList(ctx, list);
      // Checked whole before anything changes: a bad entry leaves every item as it was.
      const changes = pListItemsTags.map((entry, i) => ({
        ...itemChange(entry, i),
        key: itemKey(ctx, list, entry['KLTAGS_ITEM_ID'] as KlValue, `pListItemsTags[${i}]`),
      }));
      const known = new Set(tags.tags);
      for (const change of changes) {
        const before = fullReplace ? [] : (tags.items[change.key] ?? []);
        const after = [...new Set([...before, ...change.set])].filter(
          (t) => !change.reset.includes(t) || change.set.includes(t),
        );
        if (after.length > 0) tags.items[change.key] = after;
        else delete tags.items[change.key];
        // A tag set on an item exists from then on, as one added with AddTag.
        for (const t of change.set) {
          if (known.has(t)) continue;
          known.add(t);
          tags.tags.push(t);
        }
      }
      await saveTagList(ctx, list, tags);
      return {};
    },
  },
});
