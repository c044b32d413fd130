import type { KlValue } from '../../../ksc/values.ts';
import type { GroupRecord, HostRecord, ProductInstall } from './model.ts';
import { ipToKlInt, ipToKlLong, ipv4, formatIpv4 } from './ipv4.ts';
import type { LeafGroup, ServerGroupTree } from './groups.ts';
import { HostNamer, netbiosName, type DomainNames } from './names.ts';
import { OS_TABLES, computerType, platformType, type Family, type OsSpec, type Role } from './platforms.ts';
import {
  ENDPOINT_AGENT,
  KES_LINUX,
  KES_WINDOWS,
  NETWORK_AGENT,
  agentVersionId,
  makeProductInstall,
  pickBuild,
} from './products.ts';
import { WeightedTable, type Random } from '../../core/random.ts';
import { computeHostStatus, type HostFacts, type RunningRtpState } from './status.ts';

/**
 * Hosts of one server. Each host starts from a *scenario* (healthy online, healthy offline, one of the Warning
 * or Critical situations), which fixes the facts of {@link HostFacts}; the times in the attributes are derived
 * from those facts and the status attributes from the times and facts via {@link computeHostStatus}, so a host
 * whose bases are 9 days old has `KLHST_WKS_RTP_AV_BASES_TIME` 9 days back *and* mask bit 7 *and* Warning.
 *
 * Scenario weights give about 85 % OK, 10 % Warning, 5 % Critical (3 % of all hosts without a security
 * application), 20 % offline, 75 % Windows. Every host is created at least 35 days before "now", so the whole
 * 30-day event history can refer to it.
 *
 * Values are shared where they are equal: the bases date of KES is the same Date object as the host's
 * `KLHST_WKS_RTP_AV_BASES_TIME`, zero counters are the same `0n`. Dates dominate a large world's memory (about
 * 100 bytes each), and record values are never mutated in place — the server replaces attributes.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type Scenario =
  | 'ok-online'
  | 'ok-offline'
  | 'warn-full-scan'
  | 'warn-bases'
  | 'warn-reboot'
  | 'warn-license'
  | 'warn-agent-inactive'
  | 'crit-no-av'
  | 'crit-no-agent'
  | 'crit-rtp-off'
  | 'crit-av-off'
  | 'crit-detections'
  | 'crit-long-offline';

const SCENARIOS = new WeightedTable<Scenario>([
  ['ok-online', 68],
  ['ok-offline', 17],
  ['warn-full-scan', 3.5],
  ['warn-bases', 2],
  ['warn-reboot', 2.5],
  ['warn-license', 1],
  ['warn-agent-inactive', 1],
  ['crit-no-av', 2.3],
  ['crit-no-agent', 0.7],
  ['crit-rtp-off', 0.6],
  ['crit-av-off', 0.3],
  ['crit-detections', 0.6],
  ['crit-long-offline', 0.5],
]);

const RTP_PROFILES = new WeightedTable<RunningRtpState>([
  [7, 65],
  [4, 20],
  [8, 10],
  [5, 3],
  [6, 2],
]);

/** Share of the Windows hosts that also run Kaspersky Endpoint Agent (and so can be isolated). */
const ENDPOINT_AGENT_SHARE = 0.4;
const LINUX_SHARE = 0.25;
/** Share of managed hosts left in "Unassigned devices" (besides the agentless ones, which all are). */
const UNASSIGNED_SHARE = 0.02;
/** Share of hosts directly in the "Managed devices" root. */
const ROOT_SHARE = 0.01;
/** The agent's connection port, as in the seed's `KLHST_LOCATION` sample. */
const AGENT_PORT = 15000;

