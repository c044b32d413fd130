import { addGroup } from './ksc/add-group.ts';
import { decodeHostStatus } from './ksc/decode-host-status.ts';
import { getIsolationState } from './ksc/get-isolation-state.ts';
import { deleteGroup } from './ksc/delete-group.ts';
import { fetchEvent } from './ksc/fetch-event.ts';
import { getExecutionFile } from './ksc/get-execution-file.ts';
import { getHostStatus } from './ksc/get-host-status.ts';
import { getOpenPorts } from './ksc/get-open-ports.ts';
import { getPolicy } from './ksc/get-policy.ts';
import { getScanResult } from './ksc/get-scan-result.ts';
import { getServerStatus } from './ksc/get-server-status.ts';
import { getTaskHistory } from './ksc/get-task-history.ts';
import { getTaskSettings } from './ksc/get-task-settings.ts';
import { getTaskStatistics } from './ksc/get-task-statistics.ts';
import { getUserByIp } from './ksc/get-user-by-ip.ts';
import { isolateHosts } from './ksc/isolate-hosts.ts';
import { listApplications } from './ksc/list-applications.ts';
import { listExecutionFiles } from './ksc/list-execution-files.ts';
import { listGroups } from './ksc/list-groups.ts';
import { listHostTasks } from './ksc/list-host-tasks.ts';
import { listHosts } from './ksc/list-hosts.ts';
import { listPatches } from './ksc/list-patches.ts';
import { listPolicies } from './ksc/list-policies.ts';
import { listQuarantineFiles } from './ksc/list-quarantine-files.ts';
import { listSoftware } from './ksc/list-software.ts';
import { listUsers } from './ksc/list-users.ts';
import { moveHostsToGroup } from './ksc/move-hosts-to-group.ts';
import { quarantineFiles } from './ksc/quarantine-files.ts';
import { resolveHost } from './ksc/resolve-host.ts';
import { scanHosts } from './ksc/scan-hosts.ts';
import { scanQuarantinedFiles } from './ksc/scan-quarantined-files.ts';
import { testConnection } from './ksc/test-connection.ts';
import type { CommandDefinition } from './core/types.ts';
import { unisolateHosts } from './ksc/unisolate-hosts.ts';
import { unquarantineFiles } from './ksc/unquarantine-files.ts';
import { waitForTask } from './ksc/wait-for-task.ts';

/**
 * Every command, in the order of the reference: seed 001's 23 in its order, then the commands other
 * integrations offer, then kconnect's own. The CLI, HTTP and MCP surfaces and `docs/commands.md` are generated
 * from this list: adding a command is its file and one line here.
 */
export const COMMANDS: readonly CommandDefinition[] = [
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
  waitForTask,
  getServerStatus,
  decodeHostStatus,
  getIsolationState,
];

export function commandByName(name: string): CommandDefinition | undefined {
  return COMMANDS.find((c) => c.name === name);
}
