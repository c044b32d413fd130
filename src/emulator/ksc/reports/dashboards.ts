import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { KscWorld } from '../world.ts';
import { STATUS_ID } from '../world/status.ts';

/**
 * Dashboard data (`KLPPT_DASHBOARD` entries of `RequestStatisticsData`): a request key holding
 * `KLRPT_DSH_TYPE` is answered with its own parameters plus the data of that type (KSC's `admsrvstat.h`,
 * `EDashboardType`). The host-state types come from the hosts' attributes, the histograms and the top lists
 * from the events in the requested period. Types nothing in the world drives answer an empty `DSHT_DATA`.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_PERIOD_SEC = 7 * 24 * 3600;
const TOP = 10;

type Builder = (
  world: KscWorld,
  vserverId: number,
  query: KlParams,
  now: number,
) => Promise<KlParams> | KlParams;

function hostStateCounts(world: KscWorld, vserverId: number): KlParams {
  let crt = 0;
  let wrn = 0;
  let ok = 0;
  for (const h of world.hostsOf(vserverId)) {
    const id = Number(h.attributes['KLHST_WKS_STATUS_ID'] ?? 0);
    if (id === STATUS_ID.CRITICAL) crt++;
    else if (id === STATUS_ID.WARNING) wrn++;
    else ok++;
  }
  return { nCrtCount: crt, nWrnCount: wrn, nOkCount: ok };
}

function period(query: KlParams, now: number): { start: number; finish: number } {
  const seconds =
    typeof query['KLPPT_StatPeriodInSec'] === 'number' ? query['KLPPT_StatPeriodInSec'] : DEFAULT_PERIOD_SEC;
  const finishValue = query['KLPPT_StatFinishTime'];
  const finish = finishValue instanceof Date ? finishValue.getTime() : now;
  return { start: finish - seconds * 1000, finish };
}

/** Events of the period counted per day (at least one bucket), optionally of one type or severity. */
async function eventHistogram(
  world: KscWorld,
  vserverId: number,
  query: KlParams,
  now: number,
  where: { types?: readonly string[]; severity?: number },
): Promise<KlValue[]> {
  const { start, finish } = period(query, now);
  let q = world.db
    .selectFrom('events')
    .where('vserver_id', '=', vserverId)
    .where('rise_time', '>', start)
    .where('rise_time', '<=', finish);
  if (where.types !== undefined) q = q.where('event_type', 'in', where.types);
  if (where.severity !== undefined) q = q.where('severity', '=', where.severity);
  const rows = await q.select('rise_time').execute();
  const buckets = Math.max(1, Math.ceil((finish - start) / DAY_MS));
  const counts = new Array<number>(buckets).fill(0);
  for (const row of rows) {
    const index = Math.min(buckets - 1, Math.floor((Number(row.rise_time) - start) / DAY_MS));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts.map((n, i) => ({
    tmStart: new Date(start + i * DAY_MS),
    tmFinish: new Date(Math.min(finish, start + (i + 1) * DAY_MS)),
    nCount: n,
  }));
}

/** Event types of detections (spec §6): what the virus-activity widgets count. */
const DETECTION_EVENTS = [
  'GNRL_EV_VIRUS_FOUND',
  'GNRL_EV_OBJECT_NOTCURED',
  'GNRL_EV_OBJECT_CURED',
  'GNRL_EV_OBJECT_DELETED',
];

const BUILDERS: Readonly<Record<number, Builder>> = {
  1: (w, v, q, now) =>
    eventHistogram(w, v, q, now, {
      ...(typeof q['event_type'] === 'string' && q['event_type'] !== '' ? { types: [q['event_type']] } : {}),
      ...(typeof q['severity'] === 'number' && q['severity'] >= 0 ? { severity: q['severity'] } : {}),
    }).then((data) => ({ DSHT_DATA: data })),
  2: (w, v, q, now) =>
    eventHistogram(w, v, q, now, { types: DETECTION_EVENTS }).then((data) => ({ DSHT_DATA: data })),
  8: (w, v, _q, now) => ({
    DSHT_DATA: [{ tmStart: new Date(now - DAY_MS), tmFinish: new Date(now), ...hostStateCounts(w, v) }],
  }),
  12: (w, v) => ({
    DSHT_DATA: w
      .hostsOf(v)
      .map((h) => ({
        wstrName: String(h.attributes['KLHST_WKS_DN'] ?? h.id),
        nCount: Number(h.attributes['KLHST_WKS_VIRUS_COUNT'] ?? 0),
      }))
      .filter((e) => e.nCount > 0)
      .sort((a, b) => b.nCount - a.nCount || a.wstrName.localeCompare(b.wstrName))
      .slice(0, TOP),
  }),
  14: (w, v) => hostStateCounts(w, v),
  15: (w, v, q) => {
    const versions = new Map<string, number>();
    const name = typeof q['product_name'] === 'string' ? q['product_name'] : '';
    for (const h of w.hostsOf(v))
      for (const p of h.products) {
        if (name !== '' && p.name !== name) continue;
        const version = String(p.info['ProdVersion'] ?? p.version);
        versions.set(version, (versions.get(version) ?? 0) + 1);
      }
    return {
      DSHT_DATA: [...versions.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([wstrName, nCount]) => ({ wstrName, nCount })),
    };
  },
  16: (w, v, _q, now) => {
    const ages = { nCountActual: 0, nCountDay: 0, nCount3Days: 0, nCount7Days: 0, nCountOld: 0 };
    for (const h of w.hostsOf(v)) {
      const t = h.attributes['KLHST_WKS_RTP_AV_BASES_TIME'];
      if (!(t instanceof Date)) continue;
      const days = (now - t.getTime()) / DAY_MS;
      if (days < 0.5) ages.nCountActual++;
      else if (days < 1) ages.nCountDay++;
      else if (days < 3) ages.nCount3Days++;
      else if (days < 7) ages.nCount7Days++;
      else ages.nCountOld++;
    }
    return ages;
  },
  18: (w, v) => {
    const states = new Map<number, number>();
    for (const h of w.hostsOf(v)) {
      const state = Number(h.attributes['KLHST_WKS_RTP_STATE'] ?? 0);
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    return {
      DSHT_DATA: [...states.entries()]
        .sort(([a], [b]) => a - b)
        .map(([nType, nCount]) => ({ nType, nCount })),
    };
  },
};

/** Whether a request key asks for dashboard data rather than a general status. */
export function isDashboardQuery(value: KlValue | undefined): value is KlParams {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array) &&
    typeof (value as KlParams)['KLRPT_DSH_TYPE'] === 'number'
  );
}

/** The answer to one dashboard entry: its request parameters and the data of its type. */
export async function dashboardData(
  world: KscWorld,
  vserverId: number,
  query: KlParams,
  now: number,
): Promise<KlParams> {
  const builder = BUILDERS[Number(query['KLRPT_DSH_TYPE'])];
  const data = builder === undefined ? { DSHT_DATA: [] } : await builder(world, vserverId, query, now);
  return { ...query, KLPPT_StatFinishTime: new Date(now), ...data };
}
