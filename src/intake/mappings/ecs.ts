/**
 * The `ecs` mapping: Elastic Common Schema documents (nested objects, as Elasticsearch stores them). KSC
 * detections and KICS events are alerts; asset streams are `event.kind: asset`; a gap is a `pipeline_error`.
 * Severity is kconnect's common scale (KSC's 1..4, severity.ts). `event.original` holds the vendor record as
 * JSON text when the pipeline asks for it.
 */
import { z } from 'zod';
import type { PlainJson } from '../../commands/core/types.ts';
import type { IntakeRecord, MappedDocument, Mapping, PlainObject } from '../types.ts';
import {
  kscAttackedPort,
  kscAttackerIp,
  kscAttackProtocol,
  kscBlockingRule,
  kscEventFamily,
  kscFileName,
  kscFilePath,
  kscThreatName,
  kscThreatType,
  kscUserDomain,
  kscUserName,
  type KscEventFamily,
} from './ksc-events.ts';
import { kscEventIdentity, type MappingLookups } from './identity.ts';
import { always, buildDocument, constant, shapeFor, type FieldRule, type Shape } from './rules.ts';
import { kicsSeverity } from './severity.ts';
import { isoUtc } from './time.ts';
import {
  distinct,
  idOf,
  ipv4FromHostOrder,
  macUpperHyphens,
  numberOf,
  objectOf,
  objectsOf,
  splitAccount,
  textOf,
  textsOf,
} from './values.ts';

export const ecsMappingOptionsSchema = z
  .object({
    original: z.boolean().default(false).describe('Keep the vendor record as JSON text in event.original'),
  })
  .strict();
export type EcsMappingOptions = z.input<typeof ecsMappingOptionsSchema>;

const rule = (field: string, from: string, value: FieldRule['value']): FieldRule => ({ field, from, value });

const timestamp = rule('@timestamp', 'the record time', (_d, r) => isoUtc(r.time));
const dataset = rule('event.dataset', 'the source (`ksc.events`, `kics.audit`, …)', (_d, r) => r.source);

// --- KSC events ---------------------------------------------------------------------------------------------

/** ECS categories and types by KSC event family (each type is expected for its category in ECS). */
const KSC_CATEGORIES: Readonly<Record<KscEventFamily, { category: string[]; type: string[] }>> = {
  detection: { category: ['malware'], type: ['info'] },
  remediation: { category: ['malware', 'file'], type: ['info'] },
  attack: { category: ['intrusion_detection', 'network'], type: ['denied'] },
  'launch-denied': { category: ['intrusion_detection', 'process'], type: ['denied'] },
  software: { category: ['package'], type: ['installation'] },
  other: { category: ['host'], type: ['info'] },
};

function kscSoftwareType(data: PlainObject): string[] {
  return textOf(data, 'event_type') === 'KLNAG_EV_INV_APP_UNINSTALLED' ? ['deletion'] : ['installation'];
}

