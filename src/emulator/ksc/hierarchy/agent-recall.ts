import type { KlValue } from '../../../ksc/values.ts';
import type { AgentScheduler, AgentWork, WorkHandler } from '../agents/scheduler.ts';
import { updateSetting } from '../server-settings/store.ts';
import type { HostRecord } from '../world/model.ts';
import { computeHostStatus, hostFactsFromAttributes, HOST_STATE, withHostStatus } from '../world/status.ts';
import type { KscWorld } from '../world.ts';

/**
 * `VServers.RecallCertAndCloseConnections` on the simulated Network Agents (docs/decisions/0079). A Network Agent
 * holds its connection to the server while it is alive (`KLHST_WKS_STATUS` bit 8, which the instance statistics
 * count as connections, decision 0076). Recalling the virtual server's certificate drops every such connection at
 * once: the host is no longer connected and its last connection is now. The agent cannot come back with the
 * recalled certificate; it asks for the new one and reconnects at its next sync on the emulator clock
 * (`agent.reconnect`), which makes it alive again and connected then.
 */

export const AGENT_RECONNECT = 'agent.reconnect';

const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

const hasAgent = (h: HostRecord): boolean => typeof h.attributes['KLHST_WKS_NAG_VERSION'] === 'string';
const isAlive = (h: HostRecord): boolean =>
  (Number(h.attributes['KLHST_WKS_STATUS']) & HOST_STATE.AGENT_ALIVE) !== 0;

/** The host with its agent's connection set, its status recomputed so the other attributes agree. */
function withConnection(host: HostRecord, alive: boolean, at: number): HostRecord {
  const attributes: Record<string, KlValue> = {
    ...host.attributes,
    KLHST_WKS_LAST_NAGENT_CONNECTED: wholeSeconds(at),
  };
  const status = Number(attributes['KLHST_WKS_STATUS']);
  attributes['KLHST_WKS_STATUS'] = alive ? status | HOST_STATE.AGENT_ALIVE : status & ~HOST_STATE.AGENT_ALIVE;
  const recomputed = computeHostStatus(hostFactsFromAttributes(attributes, at));
  return { ...host, attributes: withHostStatus(attributes, recomputed) };
}

/**
 * Closes the connections of the virtual server's alive Network Agents and queues each one's reconnection for its
 * next sync. Resolves to how many connections were closed.
 */
export async function closeAgentConnections(
  world: KscWorld,
  agents: AgentScheduler,
  vserverId: number,
  now: number,
): Promise<number> {
  const connected = world.hostsOf(vserverId).filter((h) => hasAgent(h) && isAlive(h));
  if (connected.length === 0) return 0;
  await world.saveHosts(connected.map((h) => withConnection(h, false, now)));
  for (const host of connected) {
    // A second recall before the agent came back replaces the pending reconnection rather than doubling it.
    await agents.cancel(AGENT_RECONNECT, host.id);
    await agents.atNextSync(host.id, AGENT_RECONNECT, { recalledAt: now }, now);
  }
  return connected.length;
}

/** The agent's next sync after a recall: it takes the server's new certificate and is connected again. */
const reconnect: WorkHandler = async (work: AgentWork, agents: AgentScheduler) => {
  const host = work.hostId === null ? undefined : agents.world.hosts.get(work.hostId);
  // A host removed (or whose agent was removed) meanwhile has nothing to reconnect.
  if (host === undefined || !hasAgent(host) || isAlive(host)) return;
  await agents.world.saveHosts([withConnection(host, true, work.dueAt)]);
};

/** Scheduled work of this part, by kind. */
export const agentRecallWork: Readonly<Record<string, WorkHandler>> = { [AGENT_RECONNECT]: reconnect };

const RECALLS = 'vserver-certificate-recalls';

/**
 * Keeps the recall on the main server (one server setting, `{vserverId: {recalledAt, connectionsClosed}}`): the
 * certificate a virtual server's agents held before that time is no longer accepted. A reset forgets it.
 */
export async function recordCertificateRecall(
  world: KscWorld,
  vserverId: number,
  at: number,
  connectionsClosed: number,
): Promise<void> {
  await updateSetting(world, 0, RECALLS, (stored) => ({
    value: { ...stored, [String(vserverId)]: { recalledAt: wholeSeconds(at), connectionsClosed } },
    result: undefined,
  }));
}
