import { defineClass } from '../method.ts';

/** `HostTasks`: a host's local tasks (spec §8.1). */
export const hostTasksClass = defineClass('HostTasks', {});
