import type { KlParams } from '../../../ksc/values.ts';
import { KlDouble } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { listOperationsSince, queuedListActions } from '../lists/operations.ts';
import { eventIntake } from './event-intake.ts';
import type { AgentWork } from '../agents/scheduler.ts';
import type { HostRecord } from '../world/model.ts';
import { HOST_STATE } from '../world/status.ts';
import type { KscWorld } from '../world.ts';

/**
 * The connection, ping, sync, network-scan and transport counters of `HostGroup.GetInstanceStatistics`
 * (`KLSRV_ST_*_CNT`, `KLNLST_COUNTERS`, `KLASYNCACT_COUNTERS`, `KLTR_ST_*`, `KLFTS_ST_*`). A real server counts
 * since its process started; the emulator has no traffic of its own to count, so it derives the counters from
 * the world: every alive Network Agent pings once per sync interval, agents that went away pinged until their
 * last connection, each piece of simulated agent work is a sync. The values grow with the emulator clock and
 * agree with each other (decision 0076).
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** How long the server is taken to have run when its counters are first read: a day of traffic to report. */
const UPTIME_AT_FIRST_READ_MS = 24 * HOUR_MS;
/** KSC's default polling periods: Windows network quick poll, full poll, IP ranges, Active Directory. */
const FAST_SCAN_PERIOD_MS = 15 * MINUTE_MS;
const FULL_SCAN_PERIOD_MS = 60 * MINUTE_MS;
const DPNS_SCAN_PERIOD_MS = 420 * MINUTE_MS;
const AD_SCAN_PERIOD_MS = 60 * MINUTE_MS;
/** Bytes on the wire of one ping each way, and of one sync beyond its ping (the agent's changed sections). */
const PING_SENT_BYTES = 1_200;
const PING_RECEIVED_BYTES = 2_600;
const SYNC_SENT_BYTES = 18_000;
const SYNC_RECEIVED_BYTES = 46_000;
/** An anti-virus bases update pulled from the server's file transfer service: chunks of 64 KiB each. */
const UPDATE_CHUNKS = 6;
const CHUNK_BYTES = 65_536;

const startedAt = new WeakMap<KscWorld, number>();

/** When the server "started": fixed at the first read of a world, and again after a reset of it. */
function serverStart(ctx: MethodContext): number {
  let start = startedAt.get(ctx.world);
  if (start === undefined) {
    start = ctx.clock.now() - UPTIME_AT_FIRST_READ_MS;
    startedAt.set(ctx.world, start);
    const world = ctx.world;
    world.onReset(() => startedAt.delete(world));
  }
  return start;
}

const hasAgent = (h: HostRecord) => typeof h.attributes['KLHST_WKS_NAG_VERSION'] === 'string';
const alive = (h: HostRecord) => (Number(h.attributes['KLHST_WKS_STATUS']) & HOST_STATE.AGENT_ALIVE) !== 0;
const time = (value: unknown) => (value instanceof Date ? value.getTime() : undefined);

/** The last time a periodic job with this period ran, on a whole multiple of it. */
const lastRun = (now: number, period: number) => new Date(Math.floor(now / period) * period);

