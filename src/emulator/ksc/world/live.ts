import type { EventRecord, GroupRecord, HostRecord, VServerRecord } from './model.ts';
import { eventTypesFor, makeLiveEvent } from './events.ts';
import { HOST_STATE } from './status.ts';
import { Random } from '../../core/random.ts';

/**
 * Live mode: new events appended to a running world. The world is described structurally (the emulator's
 * `KscWorld` fits) so this module does not depend on the store.
 */

/** What live mode needs from the running world. */
export interface LiveEventTarget {
  readonly vservers: ReadonlyMap<number, VServerRecord>;
  readonly groups: ReadonlyMap<number, GroupRecord>;
  readonly hosts: ReadonlyMap<string, HostRecord>;
  hostsOf(vserverId: number): readonly HostRecord[];
  /** Hands out the next `event_db_id`. */
  nextEventId(): number;
  /** Stores events; resolves to how many were stored. */
  insertEvents(events: Iterable<EventRecord>): Promise<number>;
}

/** Appends live events to a world. */
export interface LiveEvents {
  /** Adds `count` events risen at `now`, all from `hostId` when given, else from hosts drawn at random. */
  add(count: number, now: number, hostId?: string): Promise<number>;
}

/** Tries per event to find a random host that is online (offline hosts publish nothing). */
const ONLINE_TRIES = 8;

/** Creates the live-event source of a world; events draw from a stream seeded by `seed`. */
export function createLiveEvents(world: LiveEventTarget, seed: number): LiveEvents {
  const rng = Random.derive(seed, 'live');

  const randomHost = (): HostRecord | undefined => {
    let total = 0;
    for (const id of world.vservers.keys()) total += world.hostsOf(id).length;
    if (total === 0) return undefined;
    let fallback: HostRecord | undefined;
    for (let attempt = 0; attempt < ONLINE_TRIES; attempt++) {
      let index = Math.floor(rng.float() * total);
      for (const id of world.vservers.keys()) {
        const hosts = world.hostsOf(id);
        if (index < hosts.length) {
          const host = hosts[index];
          fallback ??= host;
          const status = host?.attributes['KLHST_WKS_STATUS'];
          if (host !== undefined && typeof status === 'number' && (status & HOST_STATE.VISIBLE) !== 0)
            return host;
          break;
        }
        index -= hosts.length;
      }
    }
    return fallback;
  };

  return {
    async add(count: number, now: number, hostId?: string): Promise<number> {
      const events: EventRecord[] = [];
      for (let i = 0; i < count; i++) {
        const host = hostId === undefined ? randomHost() : world.hosts.get(hostId);
        if (host === undefined) break;
        const group = world.groups.get(host.groupId);
        // Check first, so an id is only handed out for an event that is then stored.
        if (eventTypesFor(host, group, now).length === 0) continue;
        const event = makeLiveEvent(rng, host, group, world.nextEventId(), now);
        if (event !== null) events.push(event);
      }
      return events.length === 0 ? 0 : world.insertEvents(events);
    },
  };
}