const KSC_EVENT_RULES: readonly FieldRule[] = [
  timestamp,
  rule(
    'event.kind',
    '`alert` for detections, remediations, attacks, blocked launches; `event` otherwise',
    (d) => (kscEventFamily(d) === 'other' || kscEventFamily(d) === 'software' ? 'event' : 'alert'),
  ),
  rule(
    'event.category',
    'by event_type: malware, intrusion_detection + network/process, package, host',
    (d) => KSC_CATEGORIES[kscEventFamily(d)].category,
  ),
  rule('event.type', 'by event_type: info, denied, installation/deletion', (d) =>
    kscEventFamily(d) === 'software' ? kscSoftwareType(d) : KSC_CATEGORIES[kscEventFamily(d)].type,
  ),
  rule('event.id', 'event_db_id', (d) => idOf(d, 'event_db_id') ?? idOf(d, 'event_id')),
  rule('event.code', 'event_type', (d) => textOf(d, 'event_type')),
  rule('event.action', 'event_type_display_name', (d) => textOf(d, 'event_type_display_name')),
  rule('event.severity', 'GNRL_EA_SEVERITY (1..4)', (d) => numberOf(d, 'GNRL_EA_SEVERITY')),
  rule('event.created', 'registration_time', (d) => isoUtc(textOf(d, 'registration_time'))),
  rule('event.provider', 'product_name (KES, 1103 Network Agent, 1093 server, …)', (d) =>
    textOf(d, 'product_name'),
  ),
  constant('event.module', 'ksc'),
  dataset,
  rule('message', 'GNRL_EA_DESCRIPTION', (d) => textOf(d, 'GNRL_EA_DESCRIPTION')),
  rule('host.id', 'hostname (KLHST_WKS_HOSTNAME)', (d) => textOf(d, 'hostname')),
  rule('host.name', 'hostdn', (d) => textOf(d, 'hostdn')),
  rule('host.domain', 'domain_name', (d) => textOf(d, 'domain_name')),
  rule('group.id', 'group_id', (d) => idOf(d, 'group_id')),
  rule('group.name', 'group_name', (d) => textOf(d, 'group_name')),
  rule('file.path', 'GNRL_EA_PARAM_1 of detections, remediations, blocked launches', kscFilePath),
  rule('file.name', 'the last segment of file.path', kscFileName),
  rule(
    'threat.software.name',
    'GNRL_EA_PARAM_2 of detections (the verdict), PARAM_1 of attacks',
    kscThreatName,
  ),
  rule('threat.software.type', 'GNRL_EA_PARAM_4 of detections (threat type)', kscThreatType),
  rule('user.name', 'GNRL_EA_PARAM_3 (DOMAIN\\user) without the domain', kscUserName),
  rule('user.domain', "GNRL_EA_PARAM_3's domain", kscUserDomain),
  rule(
    'user.full_name',
    "the directory user's display name, when GNRL_EA_PARAM_3 matches one (enrichment)",
    (d, _r, l) => kscEventIdentity(d, l)?.displayName,
  ),
  rule(
    'user.email',
    "the directory user's mail, when GNRL_EA_PARAM_3 matches one (enrichment)",
    (d, _r, l) => kscEventIdentity(d, l)?.mail,
  ),
  rule(
    'user.group.name',
    "the first of the directory user's direct groups (ECS has one group per user), when GNRL_EA_PARAM_3 matches one (enrichment)",
    (d, _r, l) => kscEventIdentity(d, l)?.directGroups[0],
  ),
  rule('rule.name', 'GNRL_EA_PARAM_2 of a blocked launch (the Application Control rule)', kscBlockingRule),
  rule('source.ip', 'GNRL_EA_PARAM_3 of attacks (host-order IPv4 number → dotted)', kscAttackerIp),
  rule('destination.port', 'GNRL_EA_PARAM_4 of attacks', kscAttackedPort),
  rule('network.transport', 'GNRL_EA_PARAM_2 of attacks, lower case', kscAttackProtocol),
  constant('observer.vendor', 'Kaspersky'),
  constant('observer.product', 'Kaspersky Security Center'),
  rule('observer.version', 'product_displ_version', (d) => textOf(d, 'product_displ_version')),
  rule('related.hosts', 'hostdn', (d) => distinct([textOf(d, 'hostdn')])),
  rule('related.ip', 'source.ip', (d) => distinct([kscAttackerIp(d)])),
  rule('related.user', "user.name, and the directory user's UPN when it matches one", (d, _r, l) =>
    distinct([kscUserName(d), kscEventIdentity(d, l)?.upn]),
  ),
];

/** KSC's `KLHST_WKS_STATUS_ID` (0 OK, 1 Critical, 2 Warning) as ECS `host.risk.calculated_level` words. */
function kscHostRisk(data: PlainObject): string | undefined {
  const id = numberOf(data, 'KLHST_WKS_STATUS_ID');
  return id === 0 ? 'Low' : id === 1 ? 'Critical' : id === 2 ? 'Moderate' : undefined;
}

