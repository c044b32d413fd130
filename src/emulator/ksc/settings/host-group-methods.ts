import type { MethodDefinition } from '../method.ts';

/** `HostGroup` methods of the host settings storage (`SS_GetNames`, `SS_Read`, `SS_Write`, …). */
export const hostSettingsMethods: Readonly<Record<string, MethodDefinition>> = {};