/** Durations and facts chosen for one host before any timestamp is fixed. */
interface Plan {
  online: boolean;
  /** How long ago the host was last seen; 0 when online. */
  offlineMs: number;
  agent: boolean;
  agentAlive: boolean;
  /** Online but agent inactive: how long ago the agent last connected. */
  agentSilentMs: number;
  av: boolean;
  avRunning: boolean;
  rtpRunning: boolean;
  /** Time between the last bases install and the agent's last connection (update failures make it long). */
  basesStaleMs: number;
  /** How long ago the last full scan ran; `null` for never. */
  fullScanAgeMs: number | null;
  recentDetections: boolean;
  virusCount: number;
  uncured: number;
  reboot: boolean;
  licenseExpired: boolean;
}

function basePlan(rng: Random, onlineChance: number, maxOfflineMs = 5.5 * DAY_MS): Plan {
  const online = rng.chance(onlineChance);
  return {
    online,
    offlineMs: online ? 0 : rng.between(HOUR_MS, maxOfflineMs),
    agent: true,
    agentAlive: online,
    agentSilentMs: 0,
    av: true,
    avRunning: true,
    rtpRunning: true,
    basesStaleMs: rng.between(0, 4 * HOUR_MS),
    fullScanAgeMs: rng.between(0.2 * DAY_MS, 14 * DAY_MS),
    // Detections counted since the last reset but too old to matter for the status.
    recentDetections: false,
    virusCount: rng.chance(0.06) ? rng.int(1, 5) : 0,
    uncured: 0,
    reboot: false,
    licenseExpired: false,
  };
}

function planFor(scenario: Scenario, rng: Random): Plan {
  switch (scenario) {
    case 'ok-online':
      return basePlan(rng, 1);
    case 'ok-offline':
      return basePlan(rng, 0);
    case 'warn-full-scan':
      return {
        ...basePlan(rng, 0.8),
        fullScanAgeMs: rng.chance(0.4) ? null : rng.between(31 * DAY_MS, 150 * DAY_MS),
      };
    case 'warn-bases': {
      // Either away for a week or two (bases froze when it left) or online with updates failing.
      const away = rng.chance(0.7);
      const plan = basePlan(rng, away ? 0 : 1);
      if (away) plan.offlineMs = rng.between(7.6 * DAY_MS, 12 * DAY_MS);
      else plan.basesStaleMs = rng.between(7.6 * DAY_MS, 12.3 * DAY_MS);
      return plan;
    }
    case 'warn-reboot':
      return { ...basePlan(rng, 0.85), reboot: true };
    case 'warn-license':
      return { ...basePlan(rng, 0.8), licenseExpired: true };
    case 'warn-agent-inactive':
      // Short silences only: after a week the frozen bases would make the host Critical instead.
      return { ...basePlan(rng, 1), agentAlive: false, agentSilentMs: rng.between(2 * HOUR_MS, 6 * DAY_MS) };
    case 'crit-no-av':
      return { ...basePlan(rng, 0.75), av: false, avRunning: false, rtpRunning: false, fullScanAgeMs: null };
    case 'crit-no-agent': {
      const plan = basePlan(rng, 0.6);
      return {
        ...plan,
        agent: false,
        agentAlive: false,
        av: false,
        avRunning: false,
        rtpRunning: false,
        fullScanAgeMs: null,
        virusCount: 0,
      };
    }
    case 'crit-rtp-off':
      return { ...basePlan(rng, 0.85), rtpRunning: false };
    case 'crit-av-off':
      return { ...basePlan(rng, 0.85), avRunning: false, rtpRunning: false };
    case 'crit-detections': {
      const plan = basePlan(rng, 0.9);
      return {
        ...plan,
        recentDetections: true,
        virusCount: rng.int(1, 30),
        uncured: rng.chance(0.35) ? rng.int(1, 4) : 0,
      };
    }
    case 'crit-long-offline':
      return { ...basePlan(rng, 0), offlineMs: rng.between(15 * DAY_MS, 120 * DAY_MS) };
  }
}

