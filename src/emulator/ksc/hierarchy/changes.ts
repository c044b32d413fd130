import { createHash } from 'node:crypto';
import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { Random } from '../../core/random.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';
import type { KscWorld } from '../world.ts';
import { secondaryServers, SERVER_VERSION, SRV_STATUS, SYNC_PERIOD_MS } from './servers.ts';

/**
 * Secondary servers registered, changed and removed through `ServerHierarchy` (docs/decisions/0068). The seeded
 * secondaries stay derived from the world (docs/decisions/0061); what clients change is stored beside them as one
 * server setting of the main server, so both backends keep it and a reset forgets it:
 * `{next, added: [records], deleted: [ids], changed: {id: {attribute: value}}}`.
 */

const SETTING = 'secondary-servers';

/**
 * How long after its registration a secondary server connects, on the emulator clock (decision 0076): an
 * administrator registers it, then its Network Agent and server reach the primary within a minute.
 */
export const CONNECT_DELAY_MS = 60_000;
/** Where the registration time is kept inside a stored record; never shown to clients. */
const REGISTERED_AT = 'emulatorRegisteredAt';

/**
 * A registered secondary as clients see it at `now`: before `CONNECT_DELAY_MS` it has never connected; after,
 * it keeps its connection and reports its version as the seeded connected secondaries do.
 */
function asSeenAt(record: KlParams, now: number): KlParams {
  const { [REGISTERED_AT]: registeredAt, ...visible } = record;
  if (!(registeredAt instanceof Date)) return visible;
  const connectedAt = registeredAt.getTime() + CONNECT_DELAY_MS;
  if (now < connectedAt) return visible;
  const lastSync = Math.max(connectedAt, Math.floor(now / SYNC_PERIOD_MS) * SYNC_PERIOD_MS);
  return {
    ...visible,
    KLSRVH_SRV_VERSION: SERVER_VERSION,
    KLSRVH_SRV_STATUS: SRV_STATUS.CONNECTED,
    KLSRVH_SRV_LAST_CONNECTED: new Date(lastSync),
  };
}

interface HierarchyChanges {
  readonly next: number;
  readonly added: readonly KlParams[];
  readonly deleted: readonly number[];
  readonly changed: Readonly<Record<string, KlParams>>;
}

/** The attributes `UpdateServer` changes, with the type each must have; other attributes are KSC's own. */
export const UPDATABLE: Readonly<Record<string, (v: KlValue | undefined) => boolean>> = {
  KLSRVH_SRV_DN: (v) => typeof v === 'string' && v.trim() !== '',
  KLSRVH_SRV_ADDR: (v) => typeof v === 'string',
  KLSRVH_SRV_GROUPID: (v) => typeof v === 'number' && Number.isInteger(v),
};

function parse(stored: KlParams | undefined, seeded: number): HierarchyChanges {
  const next = stored?.['next'];
  const added = stored?.['added'];
  const deleted = stored?.['deleted'];
  const changed = stored?.['changed'];
  return {
    next: typeof next === 'number' ? next : seeded + 1,
    added: Array.isArray(added) ? (added as KlParams[]) : [],
    deleted: Array.isArray(deleted) ? (deleted as number[]) : [],
    changed:
      changed !== undefined && changed !== null && typeof changed === 'object' && !Array.isArray(changed)
        ? (changed as Record<string, KlParams>)
        : {},
  };
}

async function load(world: KscWorld, now: number): Promise<HierarchyChanges> {
  return parse(await storedSetting(world, 0, SETTING), secondaryServers(world, now).length);
}

function save(world: KscWorld, changes: HierarchyChanges): Promise<void> {
  return storeSetting(world, 0, SETTING, {
    next: changes.next,
    added: [...changes.added],
    deleted: [...changes.deleted],
    changed: { ...changes.changed },
  });
}

/** One change at a time per world: a read-modify-write of the stored setting must not lose a concurrent one. */
const queues = new WeakMap<KscWorld, Promise<unknown>>();

