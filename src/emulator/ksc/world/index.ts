/** The deterministic seeded world of the KSC emulator: servers, groups, hosts, events, and the rules tying them. */
export type {
  EventRecord,
  GroupRecord,
  HostRecord,
  ProductInstall,
  Severity,
  VServerRecord,
  WorldOptions,
} from './model.ts';
export { SEVERITY } from './model.ts';
export { generateWorld, splitHosts, type World } from './generate.ts';
export {
  ADMINISTRATION_SERVERS,
  MANAGED_DEVICES,
  UNASSIGNED_DEVICES,
  WORKGROUP,
  branchCountFor,
  buildGroupTree,
  type GroupTreeOptions,
  type LeafGroup,
  type LeafKind,
  type ServerGroupTree,
  type ServerRoots,
} from './groups.ts';
export { generateHosts, type HostGenerationOptions } from './hosts.ts';
export {
  EVENT_HISTORY_DAYS,
  eventTypesFor,
  generateEvents,
  makeHostStatusEvent,
  makeLiveEvent,
  makeHostActionEvent,
  makeServerActionEvent,
  type ActionEventSpec,
  type EventGenerationOptions,
  type EventWorld,
} from './events.ts';
export {
  EVENT_TYPES,
  SERVER_EVENT_TYPE,
  TASK_STATE_NAMES,
  compileTemplate,
  eventTypeSpec,
  renderTemplate,
  type CompiledTemplate,
  type EventAudience,
  type EventSource,
  type EventTypeSpec,
} from './event-types.ts';
export {
  HOST_STATE,
  MASK_BIT,
  RTP_STATE,
  STATUS_CONDITIONS,
  STATUS_ID,
  STATUS_THRESHOLDS,
  computeHostStatus,
  hostFactsFromAttributes,
  isRunningRtpState,
  statusReasons,
  withHostStatus,
  type HostFacts,
  type HostStatus,
  type RunningRtpState,
  type StatusCondition,
  type StatusId,
} from './status.ts';
export {
  ADMIN_SERVER,
  ENDPOINT_AGENT,
  KES_LINUX,
  KES_WINDOWS,
  NETWORK_AGENT,
  PRODUCTS,
  SECURITY_APPLICATION_CODES,
  agentVersionId,
  findProduct,
  productBuild,
  securityApplication,
  type ProductSpec,
} from './products.ts';
export { COMPUTER_TYPE, CPU_ARCH, PLATFORM_TYPE } from './platforms.ts';
export { formatIpv4, ipFromKlInt, ipFromKlLong, ipToKlInt, ipToKlLong, ipv4 } from './ipv4.ts';
export { domainFor, primaryUserOf, type DomainNames } from './names.ts';
export { createLiveEvents, type LiveEventTarget, type LiveEvents } from './live.ts';