const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Inputs of {@link generateHosts}. */
export interface HostGenerationOptions {
  readonly rng: Random;
  readonly vserverId: number;
  readonly tree: ServerGroupTree;
  readonly domain: DomainNames;
  readonly count: number;
  readonly now: number;
}

interface Placement {
  readonly group: GroupRecord;
  readonly leaf: LeafGroup | null;
  readonly unassigned: boolean;
  /** Key of the address pool the host's IP comes from. */
  readonly pool: number;
}

/** Generates `count` hosts of one server. */
export function generateHosts(options: HostGenerationOptions): HostRecord[] {
  const { rng, tree, domain, now, vserverId } = options;
  const namer = new HostNamer(rng);
  const groupsById = new Map(tree.groups.map((group) => [group.id, group] as const));
  const root = groupsById.get(tree.roots.managed);
  const unassigned = groupsById.get(tree.roots.unassigned);
  const workgroup = groupsById.get(tree.roots.workgroup);
  if (root === undefined || unassigned === undefined || workgroup === undefined) {
    throw new Error(`group tree of server ${vserverId} lacks its well-known groups`);
  }
  const leafTables = leafTablesFor(tree.leaves);
  const poolOfLeaf = new Map(tree.leaves.map((leaf, index) => [leaf.group.id, index + 1] as const));
  const nextAddress = new Map<number, number>();
  const hosts: HostRecord[] = [];

  const place = (family: Family, scenario: Scenario): Placement => {
    const r = rng.float();
    if (scenario === 'crit-no-agent' || r < UNASSIGNED_SHARE) {
      const inWorkgroup = rng.chance(0.75);
      return { group: inWorkgroup ? workgroup : unassigned, leaf: null, unassigned: true, pool: 255 };
    }
    if (r < UNASSIGNED_SHARE + ROOT_SHARE) return { group: root, leaf: null, unassigned: false, pool: 0 };
    const leaf = leafTables[family].pick(rng);
    return { group: leaf.group, leaf, unassigned: false, pool: poolOfLeaf.get(leaf.group.id) ?? 0 };
  };

  const allocateAddress = (pool: number): number => {
    const k = nextAddress.get(pool) ?? 0;
    nextAddress.set(pool, k + 1);
    const third = (1 + Math.floor(k / 250)) & 255;
    const fourth = 2 + (k % 250);
    return pool === 255 ? ipv4(192, 168, third, fourth) : ipv4(10, pool, third, fourth);
  };

  for (let i = 0; i < options.count; i++) {
    const scenario = SCENARIOS.pick(rng);
    const family: Family = rng.chance(LINUX_SHARE) ? 'linux' : 'windows';
    const placement = place(family, scenario);
    const kind = placement.leaf?.kind ?? null;
    const role: Role =
      kind === 'servers' ||
      kind === 'windows-servers' ||
      kind === 'linux-servers' ||
      (kind === null && rng.chance(0.1))
        ? 'server'
        : 'workstation';
    const os = OS_TABLES[family][role].pick(rng);
    const name = namer.next(os, kind, placement.leaf?.site ?? null);
    const plan = planFor(scenario, rng);
    const address = allocateAddress(placement.pool);
    hosts.push(buildHost({ rng, now, vserverId, domain, placement, os, name, plan, address }));
  }
  return hosts;
}

function leafTablesFor(leaves: readonly LeafGroup[]): Record<Family, WeightedTable<LeafGroup>> {
  const branches = leaves.reduce((max, leaf) => Math.max(max, leaf.branch), 0);
  // Headquarters and the datacenter grow with the company, so they keep a fair share next to many branches.
  const scale = Math.max(1, branches / 4);
  const weight = (leaf: LeafGroup, family: Family): number => {
    const central = leaf.branch === 0;
    const windows = family === 'windows';
    switch (leaf.kind) {
      case 'workstations':
        return central ? (windows ? 10 : 0.4) * scale : windows ? 5 : 0.15;
      case 'servers':
        return central ? (windows ? 1.5 : 1) * scale : windows ? 0.6 : 0.4;
      case 'finance':
        return windows ? 3 * scale : 0;
      case 'development':
        return (windows ? 2 : 3) * scale;
      case 'windows-servers':
        return windows ? 3 * scale : 0;
      case 'linux-servers':
        return windows ? 0 : 6 * scale;
      case 'quarantine':
        return windows ? 0.3 : 0.1;
    }
  };
  return {
    windows: new WeightedTable(leaves.map((leaf) => [leaf, weight(leaf, 'windows')] as const)),
    linux: new WeightedTable(leaves.map((leaf) => [leaf, weight(leaf, 'linux')] as const)),
  };
}

