/**
 * Apart from the delivery so that the CLI's flags can offer the modes without loading cloudevents, which every
 * `kconnect` call would otherwise pay for (decision 0073).
 */

/** CloudEvents HTTP modes: one request per batch of events, or one per event. */
export const DELIVERY_MODES = ['batch', 'structured', 'binary'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
