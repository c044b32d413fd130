import type { KscWorld } from '../world.ts';
import { storedSetting } from '../server-settings/store.ts';

/** The setting `FileCategorizer2` keeps a server's custom categories in. */
export const CATEGORIES_SETTING = 'file-categories';

/** How far a server's custom categories have changed: what their group synchronization delivers. */
export interface CategoriesModification {
  /** The modification counter (`GetCategoriesModificationCounter`): 0 before the first change. */
  readonly counter: number;
  /** When they last changed, epoch ms; `undefined` before the first change. */
  readonly modifiedAt: number | undefined;
}

export async function categoriesModification(
  world: KscWorld,
  vserverId: number,
): Promise<CategoriesModification> {
  const stored = await storedSetting(world, vserverId, CATEGORIES_SETTING);
  const modifiedAt = stored?.['modifiedAt'];
  return {
    counter: Number(stored?.['counter'] ?? 0),
    modifiedAt: modifiedAt instanceof Date ? modifiedAt.getTime() : undefined,
  };
}
