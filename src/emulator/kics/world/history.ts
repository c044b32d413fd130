import type { ApplicationMessage, AuditEntry, MonitoringPoint } from '../../../kics/model.ts';
import { WeightedTable, type Random } from '../../core/random.ts';
import { EventTimeline } from '../../ksc/world/timeline.ts';
import { utcTime } from '../times.ts';

/**
 * The application log and the audit log of the last 30 days: services starting and updating, sensors losing and
 * regaining traffic, users signing in, connectors receiving tokens, rules and devices edited. Ids 1…n in time
 * order. The emulator appends an audit entry for every API call that changes something and every token issued;
 * these are the history before it started.
 */

const DAY_MS = 86_400_000;
const HISTORY_DAYS = 30;

interface MessageSpec {
  readonly descriptionId: number;
  readonly status: 'Info' | 'Warning' | 'Error';
  readonly process: string;
  readonly text: (point: MonitoringPoint) => string;
}

const MESSAGES = new WeightedTable<MessageSpec>([
  [
    { descriptionId: 1001, status: 'Info', process: 'kics4net-server', text: () => 'Server service started' },
    2,
  ],
  [
    {
      descriptionId: 1101,
      status: 'Info',
      process: 'kics4net-update',
      text: () => 'Detection rules database updated',
    },
    8,
  ],
  [
    {
      descriptionId: 1102,
      status: 'Info',
      process: 'kics4net-update',
      text: () => 'Vulnerability database updated',
    },
    4,
  ],
  [
    {
      descriptionId: 1103,
      status: 'Error',
      process: 'kics4net-update',
      text: () => 'Update source is unavailable',
    },
    1,
  ],
  [
    {
      descriptionId: 1201,
      status: 'Warning',
      process: 'kics4net-sensor',
      text: (mp) => `No traffic at monitoring point ${mp.name} (${mp.nicId})`,
    },
    2,
  ],
  [
    {
      descriptionId: 1202,
      status: 'Info',
      process: 'kics4net-sensor',
      text: (mp) => `Traffic resumed at monitoring point ${mp.name}`,
    },
    2,
  ],
  [
    {
      descriptionId: 1301,
      status: 'Info',
      process: 'kics4net-epp',
      text: () => 'Endpoint protection data received from Kaspersky Security Center',
    },
    6,
  ],
  [
    {
      descriptionId: 1401,
      status: 'Warning',
      process: 'kics4net-storage',
      text: () => 'Event storage is 80% full',
    },
    0.5,
  ],
]);

interface AuditSpec {
  readonly user: string;
  readonly action: string;
  readonly result: string;
  readonly description: string;
}

const AUDIT = new WeightedTable<AuditSpec>([
  [
    {
      user: 'admin',
      action: 'SignIn',
      result: 'Success',
      description: 'User signed in to the web interface',
    },
    10,
  ],
  [
    {
      user: 'operator',
      action: 'SignIn',
      result: 'Success',
      description: 'User signed in to the web interface',
    },
    14,
  ],
  [{ user: 'operator', action: 'SignIn', result: 'Failure', description: 'Wrong user name or password' }, 2],
  [
    {
      user: 'kuma-connector',
      action: 'TokenIssued',
      result: 'Success',
      description: 'Access token issued to connector kuma-connector',
    },
    20,
  ],
  [
    {
      user: 'kuma-connector',
      action: 'TokenRefreshed',
      result: 'Success',
      description: 'Access token of connector kuma-connector extended',
    },
    30,
  ],
  [{ user: 'admin', action: 'DeviceEdited', result: 'Success', description: 'Device settings changed' }, 4],
  [
    {
      user: 'admin',
      action: 'AllowRuleEdited',
      result: 'Success',
      description: 'Allowing rule activated or deactivated',
    },
    2,
  ],
  [{ user: 'operator', action: 'EventEdited', result: 'Success', description: 'Event status changed' }, 8],
  [{ user: 'admin', action: 'ConnectorAdded', result: 'Success', description: 'Connector added' }, 0.3],
]);

export interface History {
  readonly applicationMessages: ApplicationMessage[];
  readonly auditEntries: AuditEntry[];
}

export function generateHistory(
  rng: Random,
  devices: number,
  monitoringPoints: readonly MonitoringPoint[],
  now: number,
): History {
  const start = now - HISTORY_DAYS * DAY_MS;
  const messageCount = Math.min(5000, 150 + Math.floor(devices / 50));
  const auditCount = Math.min(5000, 250 + Math.floor(devices / 40));
  const points = monitoringPoints.filter((mp) => mp.deletedTime === null);
  const applicationMessages: ApplicationMessage[] = [];
  const messageTimes = new EventTimeline(rng, messageCount, start, now);
  for (let i = 0; i < messageCount; i++) {
    const spec = MESSAGES.pick(rng);
    const point = rng.pick(points);
    applicationMessages.push({
      id: i + 1,
      date: utcTime(messageTimes.next()),
      status: spec.status,
      node: spec.process === 'kics4net-sensor' ? point.hostId : 'kics-server',
      systemProcess: spec.process,
      descriptionId: spec.descriptionId,
      description: spec.text(point),
    });
  }
  const auditEntries: AuditEntry[] = [];
  const auditTimes = new EventTimeline(rng, auditCount, start, now);
  for (let i = 0; i < auditCount; i++) {
    const spec = AUDIT.pick(rng);
    auditEntries.push({
      id: i + 1,
      date: utcTime(auditTimes.next()),
      node: 'kics-server',
      user: spec.user,
      action: spec.action,
      result: spec.result,
      description: spec.description,
    });
  }
  return { applicationMessages, auditEntries };
}
