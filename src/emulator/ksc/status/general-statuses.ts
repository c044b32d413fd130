import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { KscWorld } from '../world.ts';
import { MASK_BIT } from '../world/status.ts';
import { STATUS_LEVEL, type StatusLevel } from './reasons.ts';

/**
 * The general statuses other than `KLSTS_Events` (KSC's `admsrvstat.h` names the sections, their parameters and
 * their reason bits): each is computed from the hosts' extended status (`KLHST_WKS_STATUS_MASK`) at the time it
 * is asked, so it agrees with what `HostGroup` shows of the same hosts. The levels are ours (docs/decisions/0061).
 */

type Section = (world: KscWorld, vserverId: number) => KlParams;

const has = (mask: number, bit: number): boolean => (mask & (1 << bit)) !== 0;

function masks(world: KscWorld, vserverId: number): number[] {
  return world.hostsOf(vserverId).map((h) => Number(h.attributes['KLHST_WKS_STATUS_MASK'] ?? 0));
}

function count(values: readonly number[], bit: number): number {
  return values.filter((m) => has(m, bit)).length;
}

/** A section's answer: its counters, the reason bits that hold, and the worst level among them. */
function status(
  reasons: ReadonlyArray<[bit: number, holds: boolean, level: StatusLevel]>,
  counters: KlParams,
): KlParams {
  let mask = 0;
  let level: StatusLevel = STATUS_LEVEL.OK;
  for (const [bit, holds, reasonLevel] of reasons) {
    if (!holds) continue;
    mask |= bit;
    if (reasonLevel > level) level = reasonLevel;
  }
  return { KLSTS_Par_Status: level, KLSTS_Par_StatusReasonMask: mask, ...counters };
}

const { WARNING, CRITICAL } = STATUS_LEVEL;

const deployment: Section = (world, vserverId) => {
  const m = masks(world, vserverId);
  const withAv = m.length - count(m, MASK_BIT.NO_AV);
  const expired = count(m, MASK_BIT.LICENSE_EXPIRED);
  return status(
    [
      [0x01, withAv < m.length, CRITICAL],
      [0x20, expired > 0, WARNING],
    ],
    {
      KLSTS_Par_Dpl_HostsInGroups: m.length,
      KLSTS_Par_Dpl_HostsWithAVP: withAv,
      KLSTS_Par_Dpl_LicExparedCnt: expired,
    },
  );
};

const updates: Section = (world, vserverId) => {
  const hosts = world.hostsOf(vserverId);
  const m = masks(world, vserverId);
  const notUpdated = count(m, MASK_BIT.OLD_BASES);
  // The server's own update is the newest bases any of its hosts received: the hosts update from it.
  let last = 0;
  for (const h of hosts) {
    const t = h.attributes['KLHST_WKS_RTP_AV_BASES_TIME'];
    if (t instanceof Date && t.getTime() > last) last = t.getTime();
  }
  const counters: Record<string, KlValue> = { KLSTS_Par_Upd_NotUpdatesCnt: notUpdated };
  if (last > 0) counters['KLSTS_Par_Upd_LastSrvUpdateTime'] = new Date(last);
  return status([[0x02, notUpdated > 0, WARNING]], counters);
};

const protection: Section = (world, vserverId) => {
  const m = masks(world, vserverId);
  const counters = {
    KLSTS_Par_Prt_AvpNotRunningCnt: count(m, MASK_BIT.AV_NOT_RUNNING),
    KLSTS_Par_Prt_RtpNotRunningCnt: count(m, MASK_BIT.RTP_NOT_RUNNING),
    KLSTS_Par_Prt_RtpLevelChangedCnt: count(m, MASK_BIT.RTP_LEVEL_DIFFERS),
    KLSTS_Par_Prt_NoncuresHstCnt: count(m, MASK_BIT.UNCURED_OBJECTS),
    KLSTS_Par_Prt_TooManyThreadsCnt: count(m, MASK_BIT.VIRUSES_DETECTED),
  };
  return status(
    [
      [0x01, counters.KLSTS_Par_Prt_AvpNotRunningCnt > 0, CRITICAL],
      [0x02, counters.KLSTS_Par_Prt_RtpNotRunningCnt > 0, CRITICAL],
      [0x04, counters.KLSTS_Par_Prt_RtpLevelChangedCnt > 0, WARNING],
      [0x08, counters.KLSTS_Par_Prt_NoncuresHstCnt > 0, CRITICAL],
      [0x10, counters.KLSTS_Par_Prt_TooManyThreadsCnt > 0, WARNING],
    ],
    counters,
  );
};

const fullScan: Section = (world, vserverId) => {
  let never = 0;
  let lately = 0;
  for (const h of world.hostsOf(vserverId)) {
    const scanned = h.attributes['KLHST_WKS_LAST_FULLSCAN'] instanceof Date;
    if (!scanned) never++;
    else if (has(Number(h.attributes['KLHST_WKS_STATUS_MASK'] ?? 0), MASK_BIT.OLD_FULL_SCAN)) lately++;
  }
  return status(
    [
      [0x01, lately > 0, WARNING],
      [0x02, never > 0, WARNING],
    ],
    { KLSTS_Par_Scn_NotScannedLatelyCnt: lately, KLSTS_Par_Scn_NeverScannedCnt: never },
  );
};

const administration: Section = (world, vserverId) => {
  const m = masks(world, vserverId);
  const notConnected = count(m, MASK_BIT.OLD_LAST_CONNECT);
  const lost = count(m, MASK_BIT.AGENT_INACTIVE);
  return status(
    [
      [0x01, notConnected > 0, WARNING],
      [0x02, lost > 0, CRITICAL],
    ],
    {
      KLSTS_Par_Adm_FoundHstCnt: m.length,
      KLSTS_Par_Adm_GrpCnt: world.groupsOf(vserverId).length,
      KLSTS_Par_Adm_GrpHstCnt: m.length,
      KLSTS_Par_Adm_NotConnectedLongTimeCnt: notConnected,
      KLSTS_Par_Adm_ControlLostCnt: lost,
    },
  );
};

/** The sections `RequestStatisticsData` answers besides `KLSTS_Events`, by their key. */
export const GENERAL_STATUSES: Readonly<Record<string, Section>> = Object.freeze({
  KLSTS_Deployment: deployment,
  KLSTS_Updates: updates,
  KLSTS_Protection: protection,
  KLSTS_FullScan: fullScan,
  KLSTS_Administration: administration,
});