// --- asset streams --------------------------------------------------------------------------------------------

/** ECS event.type of an asset change (types the `host` category expects). */
function assetEventType(record: IntakeRecord): string[] {
  const change = record.kind === 'record' ? record.change : undefined;
  return change === 'changed' ? ['change'] : change === 'removed' ? ['end'] : ['info'];
}

const ASSET_RULES: readonly FieldRule[] = [
  timestamp,
  constant('event.kind', 'asset'),
  constant('event.category', ['host']),
  rule('event.type', 'the change: snapshot/added → info, changed → change, removed → end', (_d, r) =>
    assetEventType(r),
  ),
  rule('event.action', '`asset-` + the change', (_d, r) =>
    r.kind === 'record' && r.change !== undefined ? `asset-${r.change}` : undefined,
  ),
  rule('event.id', 'the record key', (_d, r) => r.key),
  dataset,
];

const KSC_HOST_RULES: readonly FieldRule[] = [
  ...ASSET_RULES,
  constant('event.module', 'ksc'),
  rule('host.id', 'KLHST_WKS_HOSTNAME', (d) => textOf(d, 'KLHST_WKS_HOSTNAME')),
  rule('host.name', 'KLHST_WKS_DN', (d) => textOf(d, 'KLHST_WKS_DN')),
  rule(
    'host.hostname',
    'KLHST_WKS_FQDN, else KLHST_WKS_DNSNAME',
    (d) => textOf(d, 'KLHST_WKS_FQDN') ?? textOf(d, 'KLHST_WKS_DNSNAME'),
  ),
  rule(
    'host.domain',
    'KLHST_WKS_WINDOMAIN, else KLHST_WKS_DNSDOMAIN',
    (d) => textOf(d, 'KLHST_WKS_WINDOMAIN') ?? textOf(d, 'KLHST_WKS_DNSDOMAIN'),
  ),
  rule('host.ip', 'KLHST_WKS_IP_LONG (host-order number → dotted)', (d) =>
    distinct([ipv4FromHostOrder(d['KLHST_WKS_IP_LONG'])]),
  ),
  rule('host.os.full', 'KLHST_WKS_OS_NAME', (d) => textOf(d, 'KLHST_WKS_OS_NAME')),
  rule('host.os.version', 'KLHST_WKS_OS_VER_MAJOR.KLHST_WKS_OS_VER_MINOR', (d) => {
    const major = numberOf(d, 'KLHST_WKS_OS_VER_MAJOR');
    return major === undefined ? undefined : `${major}.${numberOf(d, 'KLHST_WKS_OS_VER_MINOR') ?? 0}`;
  }),
  rule(
    'host.risk.calculated_level',
    'KLHST_WKS_STATUS_ID: 0 OK → Low, 2 Warning → Moderate, 1 Critical → Critical',
    kscHostRisk,
  ),
  rule('group.id', 'KLHST_WKS_GROUPID', (d) => idOf(d, 'KLHST_WKS_GROUPID')),
  constant('observer.vendor', 'Kaspersky'),
  constant('observer.product', 'Kaspersky Security Center'),
  rule('related.hosts', 'host.name, host.hostname', (d) =>
    distinct([textOf(d, 'KLHST_WKS_DN'), textOf(d, 'KLHST_WKS_FQDN') ?? textOf(d, 'KLHST_WKS_DNSNAME')]),
  ),
  rule('related.ip', 'host.ip', (d) => distinct([ipv4FromHostOrder(d['KLHST_WKS_IP_LONG'])])),
];

function deviceIps(data: PlainObject): string[] {
  return distinct(
    objectsOf(data, 'addressInformation').flatMap((entry) =>
      objectsOf(entry, 'ipAddresses').map((ip) => textOf(ip, 'ip')),
    ),
  );
}

