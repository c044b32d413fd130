import { addGroup } from './add-group.ts';
import { decodeHostStatus } from './decode-host-status.ts';
import { getIsolationState } from './get-isolation-state.ts';
import { deleteGroup } from './delete-group.ts';
import { fetchEvent } from './fetch-event.ts';
import { getExecutionFile } from './get-execution-file.ts';
import { getHostStatus } from './get-host-status.ts';
import { getOpenPorts } from './get-open-ports.ts';
import { getPolicy } from './get-policy.ts';
import { getScanResult } from './get-scan-result.ts';
import { getServerStatus } from './get-server-status.ts';
import { getTaskHistory } from './get-task-history.ts';
import { getTaskSettings } from './get-task-settings.ts';
import { getTaskStatistics } from './get-task-statistics.ts';
import { getUserByIp } from './get-user-by-ip.ts';
import { isolateHosts } from './isolate-hosts.ts';
import { listApplications } from './list-applications.ts';
import { listExecutionFiles } from './list-execution-files.ts';
import { listGroups } from './list-groups.ts';
import { listHostTasks } from './list-host-tasks.ts';
import { listHosts } from './list-hosts.ts';
import { listPatches } from './list-patches.ts';
import { listPolicies } from './list-policies.ts';
import { listRecentEvents } from './list-recent-events.ts';
import { listQuarantineFiles } from './list-quarantine-files.ts';
import { listSoftware } from './list-software.ts';
import { listUsers } from './list-users.ts';
import { moveHostsToGroup } from './move-hosts-to-group.ts';
import { quarantineFiles } from './quarantine-files.ts';
import { resolveAsset } from './resolve-asset.ts';
import { resolveHost } from './resolve-host.ts';
import { scanHosts } from './scan-hosts.ts';
import { scanQuarantinedFiles } from './scan-quarantined-files.ts';
import { testConnection } from './test-connection.ts';
import { unisolateHosts } from './unisolate-hosts.ts';
import { unquarantineFiles } from './unquarantine-files.ts';
import { waitForTask } from './wait-for-task.ts';

import type { CommandDefinition } from '../core/types.ts';

/**
 * The KSC commands, in the order of the reference: seed 001's 23 in its order, then the commands other
 * integrations offer, then kconnect's own. Adding a command is its file and one line here.
 */
export const KSC_COMMANDS: readonly CommandDefinition[] = [
  // Seed 001 (D3 SOAR).
  fetchEvent,
  getExecutionFile,
  getHostStatus,
  getOpenPorts,
  getScanResult,
  getTaskHistory,
  getTaskSettings,
  getTaskStatistics,
  getUserByIp,
  isolateHosts,
  listApplications,
  listExecutionFiles,
  listGroups,
  listHosts,
  listHostTasks,
  listQuarantineFiles,
  listUsers,
  quarantineFiles,
  scanHosts,
  scanQuarantinedFiles,
  unisolateHosts,
  unquarantineFiles,
  testConnection,
  // Cortex XSOAR and FortiSOAR.
  addGroup,
  deleteGroup,
  moveHostsToGroup,
  listPolicies,
  getPolicy,
  listSoftware,
  listPatches,
  // kconnect.
  resolveHost,
  resolveAsset,
  waitForTask,
  getServerStatus,
  decodeHostStatus,
  getIsolationState,
  listRecentEvents,
];
