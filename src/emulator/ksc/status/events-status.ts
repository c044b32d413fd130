import { decodeParams } from '../../../ksc/codec.ts';
import { parseWireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { MASK_BIT, STATUS_ID } from '../world/status.ts';
import { SEVERITY } from '../world/model.ts';
import type { KscWorld } from '../world.ts';
import { composeStatus, type ActiveReason } from './compose.ts';
import { EVENTS_STATUS, RESETTABLE_BITS } from './reasons.ts';
import { conditions, resetMarks, saveReset, type ResetMark } from './store.ts';

/**
 * The `KLSTS_Events` general status of a virtual server, computed from the world at the time it is asked:
 * critical and error events, failed Administration Server tasks and APS-file events since each reason's last
 * reset; hosts whose extended status holds a reason the other general statuses do not analyse; and the server
 * conditions nothing in the world drives (docs/decisions/0010).
 */

const NO_RESET: ResetMark = { afterEventId: 0, sinceTime: null };
/** Extended-status bits no other general status analyses (license, reboot, incompatible applications). */
const OTHER_REASON_BITS = (1 << MASK_BIT.LICENSE_EXPIRED) | (1 << MASK_BIT.REBOOT_REQUIRED) | (1 << 12);
/** Extended-status bit 14: the last search for OS updates was too long ago (spec §7.4). */
const WUA_OBSOLETE_BIT = 1 << 14;
const TASK_FAILED = 3;
/** How many recent server task-state events are examined for a failure. */
const TASK_EVENTS_SCANNED = 500;

function eventsAfter(world: KscWorld, vserverId: number, mark: ResetMark) {
  let query = world.db.selectFrom('events').where('vserver_id', '=', vserverId);
  if (mark.afterEventId !== null) query = query.where('id', '>', mark.afterEventId);
  if (mark.sinceTime !== null) query = query.where('rise_time', '>', mark.sinceTime);
  return query;
}

async function countEvents(
  world: KscWorld,
  vserverId: number,
  mark: ResetMark,
  where: { severity?: number; type?: string },
): Promise<number> {
  let query = eventsAfter(world, vserverId, mark);
  if (where.severity !== undefined) query = query.where('severity', '=', where.severity);
  if (where.type !== undefined) query = query.where('event_type', '=', where.type);
  const row = await query
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The latest failure of an Administration Server task since the mark: its name and id. */
async function failedServerTask(
  world: KscWorld,
  vserverId: number,
  mark: ResetMark,
): Promise<{ name: string; id: string } | undefined> {
  const rows = await eventsAfter(world, vserverId, mark)
    .where('host_id', 'is', null)
    .where('event_type', '=', 'KLPRCI_TaskState')
    .select('attrs')
    .orderBy('id', 'desc')
    .limit(TASK_EVENTS_SCANNED)
    .execute();
  for (const row of rows) {
    const attrs = decodeParams(parseWireJson(row.attrs));
    if (attrs['task_new_state'] !== TASK_FAILED) continue;
    const id = attrs['task_id'] ?? attrs['KLPRCI_TASK_TS_ID'] ?? '';
    return { name: String(attrs['task_display_name'] ?? ''), id: String(id) };
  }
  return undefined;
}

function hostCounts(world: KscWorld, vserverId: number): { wua: number; other: number } {
  let wua = 0;
  let other = 0;
  for (const host of world.hostsOf(vserverId)) {
    const mask = Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0);
    if ((mask & WUA_OBSOLETE_BIT) !== 0) wua++;
    if (host.attributes['KLHST_WKS_STATUS_ID'] !== STATUS_ID.OK && (mask & OTHER_REASON_BITS) !== 0) other++;
  }
  return { wua, other };
}

/** The reasons that hold now, each with its output parameters. */
export async function activeEventsReasons(world: KscWorld, vserverId: number): Promise<ActiveReason[]> {
  const marks = await resetMarks(world, vserverId, EVENTS_STATUS);
  const mark = (bit: number): ResetMark => marks.get(bit) ?? NO_RESET;
  const active: ActiveReason[] = [];
  const add = (bit: number, holds: boolean, params: KlParams = {}): void => {
    if (holds) active.push({ bit, params });
  };

  const critical = await countEvents(world, vserverId, mark(1), { severity: SEVERITY.CRITICAL });
  add(1, critical > 0, { KLSTS_Par_Ev_CriticalSrvEventsCnt: critical });
  const failed = await failedServerTask(world, vserverId, mark(2));
  if (failed !== undefined)
    add(2, true, { KLSTS_Par_Ev_FailedSrvTskName: failed.name, KLSTS_Par_Ev_FailedSrvTskStrId: failed.id });
  const errors = await countEvents(world, vserverId, mark(8), { severity: SEVERITY.ERROR });
  add(8, errors > 0, { KLSTS_Par_Ev_ErrorSrvEventsCnt: errors });
  const hosts = hostCounts(world, vserverId);
  add(16, hosts.wua > 0, { KLSTS_Par_Ev_WuaDataObsoleteCnt: hosts.wua });
  add(64, hosts.other > 0, { KLSTS_Par_Ev_BadStatusHostsCnt: hosts.other });
  const aps = await countEvents(world, vserverId, mark(128), { type: 'KLSRV_APS_FILE_APPEARED' });
  add(128, aps > 0);

  // Conditions set from outside the world; a resettable one stays cleared once reset after it was set.
  for (const [bit, params] of await conditions(world, vserverId, EVENTS_STATUS)) {
    if (active.some((a) => a.bit === bit)) continue;
    if (RESETTABLE_BITS.includes(bit) && marks.has(bit)) continue;
    active.push({ bit, params });
  }
  return active.sort((a, b) => a.bit - b.bit);
}

export async function eventsStatus(world: KscWorld, vserverId: number): Promise<KlParams> {
  return composeStatus(await activeEventsReasons(world, vserverId));
}

/**
 * Resets the resettable reasons in `mask` (other bits are ignored, as the documentation allows only these).
 * With `registrationTime` (the last event the administrator viewed), events risen after it count again; without
 * it, every event stored so far counts as seen.
 */
export async function resetEventsStatus(
  world: KscWorld,
  vserverId: number,
  mask: number,
  at: number,
  registrationTime: Date | undefined,
): Promise<number[]> {
  const bits = RESETTABLE_BITS.filter((bit) => (mask & bit) !== 0);
  if (bits.length === 0) return [];
  let mark: ResetMark;
  if (registrationTime !== undefined) mark = { afterEventId: null, sinceTime: registrationTime.getTime() };
  else {
    const row = await world.db
      .selectFrom('events')
      .where('vserver_id', '=', vserverId)
      .select((eb) => eb.fn.max('id').as('maxId'))
      .executeTakeFirst();
    mark = { afterEventId: Number(row?.maxId ?? 0), sinceTime: null };
  }
  for (const bit of bits) await saveReset(world, vserverId, EVENTS_STATUS, bit, at, mark);
  return bits;
}
