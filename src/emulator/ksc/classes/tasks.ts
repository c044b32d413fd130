import { defineClass } from '../method.ts';

/** `Tasks`: group, global and host tasks (spec §8). */
export const tasksClass = defineClass('Tasks', {});
