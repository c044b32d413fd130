import { defineClass } from '../method.ts';

/** `AppCtrlApi`: Application Control data about executable files (spec §9). */
export const appCtrlApiClass = defineClass('AppCtrlApi', {});