function deviceMacs(data: PlainObject): string[] {
  return distinct(
    objectsOf(data, 'addressInformation').map((entry) => macUpperHyphens(textOf(entry, 'macAddress'))),
  );
}

/** KICS's `securityState` as ECS `host.risk.calculated_level` words. */
function kicsDeviceRisk(data: PlainObject): string | undefined {
  const state = textOf(data, 'securityState');
  return state === 'Ok'
    ? 'Low'
    : state === 'Warning'
      ? 'Moderate'
      : state === 'Critical'
        ? 'Critical'
        : undefined;
}

const KICS_DEVICE_RULES: readonly FieldRule[] = [
  ...ASSET_RULES,
  constant('event.module', 'kics'),
  rule('host.id', 'id', (d) => idOf(d, 'id')),
  rule('host.name', 'name', (d) => textOf(d, 'name')),
  rule('host.type', 'category (Plc, EngineeringStation, …)', (d) => textOf(d, 'category')),
  rule('host.ip', 'addressInformation[].ipAddresses[].ip', deviceIps),
  rule('host.mac', 'addressInformation[].macAddress (upper case, hyphens)', deviceMacs),
  rule('host.os.full', 'os', (d) => textOf(d, 'os')),
  rule(
    'host.risk.calculated_level',
    'securityState: Ok → Low, Warning → Moderate, Critical → Critical',
    kicsDeviceRisk,
  ),
  rule('device.manufacturer', 'hardwareVendor', (d) => textOf(d, 'hardwareVendor')),
  rule('device.model.name', 'hardwareModel', (d) => textOf(d, 'hardwareModel')),
  rule('group.name', 'group', (d) => textOf(d, 'group')),
  rule('tags', 'labels', (d) => textsOf(d, 'labels')),
  rule(
    'vulnerability.id',
    'vulnerabilities[0].cveId (ECS holds one)',
    (d) => objectsOf(d, 'vulnerabilities').map((v) => textOf(v, 'cveId'))[0],
  ),
  constant('observer.vendor', 'Kaspersky'),
  constant('observer.product', 'KICS for Networks'),
  rule('related.hosts', 'name', (d) => distinct([textOf(d, 'name')])),
  rule('related.ip', 'host.ip', deviceIps),
];

// --- KICS events and logs -------------------------------------------------------------------------------------

function firstCommunication(data: PlainObject, side: 'source' | 'destination'): PlainObject | undefined {
  const communication = objectsOf(data, 'communications')[0];
  return communication === undefined ? undefined : objectOf(communication, side);
}

function endpointRules(side: 'source' | 'destination'): FieldRule[] {
  return [
    rule(`${side}.ip`, `communications[0].${side}.ipAddress`, (d) => {
      const endpoint = firstCommunication(d, side);
      return endpoint === undefined ? undefined : textOf(endpoint, 'ipAddress');
    }),
    rule(`${side}.mac`, `communications[0].${side}.macAddress (upper case, hyphens)`, (d) => {
      const endpoint = firstCommunication(d, side);
      return endpoint === undefined ? undefined : macUpperHyphens(textOf(endpoint, 'macAddress'));
    }),
    rule(`${side}.port`, `communications[0].${side}.port`, (d) => {
      const endpoint = firstCommunication(d, side);
      return endpoint === undefined ? undefined : numberOf(endpoint, 'port');
    }),
  ];
}

function kicsEventIps(data: PlainObject): string[] {
  return distinct([
    ...objectsOf(data, 'communications').flatMap((c) =>
      (['source', 'destination'] as const).map((side) => {
        const endpoint = objectOf(c, side);
        return endpoint === undefined ? undefined : textOf(endpoint, 'ipAddress');
      }),
    ),
    ...objectsOf(data, 'assets').map((asset) => textOf(asset, 'ipAddress')),
  ]);
}

