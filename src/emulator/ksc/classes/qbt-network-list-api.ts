import { defineClass } from '../method.ts';

/** `QBTNetworkListApi`: actions on Quarantine, Backup and TIF items (spec §9.1). */
export const qbtNetworkListApiClass = defineClass('QBTNetworkListApi', {});
