import { SEVERITY, findProduct, makeHostActionEvent, type Severity } from '../world/index.ts';
import type { HostRecord } from '../world/model.ts';
import type { KscWorld } from '../world.ts';
import { hostAccounts } from '../users/accounts.ts';
import type { ListItem } from './items.ts';

/**
 * The events a host's security application publishes about files in its Quarantine, Backup and TIF storage.
 * Quarantine, deletion and (dis)infection use the event types and parameters of the event history
 * (`GNRL_EA_PARAM_1…4` = object, threat, user, threat type); a restore and a clean rescan have types of their
 * own (decisions/0007).
 */
export type ListEventKind = 'quarantined' | 'restored' | 'deleted' | 'cured' | 'notCured' | 'clean';

interface EventShape {
  readonly type: string;
  readonly displayName: string;
  readonly severity: Severity;
  readonly eaId: number;
  describe(object: string, threat: string, host: string, list: string): string;
}

const SHAPES: Readonly<Record<ListEventKind, EventShape>> = {
  quarantined: {
    type: 'GNRL_EV_OBJECT_QUARANTINED',
    displayName: 'Object moved to quarantine',
    severity: SEVERITY.INFO,
    eaId: 4100,
    describe: (o, t, h) => `Object ${o} (${t}) was moved to quarantine on device '${h}'.`,
  },
  deleted: {
    type: 'GNRL_EV_OBJECT_DELETED',
    displayName: 'Object deleted',
    severity: SEVERITY.INFO,
    eaId: 4101,
    describe: (o, t, h) => `Object ${o} (${t}) was deleted on device '${h}'.`,
  },
  cured: {
    type: 'GNRL_EV_OBJECT_CURED',
    displayName: 'Object disinfected',
    severity: SEVERITY.INFO,
    eaId: 4102,
    describe: (o, t, h) => `Object ${o} (${t}) was disinfected on device '${h}'.`,
  },
  notCured: {
    type: 'GNRL_EV_OBJECT_NOTCURED',
    displayName: 'Object not disinfected',
    severity: SEVERITY.ERROR,
    eaId: 4103,
    describe: (o, t, h) => `Object ${o} (${t}) could not be disinfected on device '${h}'.`,
  },
  restored: {
    type: 'GNRL_EV_OBJECT_RESTORED',
    displayName: 'Object restored',
    severity: SEVERITY.INFO,
    eaId: 4114,
    describe: (o, _t, h, list) => `Object ${o} was restored from ${list} on device '${h}'.`,
  },
  clean: {
    type: 'GNRL_EV_OBJECT_NOT_INFECTED',
    displayName: 'Object is not infected',
    severity: SEVERITY.INFO,
    eaId: 4115,
    describe: (o, _t, h, list) => `Rescan of ${list} on device '${h}' found object ${o} not infected.`,
  },
};

/** The account the host's user works under, as detections name it (`DOMAIN\user`). */
function userOf(host: HostRecord): string {
  return hostAccounts(host).find((account) => account.loggedOn)?.dn ?? '';
}

/** Records the event of `kind` about `item`, dated `at`; nothing when the host is gone or has no agent. */
export async function recordListEvent(
  world: KscWorld,
  item: ListItem,
  kind: ListEventKind,
  at: number,
): Promise<void> {
  const host = world.hosts.get(item.hostId);
  if (host === undefined) return;
  const shape = SHAPES[kind];
  const threat = item.threat ?? '';
  const hostName = String(host.attributes['KLHST_WKS_DN'] ?? host.id);
  const spec = {
    type: shape.type,
    displayName: shape.displayName,
    severity: shape.severity,
    eaId: shape.eaId,
    description: shape.describe(item.path, threat, hostName, item.list),
    attributes: {
      GNRL_EA_PARAM_1: item.path,
      GNRL_EA_PARAM_2: threat,
      GNRL_EA_PARAM_3: userOf(host),
      GNRL_EA_PARAM_4: item.threatType ?? '',
    },
  };
  const group = world.groups.get(host.groupId);
  // The security application publishes it; a host that lost it still reports through its Network Agent.
  const installed = findProduct(host.products, item.productName) !== undefined;
  const event = makeHostActionEvent(
    host,
    group,
    world.nextEventId(),
    at,
    installed ? { ...spec, product: item.productName } : spec,
  );
  if (event !== null) await world.insertEvents([event]);
}