function serialised<T>(world: KscWorld, change: () => Promise<T>): Promise<T> {
  const previous = queues.get(world) ?? Promise.resolve();
  const run = previous.then(change, change);
  queues.set(
    world,
    run.catch(() => undefined),
  );
  return run;
}

/** Every secondary server of the main server as clients see it now: seeded ones changed or removed, added ones. */
export async function currentSecondaries(world: KscWorld, now: number): Promise<KlParams[]> {
  const changes = await load(world, now);
  const deleted = new Set(changes.deleted);
  return [...secondaryServers(world, now), ...changes.added.map((s) => asSeenAt(s, now))]
    .filter((s) => !deleted.has(s['KLSRVH_SRV_ID'] as number))
    .map((s) => ({ ...s, ...changes.changed[String(s['KLSRVH_SRV_ID'])] }));
}

export interface Registration {
  readonly displayName: string;
  readonly groupId: number;
  /** The certificate's bytes, or their base64 as method-level binary arrives. */
  readonly certificate: Uint8Array | string;
  readonly netAddress: string;
}

/**
 * Registers a secondary server. Until it connects (`CONNECT_DELAY_MS` later) it is disconnected, without
 * version, with an empty last-connection time. A passive secondary is the one registered with an address.
 */
export function registerSecondary(world: KscWorld, now: number, registration: Registration): Promise<number> {
  return serialised(world, async () => {
    const changes = await load(world, now);
    const id = changes.next;
    const passive = registration.netAddress !== '';
    const record: KlParams = {
      KLSRVH_SRV_ID: id,
      KLSRVH_SRV_INST_ID: Random.derive(world.seedValue, `registered-server:${id}`).guid(),
      KLSRVH_SRV_ADDR: passive ? registration.netAddress.replace(/^https?:\/\//i, '') : '',
      KLSRVH_SRV_DN: registration.displayName,
      KLSRVH_SRV_GROUPID: registration.groupId,
      KLSRVH_SRV_VERSION: '',
      KLSRVH_SRV_STATUS: 0,
      KLSRVH_SRV_LAST_CONNECTED: new Date(Number.NaN),
      KLSRVH_SRV_PASSIVE: passive,
      KLSRVH_SRV_MASTER_ADDR: '',
      // What the primary pins the secondary by: a digest of the certificate it was registered with.
      [REGISTERED_AT]: new Date(now),
      KLSRVH_SRV_PUBLIC_KEY_HASH: createHash('md5')
        .update(
          typeof registration.certificate === 'string'
            ? Buffer.from(registration.certificate, 'base64')
            : registration.certificate,
        )
        .digest('hex'),
    };
    await save(world, { ...changes, next: id + 1, added: [...changes.added, record] });
    return id;
  });
}

/** Removes a secondary server; false when there is none with that id. */
export function deleteSecondary(world: KscWorld, now: number, id: number): Promise<boolean> {
  return serialised(world, async () => {
    const servers = await currentSecondaries(world, now);
    if (!servers.some((s) => s['KLSRVH_SRV_ID'] === id)) return false;
    const changes = await load(world, now);
    const { [String(id)]: _gone, ...changed } = changes.changed;
    await save(world, {
      ...changes,
      added: changes.added.filter((s) => s['KLSRVH_SRV_ID'] !== id),
      deleted: [...changes.deleted, id],
      changed,
    });
    return true;
  });
}

/** Applies `UPDATABLE` attributes to a secondary server; false when there is none with that id. */
export function updateSecondary(
  world: KscWorld,
  now: number,
  id: number,
  update: KlParams,
): Promise<boolean> {
  return serialised(world, async () => {
    const servers = await currentSecondaries(world, now);
    if (!servers.some((s) => s['KLSRVH_SRV_ID'] === id)) return false;
    const changes = await load(world, now);
    const merged = { ...changes.changed[String(id)], ...update };
    await save(world, { ...changes, changed: { ...changes.changed, [String(id)]: merged } });
    return true;
  });
}
