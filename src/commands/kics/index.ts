import type { CommandDefinition } from '../core/types.ts';
import { kicsCreateDevice } from './create-device.ts';
import { kicsDeleteAllowRule } from './delete-allow-rule.ts';
import { kicsDeleteDevice } from './delete-device.ts';
import { kicsGetAbout } from './get-about.ts';
import { kicsGetDevice } from './get-device.ts';
import { kicsGetEvent } from './get-event.ts';
import { kicsGetEventTraffic } from './get-event-traffic.ts';
import { kicsListDevices } from './list-devices.ts';
import { kicsListEvents } from './list-events.ts';
import { kicsSetDeviceStatus } from './set-device-status.ts';
import { kicsTestConnection } from './test-connection.ts';
import { kicsUpdateEvent } from './update-event.ts';
import { kicsRegisterEvent } from './register-event.ts';
import { kicsListEventTypes } from './list-event-types.ts';
import { kicsListMonitoringPoints } from './list-monitoring-points.ts';
import { kicsListProtocolStacks } from './list-protocol-stacks.ts';
import { kicsGetAllowRule } from './get-allow-rule.ts';
import { kicsGetTag } from './get-tag.ts';
import { kicsGetVulnerability } from './get-vulnerability.ts';
import { kicsListAllowRules } from './list-allow-rules.ts';
import { kicsListAppMessages } from './list-app-messages.ts';
import { kicsListAudit } from './list-audit.ts';
import { kicsListTags } from './list-tags.ts';
import { kicsListVulnerabilities } from './list-vulnerabilities.ts';
import { kicsSetAllowRuleActive } from './set-allow-rule-active.ts';
import { kicsUpdateDevice } from './update-device.ts';

/**
 * The KICS for Networks commands, in the order of the reference. Adding a command is its file and one line here.
 */
export const KICS_COMMANDS: readonly CommandDefinition[] = [
  kicsTestConnection,
  kicsGetAbout,
  kicsListDevices,
  kicsGetDevice,
  kicsListEvents,
  kicsGetEvent,
  kicsGetEventTraffic,
  kicsUpdateEvent,
  kicsRegisterEvent,
  kicsListEventTypes,
  kicsListMonitoringPoints,
  kicsListProtocolStacks,
  kicsListVulnerabilities,
  kicsGetVulnerability,
  kicsListTags,
  kicsGetTag,
  kicsListAllowRules,
  kicsGetAllowRule,
  kicsSetAllowRuleActive,
  kicsDeleteAllowRule,
  kicsListAudit,
  kicsListAppMessages,
  kicsSetDeviceStatus,
  kicsUpdateDevice,
  kicsCreateDevice,
  kicsDeleteDevice,
];
