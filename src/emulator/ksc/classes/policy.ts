import { defineClass } from '../method.ts';

/** `Policy`: policies of administration groups (spec §9.1). */
export const policyClass = defineClass('Policy', {});
