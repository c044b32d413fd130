/** The deterministic seeded world of the KICS for Networks emulator (decisions/0031). */
export {
  generateKicsWorld,
  kscCounterparts,
  type KicsWorld,
  type KicsWorldOptions,
  type KicsWorldSummary,
  type KscCounterpartLink,
} from './generate.ts';
export { createLiveKicsGenerator, type LiveKicsGenerator } from './live.ts';
export {
  EventFactory,
  KICS_EVENT_HISTORY_DAYS,
  generateEventHistory,
  type EventEntry,
  type EventWorld,
} from './events.ts';
export { EVENT_TYPE, EVENT_TYPES, eventTypeOf, keepsTraffic } from './event-types.ts';
export { PROTOCOL_STACKS, captureProtocolOf, portOf, stackNamed } from './protocol-stacks.ts';
export { CVES, type CveRecord } from './cves.ts';
export { counterpartCountFor, pickCounterparts, type KscCounterpart } from './counterparts.ts';
export { cellCountFor, layOutSite, type Cell, type SiteLayout } from './site.ts';
export type { DeviceView } from './devices.ts';
export { parseKicsTime, utcTime, zonelessTime } from '../times.ts';
