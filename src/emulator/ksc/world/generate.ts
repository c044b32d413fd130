import type { EventRecord, GroupRecord, HostRecord, VServerRecord, WorldOptions } from './model.ts';
import { generateEvents } from './events.ts';
import { buildGroupTree, type ServerRoots } from './groups.ts';
import { generateHosts } from './hosts.ts';
import { domainFor } from './names.ts';
import { Random } from '../../core/random.ts';

/**
 * The whole generated world: servers, groups, hosts eagerly (they are what the server indexes) and events as a
 * re-iterable lazy sequence. Every part draws from its own seeded stream (`groups/<server>`, `hosts/<server>`,
 * `events`), so the hosts do not change when only the event count does.
 */

const DAY_MS = 86_400_000;
/** Share of the hosts that goes to the virtual servers together; the main server keeps the majority. */
const VIRTUAL_SERVERS_SHARE = 0.4;

/** A generated world. */
export interface World {
  readonly vservers: readonly VServerRecord[];
  /** Groups of all servers, parents before children; ids unique across servers. */
  readonly groups: readonly GroupRecord[];
  readonly hosts: readonly HostRecord[];
  /** Well-known group ids of each server, in server order. */
  readonly roots: readonly ServerRoots[];
  /** The event history; every iteration regenerates the same events. */
  readonly events: Iterable<EventRecord>;
}

/** How many hosts each server gets: the main server first, then the virtual ones in order. */
export function splitHosts(total: number, virtualServers: number): number[] {
  if (virtualServers <= 0) return [total];
  const each = Math.floor((total * VIRTUAL_SERVERS_SHARE) / virtualServers);
  return [total - each * virtualServers, ...Array.from({ length: virtualServers }, () => each)];
}

function checkOptions(options: WorldOptions): void {
  const count = (name: string, value: number): void => {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  };
  count('hosts', options.hosts);
  count('events', options.events);
  if (!Number.isFinite(options.seed))
    throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  if (!Number.isFinite(options.now))
    throw new RangeError(`now must be a finite epoch-ms time, got ${options.now}`);
  const names = new Set<string>();
  for (const name of options.virtualServers ?? []) {
    if (name.length === 0) throw new RangeError('a virtual server needs a non-empty name');
    if (names.has(name)) throw new RangeError(`virtual server '${name}' is listed twice`);
    names.add(name);
  }
}

/** Generates the world of `options`: same seed, sizes and `now` → the same world, byte for byte. */
export function generateWorld(options: WorldOptions): World {
  checkOptions(options);
  const { seed, now } = options;
  const virtualNames = options.virtualServers ?? [];
  const vservers: VServerRecord[] = [
    { id: 0, name: '', displayName: 'Administration Server' },
    ...virtualNames.map((name, index) => ({ id: index + 1, name, displayName: name })),
  ];
  const shares = splitHosts(options.hosts, virtualNames.length);
  const installRng = Random.derive(seed, 'install');
  const mainInstalled = now - installRng.between(700, 1100) * DAY_MS;

  const groups: GroupRecord[] = [];
  const hosts: HostRecord[] = [];
  const roots: ServerRoots[] = [];
  let nextGroupId = 5;
  for (const server of vservers) {
    const count = shares[server.id] ?? 0;
    const installedAt =
      server.id === 0 ? mainInstalled : mainInstalled + installRng.between(30, 400) * DAY_MS;
    const tree = buildGroupTree({
      vserverId: server.id,
      main: server.id === 0,
      firstId: nextGroupId,
      hostCount: count,
      installedAt,
      now,
      rng: Random.derive(seed, `groups/${server.id}`),
    });
    nextGroupId = tree.nextId;
    groups.push(...tree.groups);
    roots.push(tree.roots);
    const generated = generateHosts({
      rng: Random.derive(seed, `hosts/${server.id}`),
      vserverId: server.id,
      tree,
      domain: domainFor(server.id, server.name),
      count,
      now,
    });
    for (const host of generated) hosts.push(host);
  }

  const world = { vservers, groups, hosts };
  const events: Iterable<EventRecord> = {
    [Symbol.iterator]: () => generateEvents(world, { seed, count: options.events, now }),
  };
  return { ...world, roots, events };
}