export async function serverCounters(ctx: MethodContext, vserverIds: readonly number[]): Promise<KlParams> {
  const now = ctx.clock.now();
  const start = serverStart(ctx);
  const interval = ctx.agents.options.syncIntervalMs;
  const agents = vserverIds.flatMap((id) => ctx.world.hostsOf(id)).filter(hasAgent);

  let pings = 0;
  let connectedSinceStart = 0;
  let aliveAgents = 0;
  let keepConnection = 0;
  let pingingNow = 0;
  let updates = 0;
  for (const host of agents) {
    const last = alive(host) ? now : (time(host.attributes['KLHST_WKS_LAST_NAGENT_CONNECTED']) ?? 0);
    if (alive(host)) {
      aliveAgents++;
      if (host.attributes['KLHST_WKS_KEEP_CONNECTION'] === true) keepConnection++;
      // A ping is "in progress" during the second of the host's sync phase.
      if (ctx.agents.nextSync(host.id, now - 1000) <= now) pingingNow++;
    }
    if (last > start) {
      connectedSinceStart++;
      pings += Math.floor((last - start) / interval) + 1;
    }
    if ((time(host.attributes['KLHST_WKS_LAST_UPDATE']) ?? 0) > start) updates++;
  }
  // Each agent syncs on its first connection after start, and again for each piece of work it was sent.
  const syncs = connectedSinceStart + ctx.agents.processed;
  const syncFailures = Math.min(ctx.agents.failures, syncs);
  const queued = await ctx.agents.pending();
  const pending = queued.filter((w) => w.dueAt <= now).length;
  const sessions = ctx.sessions.size;
  const actions = ctx.actions.counters();
  const chunkRequests = updates * UPDATE_CHUNKS;

  return {
    KLSRV_ST_ALL_CONS_CNT: aliveAgents + sessions,
    KLSRV_ST_NAG_CONS_CNT: aliveAgents,
    KLSRV_ST_CTLNGT_CONS_CNT: keepConnection,
    KLSRV_ST_KEEPCONN_HOSTS_CNT: keepConnection,
    KLSRV_ST_PING_CNT: pings,
    KLSRV_ST_PING_JN_CNT: pingingNow,
    KLSRV_ST_PING_REJECTED_CNT: 0,
    KLSRV_ST_PING_ERROR_CNT: 0,
    KLSRV_ST_SYNC_CNT: syncs,
    KLSRV_ST_SYNC_REAL_CNT: syncs,
    KLSRV_ST_SYNC_SUC_CNT: syncs - syncFailures,
    KLSRV_ST_SYNC_JN_CNT: 0,
    KLSRV_ST_SYNC_QUEUE_SIZE: pending,
    KLSRV_ST_NETWORK_SCANNED: true,
    KLSRV_ST_LAST_FASTNETSCAN_TIME: lastRun(now, FAST_SCAN_PERIOD_MS),
    KLSRV_ST_LAST_FULLNETSCAN_TIME: lastRun(now, FULL_SCAN_PERIOD_MS),
    KLSRV_ST_LAST_DPNSSCAN_TIME: lastRun(now, DPNS_SCAN_PERIOD_MS),
    KLSRV_ST_LAST_ADSCAN_TIME: lastRun(now, AD_SCAN_PERIOD_MS),
    KLSRV_ST_NETWORK_SCAN_PERCENT: 100,
    KLSRV_ST_FULL_SCAN_PERCENT: 100,
    KLSRV_ST_DPNS_SCAN_PERCENT: 100,
    KLSRV_ST_AD_SCAN_PERCENT: 100,
    // Empty: no domain is being scanned between two polls.
    KLSRV_ST_NETWORK_DOMAIN_SCANNED: '',
    KLNLST_COUNTERS: await networkListCounters(ctx, vserverIds, start, queued),
    KLSRV_ST_GUI_CALLS_CNT: ctx.calls.answered,
    // Console event subscriptions: every open session is a console connection; the emulator serves no event
    // subscription, so none are held, lost or retried.
    KLSRV_ST_CON_EVENTS: {
      KLSRV_ST_CON_EV_SESSION_COUNT: sessions,
      KLSRV_ST_CON_EV_SUBS_COUNT: 0,
      KLSRV_ST_CON_EV_LOST_EVENTS_COUNT: 0,
      KLSRV_ST_CON_EV_UNAVAIL_RETR_COUNT: 0,
      KLSRV_ST_CON_EV_UNSUBS_RETR_COUNT: 0,
    },
    ...(await eventIntake(ctx.world, vserverIds, start, interval)),
    KLASYNCACT_COUNTERS: {
      KLASYNCACT_ACTION_COUNT: actions.open,
      KLASYNCACT_FINALIZED_ACTION_COUNT: actions.finalized,
      KLASYNCACT_CONNECTION_COUNT: actions.owners,
      KLASYNCACT_DURATION_MSEC: BigInt(actions.finalizedDurationMs),
      KLASYNCACT_CHECK_LIMIT_VIOLATION_COUNT: 0,
      KLASYNCACT_FINALIZED_ACTION_VIOLATION_COUNT: 0,
    },
    // Every ping and every console or API session is one accepted connection.
    KLTR_ST_ACCEPTS_TOTAL: BigInt(pings + sessions),
    KLTR_ST_ACCEPTS_FAILED: 0n,
    KLTR_ST_SENT_BYTES: BigInt(
      pings * PING_SENT_BYTES + syncs * SYNC_SENT_BYTES + chunkRequests * CHUNK_BYTES,
    ),
    KLTR_ST_RECEIVED_BYTES: BigInt(pings * PING_RECEIVED_BYTES + syncs * SYNC_RECEIVED_BYTES),
    KLFTS_ST_GET_CHUNK_REQUESTS_TOTAL: BigInt(chunkRequests),
    KLFTS_ST_GET_CHUNK_REQUESTS_REJECTED: 0n,
    KLFTS_ST_TRANSMITTED_SIZE: BigInt(chunkRequests * CHUNK_BYTES),
    ...cpuShares(),
  };
}