const KICS_EVENT_RULES: readonly FieldRule[] = [
  timestamp,
  constant('event.kind', 'alert'),
  rule('event.category', '`intrusion_detection`, plus `network` when there are communications', (d) =>
    objectsOf(d, 'communications').length > 0 ? ['intrusion_detection', 'network'] : ['intrusion_detection'],
  ),
  constant('event.type', ['info']),
  rule('event.id', 'id', (d) => idOf(d, 'id')),
  rule('event.code', 'eventType', (d) => idOf(d, 'eventType')),
  rule('event.action', 'title', (d) => textOf(d, 'title')),
  rule(
    'event.severity',
    'severity on the common scale (Info 1, Warning 2, Critical 4)',
    (d) => kicsSeverity(textOf(d, 'severity')).level || undefined,
  ),
  rule('event.start', 'startTime', (d) => isoUtc(textOf(d, 'startTime'))),
  rule('event.end', 'endTime', (d) => isoUtc(textOf(d, 'endTime'))),
  rule('event.provider', 'technology (Dpi, Nic, Cc, Ids, Am, …)', (d) => textOf(d, 'technology')),
  constant('event.module', 'kics'),
  dataset,
  rule('message', 'description', (d) => textOf(d, 'description')),
  rule('rule.name', 'triggeredRule', (d) => textOf(d, 'triggeredRule')),
  rule('rule.id', 'triggeredRuleId', (d) => idOf(d, 'triggeredRuleId')),
  rule('network.protocol', 'protocol, lower case', (d) => textOf(d, 'protocol')?.toLowerCase()),
  rule('network.vlan.id', 'communications[0].vlanId', (d) => {
    const communication = objectsOf(d, 'communications')[0];
    return communication === undefined ? undefined : idOf(communication, 'vlanId');
  }),
  ...endpointRules('source'),
  ...endpointRules('destination'),
  rule(
    'vulnerability.id',
    'vulnerabilities[0].cveId (ECS holds one)',
    (d) => objectsOf(d, 'vulnerabilities').map((v) => textOf(v, 'cveId'))[0],
  ),
  rule('vulnerability.enumeration', '`CVE` when there are vulnerabilities', (d) =>
    objectsOf(d, 'vulnerabilities').length > 0 ? 'CVE' : undefined,
  ),
  constant('observer.vendor', 'Kaspersky'),
  constant('observer.product', 'KICS for Networks'),
  constant('observer.type', 'ids'),
  rule('observer.name', 'monitoringPoint', (d) => textOf(d, 'monitoringPoint')),
  rule('related.hosts', 'assets[].name', (d) =>
    distinct(objectsOf(d, 'assets').map((a) => textOf(a, 'name'))),
  ),
  rule('related.ip', 'communications[] endpoints and assets[].ipAddress', kicsEventIps),
];

/** ECS category and type of a KICS audit action (`SignIn`, `DeviceEdited`, `ConnectorAdded`, …). */
function auditClass(data: PlainObject): { category: string[]; type: string[] } {
  const action = textOf(data, 'action') ?? '';
  if (/^Sign(In|Out)/.test(action))
    return { category: ['authentication'], type: [action === 'SignOut' ? 'end' : 'start'] };
  if (/Added$|Created$|Issued$/.test(action)) return { category: ['iam'], type: ['creation'] };
  if (/Edited$|Changed$|Refreshed$/.test(action)) return { category: ['iam'], type: ['change'] };
  if (/Deleted$|Removed$|Revoked$/.test(action)) return { category: ['iam'], type: ['deletion'] };
  return { category: ['iam'], type: ['info'] };
}

function outcome(data: PlainObject): string {
  const result = textOf(data, 'result')?.toLowerCase();
  return result === 'success' ? 'success' : result === 'failure' ? 'failure' : 'unknown';
}

