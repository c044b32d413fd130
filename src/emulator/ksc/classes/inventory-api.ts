import { defineClass } from '../method.ts';

/** `InventoryApi`: installed applications and patches (spec §9, §9.1). */
export const inventoryApiClass = defineClass('InventoryApi', {});