interface HostInput {
  readonly rng: Random;
  readonly now: number;
  readonly vserverId: number;
  readonly domain: DomainNames;
  readonly placement: Placement;
  readonly os: OsSpec;
  readonly name: string;
  readonly plan: Plan;
  readonly address: number;
}

/** A counter as a long; zero is the shared literal, since most counters are zero and each `BigInt()` allocates. */
function counter(value: number): bigint {
  return value === 0 ? 0n : BigInt(value);
}

function ageDays(now: number, time: number): number {
  return (now - time) / DAY_MS;
}

function buildHost(input: HostInput): HostRecord {
  const { rng, now, plan, os, placement, domain, name, address } = input;
  const id = rng.guid();

  // Timeline, newest first: last seen, last agent connection, bases, scan; creation before all of them. All
  // instants are whole seconds (datetime precision) before any fact is derived from them.
  const lastVisibleRaw = plan.online ? now - rng.between(0, MINUTE_MS) : now - plan.offlineMs;
  let lastConnect = Number.NaN;
  if (plan.agent) {
    if (!plan.online) lastConnect = lastVisibleRaw - rng.between(0, 5 * MINUTE_MS);
    else if (plan.agentAlive) lastConnect = now - rng.between(0, 14 * MINUTE_MS);
    else lastConnect = now - plan.agentSilentMs;
    lastConnect = wholeSeconds(lastConnect);
  }
  const lastVisible = wholeSeconds(plan.agent ? Math.max(lastVisibleRaw, lastConnect) : lastVisibleRaw);
  const groupCreated = (placement.group.attributes['creationDate'] as Date).getTime();
  const newestCreation = Math.min(now - 35 * DAY_MS, (plan.agent ? lastConnect : lastVisible) - DAY_MS);
  // The host record appears when its Network Agent first connects, so creation is also the agent's install time.
  const created = wholeSeconds(rng.between(Math.min(groupCreated + DAY_MS, newestCreation), newestCreation));
  const basesInstalled = wholeSeconds(lastConnect - plan.basesStaleMs);
  const baseDate = wholeSeconds(basesInstalled - rng.between(30 * MINUTE_MS, 6 * HOUR_MS));
  const lastFullScan =
    plan.fullScanAgeMs === null || !plan.av || !plan.agent
      ? null
      : wholeSeconds(
          Math.max(
            created + HOUR_MS,
            Math.min(now - plan.fullScanAgeMs, lastConnect - rng.between(0, HOUR_MS)),
          ),
        );

  const createdDate = new Date(created);
  const lastVisibleDate = new Date(lastVisible);
  const products: ProductInstall[] = [];
  let agentBuild = '';
  let avBuild = '';
  let lastConnectDate: Date | null = null;
  let baseDateDate: Date | null = null;
  let basesInstalledDate: Date | null = null;
  if (plan.agent) {
    lastConnectDate = new Date(lastConnect);
    baseDateDate = new Date(baseDate);
    basesInstalledDate = new Date(basesInstalled);
    agentBuild = pickBuild(rng, NETWORK_AGENT);
    products.push(
      makeProductInstall(NETWORK_AGENT, agentBuild, {
        installTime: createdDate,
        lastUpdateTime: new Date(wholeSeconds(created + rng.float() * (lastConnect - created))),
        baseDate: null,
        baseInstallDate: null,
      }),
    );
    const avInstalledAt = wholeSeconds(
      Math.min(created + rng.between(10 * MINUTE_MS, 3 * DAY_MS), baseDate - HOUR_MS),
    );
    if (plan.av) {
      const spec = os.family === 'windows' ? KES_WINDOWS : KES_LINUX;
      avBuild = pickBuild(rng, spec);
      products.push(
        makeProductInstall(spec, avBuild, {
          installTime: new Date(avInstalledAt),
          lastUpdateTime: basesInstalledDate,
          baseDate: baseDateDate,
          baseInstallDate: basesInstalledDate,
        }),
      );
    }
    if (os.family === 'windows' && rng.chance(ENDPOINT_AGENT_SHARE)) {
      const installTime = wholeSeconds(
        Math.min(avInstalledAt + rng.between(HOUR_MS, 90 * DAY_MS), baseDate - HOUR_MS),
      );
      products.push(
        makeProductInstall(ENDPOINT_AGENT, pickBuild(rng, ENDPOINT_AGENT), {
          installTime: new Date(installTime),
          lastUpdateTime: basesInstalledDate,
          baseDate: baseDateDate,
          baseInstallDate: basesInstalledDate,
        }),
      );
    }
  }

  const withAv = plan.agent && plan.av;
  const facts: HostFacts = {
    online: plan.online,
    inGroup: !placement.unassigned,
    agentInstalled: plan.agent,
    agentAlive: plan.agent && plan.agentAlive,
    avInstalled: withAv,
    avRunning: withAv && plan.avRunning,
    rtpRunning: withAv && plan.avRunning && plan.rtpRunning,
    rtpProfile: RTP_PROFILES.pick(rng),
    basesAgeDays: withAv ? ageDays(now, baseDate) : null,
    lastFullScanDaysAgo: lastFullScan === null ? null : ageDays(now, lastFullScan),
    agentLastConnectDaysAgo: plan.agent ? ageDays(now, lastConnect) : null,
    virusesDetectedRecently: withAv && plan.recentDetections,
    uncuredCount: withAv ? plan.uncured : 0,
    rebootRequired: plan.agent && plan.reboot,
    licenseExpired: withAv && plan.licenseExpired,
  };
  const status = computeHostStatus(facts);

  const inWorkgroup = placement.unassigned && placement.group.name === 'WORKGROUP';
  const ipLong = ipToKlLong(address);
  const dnsName = name.toLowerCase();
  const dnsDomain = inWorkgroup ? '' : domain.dns;
  const attributes: Record<string, KlValue> = {
    KLHST_WKS_HOSTNAME: id,
    KLHST_WKS_DN: name,
    KLHST_WKS_GROUPID: placement.group.id,
    KLHST_WKS_FQDN: dnsDomain === '' ? dnsName : `${dnsName}.${dnsDomain}`,
    KLHST_WKS_DNSNAME: dnsName,
    KLHST_WKS_DNSDOMAIN: dnsDomain,
    KLHST_WKS_WINHOSTNAME: netbiosName(name),
    KLHST_WKS_WINDOMAIN: inWorkgroup ? 'WORKGROUP' : domain.netbios,
    // DomainType: 0 a Windows domain, 1 a workgroup.
    KLHST_WKS_WINDOMAIN_TYPE: inWorkgroup ? 1 : 0,
    KLHST_WKS_IP_LONG: ipLong,
    KLHST_WKS_IP: ipToKlInt(address),
    KLHST_WKS_CREATED: createdDate,
    KLHST_WKS_LAST_VISIBLE: lastVisibleDate,
    KLHST_WKS_LAST_INFOUDATE: lastConnectDate ?? lastVisibleDate,
    KLHST_WKS_STATUS: status.status,
    KLHST_WKS_STATUS_ID: status.statusId,
    KLHST_WKS_STATUS_MASK: status.statusMask,
    KLHST_WKS_RTP_STATE: status.rtpState,
    KLHST_WKS_RTP_ERROR_CODE: status.rtpErrorCode,
    KLHST_WKS_OS_NAME: os.name,
    KLHST_WKS_OS_VER_MAJOR: os.major,
    KLHST_WKS_OS_VER_MINOR: os.minor,
    KLHST_WKS_CTYPE: computerType(os),
    KLHST_WKS_PTYPE: platformType(os),
    KLHST_WKS_FROM_UNASSIGNED: placement.unassigned,
    KLHST_WKS_OWNER_IS_CUSTOM: false,
  };
  if (lastConnectDate !== null && baseDateDate !== null && basesInstalledDate !== null) {
    // Roaming laptops reach the server through NAT, so the address seen on connect differs.
    const roaming = os.role === 'workstation' && rng.chance(0.06);
    const connectAddress = roaming
      ? ipv4(100, 64 + rng.int(0, 63), rng.int(0, 255), rng.int(1, 254))
      : address;
    attributes['KLHST_WKS_CONNECT_IP_LONG'] = roaming ? ipToKlLong(connectAddress) : ipLong;
    attributes['KLHST_WKS_LAST_NAGENT_CONNECTED'] = lastConnectDate;
    attributes['KLHST_WKS_LAST_SYSTEM_START'] = new Date(
      wholeSeconds(Math.max(created, lastVisible - rng.between(HOUR_MS, (plan.online ? 20 : 5) * DAY_MS))),
    );
    attributes['KLHST_WKS_CPU_ARCH'] = os.cpuArch;
    attributes['KLHST_WKS_NAG_VERSION'] = agentBuild;
    attributes['KLHST_WKS_NAG_VER_ID'] = agentVersionId(agentBuild);
    attributes['KLHST_INSTANCEID'] = rng.guid();
    attributes['KLHST_LOCATION'] = `http://${formatIpv4(address)}:${AGENT_PORT}`;
    attributes['KLHST_WKS_VIRUS_COUNT'] = counter(withAv ? plan.virusCount : 0);
    attributes['KLHST_WKS_UNCURED_COUNT'] = counter(facts.uncuredCount);
    attributes['KLHST_WKS_RBT_REQUIRED'] = facts.rebootRequired;
    // Reason 1: an application update asked for the restart.
    attributes['KLHST_WKS_RBT_REQUEST_REASON'] = facts.rebootRequired ? 1 : 0;
    attributes['KLHST_WKS_ANTI_SPAM_STATUS'] = 0;
    attributes['KLHST_WKS_DLP_STATUS'] = 0;
    attributes['KLHST_WKS_COLLAB_SRVS_STATUS'] = 0;
    attributes['KLHST_WKS_EMAIL_AV_STATUS'] = 0;
    attributes['KLHST_WKS_EDR_STATUS'] = 0;
    if (os.build !== undefined) attributes['KLHST_WKS_OS_BUILD_NUMBER'] = os.build;
    if (os.releaseId !== undefined) attributes['KLHST_WKS_OS_RELEASE_ID'] = os.releaseId;
    if (os.family === 'windows') {
      attributes['KLHST_WKS_OSSP_VER_MAJOR'] = 0;
      attributes['KLHST_WKS_OSSP_VER_MINOR'] = 0;
    }
    if (withAv) {
      attributes['KLHST_WKS_RTP_AV_VERSION'] = avBuild;
      attributes['KLHST_WKS_RTP_AV_BASES_TIME'] = baseDateDate;
      attributes['KLHST_WKS_LAST_UPDATE'] = basesInstalledDate;
      if (lastFullScan !== null) attributes['KLHST_WKS_LAST_FULLSCAN'] = new Date(lastFullScan);
    }
  }
  return { id, vserverId: input.vserverId, groupId: placement.group.id, attributes, products };
}
