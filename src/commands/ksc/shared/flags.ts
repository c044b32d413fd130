import type { KscRight } from './vendor.ts';

/** What a command that only reads declares: it changes nothing, so running it again is always safe. */
export const READ_ONLY = { readOnly: true, destructive: false, idempotent: true } as const;

export type Operation = KscRight['operations'][number];
export type RightArea = Pick<KscRight, 'product' | 'feature'>;

/** The right areas of seed 001's permission table (product › feature). */
export const BASIC: RightArea = { product: 'Administration Server', feature: 'Basic functionality' };
export const ACL_FREE: RightArea = {
  product: 'Administration Server',
  feature: 'Access objects regardless of their ACLs',
};
export const KES_AV: RightArea = {
  product: 'Kaspersky Endpoint Security',
  feature: 'Anti-virus functionality',
};
export const KEA_HIPS: RightArea = {
  product: 'Kaspersky Endpoint Agent',
  feature: 'Host Intrusion Prevention',
};

export const EVERY_OPERATION: readonly Operation[] = [
  'Read',
  'Write',
  'Execute',
  'Perform operations on device selections',
];

export const right = (area: RightArea, ...operations: Operation[]): KscRight => ({ ...area, operations });

/** Seed 001's right of nearly every read. */
export const BASIC_READ = right(BASIC, 'Read');
/** What commands that change the server's data (groups, settings, quarantine items) need. */
export const BASIC_READ_WRITE = right(BASIC, 'Read', 'Write');
/** What reading tasks of Kaspersky Endpoint Security needs besides {@link BASIC_READ}. */
export const KES_AV_READ = right(KES_AV, 'Read');