const KICS_AUDIT_RULES: readonly FieldRule[] = [
  timestamp,
  constant('event.kind', 'event'),
  rule('event.category', 'by action: SignIn → authentication, otherwise iam', (d) => auditClass(d).category),
  rule(
    'event.type',
    'by action: SignIn → start, …Added/Issued → creation, …Edited → change, …Deleted → deletion',
    (d) => auditClass(d).type,
  ),
  rule('event.id', 'id', (d) => idOf(d, 'id')),
  rule('event.action', 'action', (d) => textOf(d, 'action')),
  rule('event.outcome', 'result: Success → success, Failure → failure', outcome),
  constant('event.module', 'kics'),
  dataset,
  rule('message', 'description', (d) => textOf(d, 'description')),
  rule('user.name', 'user', (d) => {
    const user = textOf(d, 'user');
    return user === undefined ? undefined : splitAccount(user).name;
  }),
  rule('observer.hostname', 'node', (d) => textOf(d, 'node')),
  constant('observer.vendor', 'Kaspersky'),
  constant('observer.product', 'KICS for Networks'),
  rule('related.user', 'user', (d) => distinct([textOf(d, 'user')])),
];

const KICS_APP_MESSAGE_RULES: readonly FieldRule[] = [
  timestamp,
  constant('event.kind', 'event'),
  constant('event.category', ['process']),
  constant('event.type', ['info']),
  rule('event.id', 'id', (d) => idOf(d, 'id')),
  rule('event.code', 'descriptionId', (d) => idOf(d, 'descriptionId')),
  rule(
    'event.severity',
    'status on the common scale (Info 1, Warning 2, Error 3)',
    (d) => kicsSeverity(textOf(d, 'status')).level || undefined,
  ),
  rule('log.level', 'status, lower case', (d) => textOf(d, 'status')?.toLowerCase()),
  constant('event.module', 'kics'),
  dataset,
  rule('message', 'description', (d) => textOf(d, 'description')),
  rule('process.name', 'systemProcess', (d) => textOf(d, 'systemProcess')),
  rule('observer.hostname', 'node', (d) => textOf(d, 'node')),
  constant('observer.vendor', 'Kaspersky'),
  constant('observer.product', 'KICS for Networks'),
];

const GAP_RULES: readonly FieldRule[] = [
  timestamp,
  constant('event.kind', 'pipeline_error'),
  constant('event.category', ['host']),
  constant('event.type', ['info']),
  rule('event.id', 'the gap record key', (_d, r) => r.key),
  constant('event.action', 'records-missing'),
  constant('event.module', 'kconnect'),
  dataset,
  rule(
    'message',
    '`Records missing from <source>: ` + what is known (the gap data as JSON)',
    (d, r) => `Records missing from ${r.source}: ${JSON.stringify(d)}`,
  ),
];

export const ECS_SHAPES: readonly Shape[] = [
  { input: 'ksc.events', when: '', applies: always, rules: KSC_EVENT_RULES },
  { input: 'kics.events', when: '', applies: always, rules: KICS_EVENT_RULES },
  { input: 'kics.audit', when: '', applies: always, rules: KICS_AUDIT_RULES },
  { input: 'kics.app-messages', when: '', applies: always, rules: KICS_APP_MESSAGE_RULES },
  { input: 'ksc.hosts', when: '', applies: always, rules: KSC_HOST_RULES },
  { input: 'kics.devices', when: '', applies: always, rules: KICS_DEVICE_RULES },
  { input: 'gap', when: 'records the source could not read any more', applies: always, rules: GAP_RULES },
];

export function createEcsMapping(options: EcsMappingOptions = {}, lookups: MappingLookups = {}): Mapping {
  const { original } = ecsMappingOptionsSchema.parse(options);
  return {
    name: 'ecs',
    map(record): readonly MappedDocument[] {
      const shape = shapeFor(ECS_SHAPES, record);
      if (shape === undefined) return [];
      const document = buildDocument(shape, record, { lookups }) as { [key: string]: PlainJson };
      if (original) {
        const event = document['event'] as { [key: string]: PlainJson };
        event['original'] = JSON.stringify(record.data);
      }
      return [document];
    },
  };
}
