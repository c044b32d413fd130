import type { AgentScheduler, AgentWork } from '../agents/scheduler.ts';
import type { Severity } from '../world/model.ts';
import { SEVERITY } from '../world/model.ts';
import type { HostRecord } from '../world/model.ts';
import { makeHostActionEvent } from '../world/events.ts';
import { ENDPOINT_AGENT } from '../world/products.ts';
import type { KscWorld } from '../world.ts';
import { isolationDurationMs } from './isolation.ts';
import { SECTION, STORAGE } from './sections.ts';
import { sectionContent } from './storage.ts';
import { isolationOf, setIsolation, storeSection, type SectionPath } from './store.ts';

/**
 * What Kaspersky Endpoint Agent does with its isolation settings. The server stores a write at once; the agent
 * picks the settings up at its next sync (`isolation.apply`) and isolates or releases the host, and ends an
 * isolation by itself when its timeout passes (`isolation.end`), writing `Enable: false` back.
 */

export const ISOLATION_WORK = Object.freeze({ APPLY: 'isolation.apply', END: 'isolation.end' });

export function isolationPath(hostId: string): SectionPath {
  return {
    hostId,
    type: STORAGE.SETTINGS,
    product: ENDPOINT_AGENT.code,
    version: ENDPOINT_AGENT.versionKey,
    section: SECTION.ISOLATION,
  };
}

/** Queues the host's current isolation settings for its next sync; a newer write replaces a pending one. */
export async function queueIsolationApply(agents: AgentScheduler, hostId: string): Promise<number> {
  await agents.cancel(ISOLATION_WORK.APPLY, hostId);
  return agents.atNextSync(hostId, ISOLATION_WORK.APPLY, {});
}

async function record(
  world: KscWorld,
  host: HostRecord,
  at: number,
  type: string,
  displayName: string,
  severity: Severity,
  description: string,
): Promise<void> {
  const event = makeHostActionEvent(host, world.groups.get(host.groupId), world.nextEventId(), at, {
    type,
    displayName,
    severity,
    description,
    product: ENDPOINT_AGENT.code,
  });
  if (event !== null) await world.insertEvents([event]);
}

function minutes(ms: number): string {
  return String(Math.round(ms / 60_000));
}

async function isolate(
  agents: AgentScheduler,
  host: HostRecord,
  at: number,
  durationMs: number,
): Promise<void> {
  const until = at + durationMs;
  await setIsolation(agents.world, host.vserverId, host.id, { since: at, until });
  await agents.cancel(ISOLATION_WORK.END, host.id);
  await agents.schedule({
    vserverId: host.vserverId,
    hostId: host.id,
    dueAt: until,
    kind: ISOLATION_WORK.END,
    payload: { since: at },
  });
}

async function release(agents: AgentScheduler, host: HostRecord, at: number, reason: string): Promise<void> {
  await setIsolation(agents.world, host.vserverId, host.id, undefined);
  await agents.cancel(ISOLATION_WORK.END, host.id);
  await record(
    agents.world,
    host,
    at,
    'KLEDR_EV_NETWORK_ISOLATION_OFF',
    'Network isolation is disabled',
    SEVERITY.INFO,
    `Network isolation of the device has been disabled (${reason}).`,
  );
}

async function apply(work: AgentWork, agents: AgentScheduler): Promise<void> {
  const world = agents.world;
  const host = work.hostId === null ? undefined : world.hosts.get(work.hostId);
  if (host === undefined) return;
  const settings = await sectionContent(world, host, isolationPath(host.id));
  const wanted = settings?.['Enable'] === true;
  const current = await isolationOf(world, host.id);
  if (wanted && settings !== undefined) {
    const duration = isolationDurationMs(settings);
    if (current === undefined) {
      await isolate(agents, host, work.dueAt, duration);
      await record(
        world,
        host,
        work.dueAt,
        'KLEDR_EV_NETWORK_ISOLATION_ON',
        'Network isolation is enabled',
        SEVERITY.WARNING,
        `Network isolation of the device has been enabled on demand; it ends automatically after ${minutes(duration)} min.`,
      );
    } else if (current.since + duration > work.dueAt) {
      // Changed settings of a running isolation: the timeout still counts from when isolation began.
      await isolate(agents, host, current.since, duration);
    } else {
      await release(agents, host, work.dueAt, 'timeout');
    }
  } else if (current !== undefined) {
    await release(agents, host, work.dueAt, 'on demand');
  }
}

async function end(work: AgentWork, agents: AgentScheduler): Promise<void> {
  const world = agents.world;
  const host = work.hostId === null ? undefined : world.hosts.get(work.hostId);
  if (host === undefined) return;
  const current = await isolationOf(world, host.id);
  const since = (work.payload as { since?: unknown } | null)?.since;
  if (current === undefined || current.since !== since) return;
  const path = isolationPath(host.id);
  const settings = await sectionContent(world, host, path);
  // The agent reports the ended isolation back: the server's copy of the settings says so too.
  if (settings !== undefined) await storeSection(world, host.vserverId, path, { ...settings, Enable: false });
  await release(agents, host, work.dueAt, 'timeout');
}

export const isolationWork = { [ISOLATION_WORK.APPLY]: apply, [ISOLATION_WORK.END]: end } as const;
