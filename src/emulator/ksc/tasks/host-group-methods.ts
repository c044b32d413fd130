import type { MethodDefinition } from '../method.ts';

/** `HostGroup` methods about a host's tasks (`GetHostTasks`); `host-group.ts` serves them with the rest. */
export const hostTaskMethods: Readonly<Record<string, MethodDefinition>> = {};