/**
 * `KLNLST_COUNTERS`: per network list, the item operations hosts reported since the start (rescans update an
 * item, restores and deletions delete one; no list is ever cleared whole), and the transaction queue: the list
 * actions queued for the hosts' next syncs.
 */
async function networkListCounters(
  ctx: MethodContext,
  vserverIds: readonly number[],
  start: number,
  queued: readonly AgentWork[],
): Promise<KlParams> {
  const operations = await listOperationsSince(ctx.world, vserverIds, start);
  const transactions = await queuedListActions(ctx.world, queued);
  const lists = [...operations.keys()];
  return {
    KLNLST_COUNTERS_LISTS_ARRAY: lists.map((name) => ({
      KLNLST_COUNTERS_LIST_NAME: name,
      KLNLST_COUNTERS_UPDATEDITEM_CNT: BigInt(operations.get(name)?.updated ?? 0),
      KLNLST_COUNTERS_UPDATEDITEM_OP_CNT: BigInt(operations.get(name)?.updated ?? 0),
      KLNLST_COUNTERS_DELETEDITEM_CNT: BigInt(operations.get(name)?.deleted ?? 0),
      KLNLST_COUNTERS_DELETEALL_CNT: 0n,
    })),
    KLNLST_COUNTERS_TRANSQUEUE: {
      KLNLST_COUNTERS_TRANSQUEUE_TRANS_CNT: [...transactions.values()].reduce((a, b) => a + b, 0),
      KLNLST_COUNTERS_LISTS_ARRAY: lists.map((name) => ({
        KLNLST_COUNTERS_LIST_NAME: name,
        KLNLST_COUNTERS_TRANSQUEUE_LIST_TRANS_CNT: transactions.get(name) ?? 0,
        KLNLST_COUNTERS_TRANSQUEUE_LIST_PENDING: (transactions.get(name) ?? 0) > 0,
        KLNLST_COUNTERS_TRANSQUEUE_LIST_LIMITED: false,
        KLNLST_COUNTERS_TRANSQUEUE_LIST_PRELIMITED: false,
      })),
    },
  };
}

/** `KLSRV_ST_CPU_USER` / `_KERNEL`: the emulator process's own CPU time as a share of its run time, percent. */
function cpuShares(): KlParams {
  const usage = process.cpuUsage();
  const elapsedUs = Math.max(1, process.uptime() * 1e6);
  return {
    KLSRV_ST_CPU_USER: new KlDouble((100 * usage.user) / elapsedUs),
    KLSRV_ST_CPU_KERNEL: new KlDouble((100 * usage.system) / elapsedUs),
  };
}
