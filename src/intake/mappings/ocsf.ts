/**
 * The `ocsf` mapping: OCSF 1.8.0 events. KSC detections, remediations, attacks and blocked launches, and KICS
 * events are Detection Findings (2004), except KICS Network Integrity Control events, which report a network
 * interaction itself: Network Activity (4001). Vulnerabilities a KICS device carries are Vulnerability Findings
 * (2002) beside its Device Inventory Info (5001); KSC hosts are Device Inventory Info too. KICS sign-ins are
 * Authentication (3002), other audit entries Entity Management (3004). KSC's other events (task states, scans,
 * statuses, inventory) and KICS application messages have no closer class than Base Event (0), as do gaps.
 * `raw_data` holds the vendor record as JSON text when the pipeline asks for it.
 */
import { z } from 'zod';
import type { PlainJson } from '../../commands/core/types.ts';
import type { IntakeRecord, MappedDocument, Mapping, PlainObject } from '../types.ts';
import {
  isKscFinding,
  kscAttackedPort,
  kscAttackerIp,
  kscBlockingRule,
  kscFileName,
  kscFilePath,
  kscThreatName,
  kscUserDomain,
  kscUserName,
} from './ksc-events.ts';
import { kscEventIdentity, type MappingLookups } from './identity.ts';
import { buildDocument, constant, shapeFor, type FieldRule, type Shape } from './rules.ts';
import { kicsSeverity, kscSeverity, type Severity } from './severity.ts';
import { epochMillis } from './time.ts';
import {
  distinct,
  idOf,
  ipv4FromHostOrder,
  macLowerColons,
  numberOf,
  objectOf,
  objectsOf,
  textOf,
} from './values.ts';

export const OCSF_VERSION = '1.8.0';

export const ocsfMappingOptionsSchema = z
  .object({
    rawData: z.boolean().default(false).describe('Keep the vendor record as JSON text in raw_data'),
  })
  .strict();
export type OcsfMappingOptions = z.input<typeof ocsfMappingOptionsSchema>;

type Json = { [key: string]: PlainJson };

/** Drops members that carry nothing, so objects never hold empty attributes. */
function compact(object: { [key: string]: PlainJson | undefined }): Json | undefined {
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

const rule = (field: string, from: string, value: FieldRule['value']): FieldRule => ({ field, from, value });

/** The class fields: uids, the activity, and type_uid = class_uid × 100 + activity_id. */
function classRules(
  className: string,
  categoryUid: number,
  classUid: number,
  activity: { from: string; id: (data: PlainObject, record: IntakeRecord) => number },
): FieldRule[] {
  return [
    constant('class_uid', classUid),
    constant('class_name', className),
    constant('category_uid', categoryUid),
    rule('activity_id', activity.from, activity.id),
    rule('type_uid', 'class_uid × 100 + activity_id', (d, r) => classUid * 100 + activity.id(d, r)),
  ];
}

function severityRules(from: string, severity: (data: PlainObject) => Severity): FieldRule[] {
  return [
    rule('severity_id', `${from}: Information 1, Warning 3, Error 4, Critical 5`, (d) => severity(d).ocsfId),
    rule('severity', 'the caption of severity_id', (d) => severity(d).ocsfCaption),
  ];
}

function metadataRule(product: string): FieldRule {
  return rule(
    'metadata',
    `product {name: "${product}", vendor_name: "Kaspersky"}, version "${OCSF_VERSION}", uid: the record key, log_name: the source`,
    (_d, r) => ({
      product: { name: product, vendor_name: 'Kaspersky' },
      version: OCSF_VERSION,
      uid: r.key,
      log_name: r.source,
    }),
  );
}

const time = rule('time', 'the record time, epoch ms', (_d, r) => epochMillis(r.time));

interface Observable {
  readonly name: string;
  readonly typeId: number;
  readonly value: string | number | undefined;
}

/** Observables: 1 Hostname, 2 IP Address, 3 MAC Address, 4 User Name, 7 File Name, 11 Port, 45 File Path. */
function observables(list: readonly Observable[]): PlainJson {
  return list
    .filter((o) => o.value !== undefined && o.value !== '')
    .map((o) => ({ name: o.name, type_id: o.typeId, value: String(o.value) }));
}

// --- KSC -------------------------------------------------------------------------------------------------------

const kscEventSeverity = (d: PlainObject): Severity => kscSeverity(numberOf(d, 'GNRL_EA_SEVERITY'));

function kscDevice(d: PlainObject): Json | undefined {
  const uid = textOf(d, 'hostname');
  const name = textOf(d, 'hostdn');
  if (uid === undefined && name === undefined) return undefined;
  return compact({ uid, name, hostname: name, domain: textOf(d, 'domain_name'), type_id: 0 });
}

/** OCSF disposition of a KSC finding: what the security application did. */
function kscDisposition(d: PlainObject): number {
  switch (textOf(d, 'event_type')) {
    case 'GNRL_EV_OBJECT_QUARANTINED':
      return 3;
    case 'GNRL_EV_OBJECT_DELETED':
      return 5;
    case 'GNRL_EV_OBJECT_CURED':
      return 11;
    case 'GNRL_EV_OBJECT_NOTCURED':
      return 13;
    case 'GNRL_EV_OBJECT_BLOCKED':
    case 'GNRL_EV_ATTACK_DETECTED':
    case 'GNRL_EV_APPLICATION_LAUNCH_DENIED':
      return 2;
    default:
      return 15;
  }
}

/** The OCSF `user` of a KSC event: the account it names, with the directory's identity when it matches one. */
function kscUser(d: PlainObject, lookups: MappingLookups): PlainJson | undefined {
  const name = kscUserName(d);
  if (name === undefined) return undefined;
  const identity = kscEventIdentity(d, lookups);
  return compact({
    name,
    domain: kscUserDomain(d),
    display_name: identity?.displayName,
    full_name: identity?.displayName,
    email_addr: identity?.mail,
    groups:
      identity === undefined || identity.groups.length === 0
        ? undefined
        : identity.groups.map((g) => ({ name: g })),
  });
}

function kscEvidence(d: PlainObject, _record: IntakeRecord, lookups: MappingLookups): PlainJson | undefined {
  const path = kscFilePath(d);
  const name = kscFileName(d);
  const user = kscUserName(d);
  const attacker = kscAttackerIp(d);
  const port = kscAttackedPort(d);
  const evidence = compact({
    file: name === undefined ? undefined : compact({ name, path, type_id: 1 }),
    user: user === undefined ? undefined : kscUser(d, lookups),
    src_endpoint: attacker === undefined ? undefined : { ip: attacker },
    dst_endpoint: port === undefined ? undefined : compact({ port, hostname: textOf(d, 'hostdn') }),
    device: kscDevice(d),
  });
  return evidence === undefined ? undefined : [evidence];
}

const KSC_FINDING_RULES: readonly FieldRule[] = [
  ...classRules('Detection Finding', 2, 2004, { from: '`1` Create', id: () => 1 }),
  time,
  ...severityRules('GNRL_EA_SEVERITY', kscEventSeverity),
  metadataRule('Kaspersky Security Center'),
  rule('message', 'GNRL_EA_DESCRIPTION', (d) => textOf(d, 'GNRL_EA_DESCRIPTION')),
  constant('is_alert', true),
  rule(
    'disposition_id',
    'by event_type: quarantined 3, deleted 5, disinfected 11, not disinfected 13, blocked 2, detected 15',
    kscDisposition,
  ),
  rule(
    'finding_info',
    'uid: event_db_id; title: event_type_display_name; desc: GNRL_EA_DESCRIPTION; types: [event_type]; created_time: registration_time (ms); analytic: the blocking rule of a blocked launch',
    (d) =>
      compact({
        uid: idOf(d, 'event_db_id') ?? idOf(d, 'event_id') ?? '',
        title: textOf(d, 'event_type_display_name'),
        desc: textOf(d, 'GNRL_EA_DESCRIPTION'),
        types: distinct([textOf(d, 'event_type')]),
        created_time: epochMillis(textOf(d, 'registration_time')),
        analytic:
          kscBlockingRule(d) === undefined ? undefined : { name: kscBlockingRule(d) ?? '', type_id: 1 },
      }),
  ),
  rule('device', 'hostname → uid, hostdn → name and hostname, domain_name → domain', kscDevice),
  rule(
    'malware',
    'GNRL_EA_PARAM_2 of detections (the verdict), PARAM_1 of attacks → name; classification_ids [0]',
    (d) => {
      const name = kscThreatName(d);
      return name === undefined ? undefined : [{ name, classification_ids: [0] }];
    },
  ),
  rule(
    'evidences',
    "file (GNRL_EA_PARAM_1), user (PARAM_3; with the directory user's display_name, full_name, email_addr and groups when it matches one), attacker IP and port of attacks, the device",
    kscEvidence,
  ),
  rule('observables', 'device hostname, file name and path, user name, attacker IP', (d) =>
    observables([
      { name: 'device.hostname', typeId: 1, value: textOf(d, 'hostdn') },
      { name: 'evidences[0].file.name', typeId: 7, value: kscFileName(d) },
      { name: 'evidences[0].file.path', typeId: 45, value: kscFilePath(d) },
      { name: 'evidences[0].user.name', typeId: 4, value: kscUserName(d) },
      { name: 'evidences[0].src_endpoint.ip', typeId: 2, value: kscAttackerIp(d) },
    ]),
  ),
];

const KSC_OTHER_RULES: readonly FieldRule[] = [
  ...classRules('Base Event', 0, 0, { from: '`99` Other', id: () => 99 }),
  time,
  ...severityRules('GNRL_EA_SEVERITY', kscEventSeverity),
  metadataRule('Kaspersky Security Center'),
  rule('message', 'GNRL_EA_DESCRIPTION', (d) => textOf(d, 'GNRL_EA_DESCRIPTION')),
  rule('type_name', 'event_type_display_name', (d) => textOf(d, 'event_type_display_name')),
  rule('device', 'hostname → uid, hostdn → name and hostname, domain_name → domain', kscDevice),
  rule('observables', 'device hostname', (d) =>
    observables([{ name: 'device.hostname', typeId: 1, value: textOf(d, 'hostdn') }]),
  ),
];

function inventoryActivity(): { from: string; id: () => number } {
  return { from: '`2` Collect', id: () => 2 };
}

function kscHostDevice(d: PlainObject): Json | undefined {
  const os = textOf(d, 'KLHST_WKS_OS_NAME');
  return compact({
    uid: textOf(d, 'KLHST_WKS_HOSTNAME'),
    name: textOf(d, 'KLHST_WKS_DN'),
    hostname: textOf(d, 'KLHST_WKS_FQDN') ?? textOf(d, 'KLHST_WKS_DNSNAME'),
    domain: textOf(d, 'KLHST_WKS_WINDOMAIN') ?? textOf(d, 'KLHST_WKS_DNSDOMAIN'),
    ip: ipv4FromHostOrder(d['KLHST_WKS_IP_LONG']),
    type_id: os === undefined ? 0 : /server/i.test(os) ? 1 : 2,
    os:
      os === undefined
        ? undefined
        : { name: os, type_id: /windows/i.test(os) ? 100 : /linux/i.test(os) ? 200 : 0 },
    created_time: epochMillis(textOf(d, 'KLHST_WKS_CREATED')),
    last_seen_time: epochMillis(textOf(d, 'KLHST_WKS_LAST_VISIBLE')),
    groups:
      idOf(d, 'KLHST_WKS_GROUPID') === undefined ? undefined : [{ uid: idOf(d, 'KLHST_WKS_GROUPID') ?? '' }],
  });
}

/** KSC host status (`KLHST_WKS_STATUS_ID` 0 OK, 1 Critical, 2 Warning) as the severity of its inventory record. */
function kscHostSeverity(d: PlainObject): Severity {
  const id = numberOf(d, 'KLHST_WKS_STATUS_ID');
  return kscSeverity(id === 0 ? 1 : id === 2 ? 2 : id === 1 ? 4 : undefined);
}

const KSC_HOST_RULES: readonly FieldRule[] = [
  ...classRules('Device Inventory Info', 5, 5001, inventoryActivity()),
  time,
  ...severityRules('KLHST_WKS_STATUS_ID (OK → Information, Warning, Critical)', kscHostSeverity),
  metadataRule('Kaspersky Security Center'),
  rule('message', '`Host <KLHST_WKS_DN> <change>`', (d, r) =>
    `Host ${textOf(d, 'KLHST_WKS_DN') ?? r.key} ${r.kind === 'record' ? (r.change ?? 'snapshot') : ''}`.trim(),
  ),
  rule(
    'device',
    'KLHST_WKS_HOSTNAME → uid, _DN → name, _FQDN → hostname, _WINDOMAIN → domain, _IP_LONG → ip, _OS_NAME → os, _CREATED, _LAST_VISIBLE, _GROUPID → groups',
    kscHostDevice,
  ),
  rule('observables', 'device hostname and IP', (d) =>
    observables([
      {
        name: 'device.hostname',
        typeId: 1,
        value: textOf(d, 'KLHST_WKS_FQDN') ?? textOf(d, 'KLHST_WKS_DNSNAME'),
      },
      { name: 'device.ip', typeId: 2, value: ipv4FromHostOrder(d['KLHST_WKS_IP_LONG']) },
    ]),
  ),
];

// --- KICS ------------------------------------------------------------------------------------------------------

const kicsEventSeverity = (d: PlainObject): Severity => kicsSeverity(textOf(d, 'severity'));

function endpoint(d: PlainObject, side: 'source' | 'destination'): Json | undefined {
  const communication = objectsOf(d, 'communications')[0];
  const end = communication === undefined ? undefined : objectOf(communication, side);
  if (end === undefined) return undefined;
  const ip = textOf(end, 'ipAddress');
  const asset = objectsOf(d, 'assets').find((a) => ip !== undefined && textOf(a, 'ipAddress') === ip);
  return compact({
    ip,
    mac: macLowerColons(textOf(end, 'macAddress')),
    port: numberOf(end, 'port'),
    name: asset === undefined ? undefined : textOf(asset, 'name'),
    uid: asset === undefined ? undefined : idOf(asset, 'id'),
  });
}

function kicsResources(d: PlainObject): PlainJson {
  return objectsOf(d, 'assets').flatMap((asset) => {
    const resource = compact({
      uid: idOf(asset, 'id'),
      name: textOf(asset, 'name'),
      ip: textOf(asset, 'ipAddress'),
      type: 'Device',
    });
    return resource === undefined ? [] : [resource];
  });
}

function kicsEventObservables(d: PlainObject, prefix: string): PlainJson {
  const src = endpoint(d, 'source');
  const dst = endpoint(d, 'destination');
  return observables([
    { name: `${prefix}src_endpoint.ip`, typeId: 2, value: src?.['ip'] as string | undefined },
    { name: `${prefix}dst_endpoint.ip`, typeId: 2, value: dst?.['ip'] as string | undefined },
    { name: `${prefix}src_endpoint.mac`, typeId: 3, value: src?.['mac'] as string | undefined },
    { name: `${prefix}dst_endpoint.mac`, typeId: 3, value: dst?.['mac'] as string | undefined },
  ]);
}

function kicsFindingInfo(d: PlainObject): Json | undefined {
  const rule = textOf(d, 'triggeredRule');
  return compact({
    uid: idOf(d, 'id') ?? '',
    title: textOf(d, 'title'),
    desc: textOf(d, 'description'),
    types: distinct([idOf(d, 'eventType'), textOf(d, 'technology')]),
    first_seen_time: epochMillis(textOf(d, 'startTime')),
    last_seen_time: epochMillis(textOf(d, 'lastSeenTime')),
    analytic:
      rule === undefined ? undefined : compact({ name: rule, uid: idOf(d, 'triggeredRuleId'), type_id: 1 }),
    related_events_count: numberOf(d, 'childrenCount'),
  });
}

/** KICS's event status (Proposed, Active, Resolved) as the finding's status_id (1 New, 2 In Progress, 4 Resolved). */
function kicsStatus(d: PlainObject): number | undefined {
  const status = textOf(d, 'status');
  return status === 'Proposed' ? 1 : status === 'Active' ? 2 : status === 'Resolved' ? 4 : undefined;
}

const isNetworkInteraction = (d: PlainObject): boolean =>
  textOf(d, 'technology') === 'Nic' && objectsOf(d, 'communications').length > 0;

const KICS_COMMON_EVENT_RULES: readonly FieldRule[] = [
  time,
  ...severityRules('severity (Info, Warning, Critical)', kicsEventSeverity),
  metadataRule('KICS for Networks'),
  rule('message', 'title', (d) => textOf(d, 'title')),
  rule('start_time', 'startTime, epoch ms', (d) => epochMillis(textOf(d, 'startTime'))),
  rule('end_time', 'endTime, epoch ms', (d) => epochMillis(textOf(d, 'endTime'))),
  rule('count', 'totalAppearances', (d) => numberOf(d, 'totalAppearances')),
  constant('is_alert', true),
];

const KICS_FINDING_RULES: readonly FieldRule[] = [
  ...classRules('Detection Finding', 2, 2004, { from: '`1` Create', id: () => 1 }),
  ...KICS_COMMON_EVENT_RULES,
  rule('status_id', 'status: Proposed 1 New, Active 2 In Progress, Resolved 4 Resolved', kicsStatus),
  rule(
    'finding_info',
    'uid: id; title; desc: description; types: [eventType, technology]; first/last_seen_time: startTime/lastSeenTime; analytic: triggeredRule (id); related_events_count: childrenCount',
    kicsFindingInfo,
  ),
  rule(
    'evidences',
    'src_endpoint/dst_endpoint from communications[0] (ip, mac, port; name and uid of the matching asset)',
    (d) => {
      const evidence = compact({
        src_endpoint: endpoint(d, 'source'),
        dst_endpoint: endpoint(d, 'destination'),
      });
      return evidence === undefined ? undefined : [evidence];
    },
  ),
  rule('resources', 'assets[]: uid ← id, name, ip ← ipAddress, type "Device"', kicsResources),
  rule('vulnerabilities', 'vulnerabilities[]: cve.uid ← cveId', (d) =>
    objectsOf(d, 'vulnerabilities').flatMap((v) => {
      const cve = textOf(v, 'cveId');
      return cve === undefined ? [] : [{ cve: { uid: cve } }];
    }),
  ),
  rule('observables', 'endpoint IPs and MACs', (d) => kicsEventObservables(d, 'evidences[0].')),
];

const KICS_NETWORK_RULES: readonly FieldRule[] = [
  ...classRules('Network Activity', 4, 4001, { from: '`6` Traffic', id: () => 6 }),
  ...KICS_COMMON_EVENT_RULES,
  rule('src_endpoint', "communications[0].source (ip, mac, port; the matching asset's name and id)", (d) =>
    endpoint(d, 'source'),
  ),
  rule('dst_endpoint', 'communications[0].destination (likewise)', (d) => endpoint(d, 'destination')),
  rule(
    'connection_info',
    'protocol → protocol_name (lower case); direction_id 0 Unknown (KICS does not say)',
    (d) => compact({ protocol_name: textOf(d, 'protocol')?.toLowerCase(), direction_id: 0 }),
  ),
  rule('observables', 'endpoint IPs and MACs', (d) => kicsEventObservables(d, '')),
];

/** KICS audit actions as Entity Management activities: …Added/Issued 1 Create, …Edited/Refreshed 3 Update, … */
function auditActivity(d: PlainObject): number {
  const action = textOf(d, 'action') ?? '';
  if (/Added$|Created$|Issued$/.test(action)) return 1;
  if (/Edited$|Changed$|Refreshed$/.test(action)) return 3;
  if (/Deleted$|Removed$|Revoked$/.test(action)) return 4;
  return 99;
}

/** The thing an audit action concerns, from its name: `DeviceEdited` → Device. */
function auditEntity(d: PlainObject): Json {
  const action = textOf(d, 'action') ?? 'Unknown';
  const subject = action.replace(
    /(Added|Created|Issued|Edited|Changed|Refreshed|Deleted|Removed|Revoked)$/,
    '',
  );
  return {
    name: subject.length > 0 ? subject : action,
    type: subject === 'Device' ? 'Device' : 'Other',
    type_id: subject === 'Device' ? 1 : 99,
  };
}

const auditStatus = (d: PlainObject): number => {
  const result = textOf(d, 'result');
  return result === 'Success' ? 1 : result === 'Failure' ? 2 : 0;
};

const auditSeverity = (d: PlainObject): Severity => kscSeverity(auditStatus(d) === 2 ? 2 : 1);

const AUDIT_COMMON: readonly FieldRule[] = [
  time,
  ...severityRules('result (Success → Information, Failure → Warning)', auditSeverity),
  metadataRule('KICS for Networks'),
  rule('message', 'description', (d) => textOf(d, 'description')),
  rule('status_id', 'result: Success 1, Failure 2', auditStatus),
  rule('status', 'result', (d) => textOf(d, 'result')),
  rule('observables', 'user name', (d) =>
    observables([{ name: 'actor.user.name', typeId: 4, value: textOf(d, 'user') }]),
  ),
];

const isSignIn = (d: PlainObject): boolean => /^Sign(In|Out)$/.test(textOf(d, 'action') ?? '');

const KICS_SIGN_IN_RULES: readonly FieldRule[] = [
  ...classRules('Authentication', 3, 3002, {
    from: 'SignIn `1` Logon, SignOut `2` Logoff',
    id: (d) => (textOf(d, 'action') === 'SignOut' ? 2 : 1),
  }),
  ...AUDIT_COMMON.filter((r) => r.field !== 'observables'),
  rule('user', 'user → name', (d) => compact({ name: textOf(d, 'user') })),
  rule('actor', 'user → user.name', (d) => {
    const user = textOf(d, 'user');
    return user === undefined ? undefined : { user: { name: user } };
  }),
  rule('service', '`KICS for Networks` on node', (d) =>
    compact({ name: 'KICS for Networks', uid: textOf(d, 'node') }),
  ),
  rule('observables', 'user name', (d) =>
    observables([{ name: 'user.name', typeId: 4, value: textOf(d, 'user') }]),
  ),
];

const KICS_AUDIT_RULES: readonly FieldRule[] = [
  ...classRules('Entity Management', 3, 3004, {
    from: 'by action: …Added/Created/Issued 1 Create, …Edited/Changed/Refreshed 3 Update, …Deleted/Removed/Revoked 4 Delete, else 99 Other',
    id: auditActivity,
  }),
  ...AUDIT_COMMON,
  rule('entity', "the action's subject (`DeviceEdited` → Device)", auditEntity),
  rule('actor', 'user → user.name', (d) => {
    const user = textOf(d, 'user');
    return user === undefined ? undefined : { user: { name: user } };
  }),
  rule('device', 'node → hostname (the KICS server)', (d) => {
    const node = textOf(d, 'node');
    return node === undefined ? undefined : { hostname: node, name: node, type_id: 1 };
  }),
];

const KICS_APP_MESSAGE_RULES: readonly FieldRule[] = [
  ...classRules('Base Event', 0, 0, { from: '`99` Other', id: () => 99 }),
  time,
  ...severityRules('status (Info, Warning, Error)', (d) => kicsSeverity(textOf(d, 'status'))),
  metadataRule('KICS for Networks'),
  rule('message', 'description', (d) => textOf(d, 'description')),
  rule('type_name', 'systemProcess', (d) => textOf(d, 'systemProcess')),
  rule('status_code', 'descriptionId', (d) => idOf(d, 'descriptionId')),
  rule('device', 'node → hostname (the KICS server)', (d) => {
    const node = textOf(d, 'node');
    return node === undefined ? undefined : { hostname: node, name: node, type_id: 1 };
  }),
];

/** OCSF device types of KICS asset categories: 1 Server, 2 Desktop, 3 Laptop, 5 Mobile, 7 IOT, 9 Firewall, … */
const KICS_DEVICE_TYPES: Readonly<Record<string, number>> = {
  Server: 1,
  Historian: 1,
  StorageSystem: 1,
  Workstation: 2,
  EngineeringStation: 2,
  ScadaHmi: 2,
  Laptop: 3,
  MobileDevice: 5,
  Plc: 7,
  Rpa: 7,
  HmiPanel: 7,
  UPS: 7,
  NetworkCamera: 7,
  Printer: 7,
  Firewall: 9,
  Switch: 10,
  VirtualSwitch: 10,
  Router: 12,
  VirtualRouter: 12,
  Gateway: 12,
  WiFi: 12,
  NetworkDevice: 99,
  Other: 99,
};

function kicsDevice(d: PlainObject): Json | undefined {
  const addresses = objectsOf(d, 'addressInformation');
  const ips = distinct(addresses.flatMap((a) => objectsOf(a, 'ipAddresses').map((ip) => textOf(ip, 'ip'))));
  const macs = distinct(addresses.map((a) => macLowerColons(textOf(a, 'macAddress'))));
  const category = textOf(d, 'category');
  const os = textOf(d, 'os');
  return compact({
    uid: idOf(d, 'id'),
    name: textOf(d, 'name'),
    desc: textOf(d, 'description'),
    ip: ips[0],
    mac: macs[0],
    type: category,
    type_id: KICS_DEVICE_TYPES[category ?? ''] ?? 0,
    vendor_name: textOf(d, 'hardwareVendor'),
    model: textOf(d, 'hardwareModel'),
    os:
      os === undefined
        ? undefined
        : { name: os, type_id: /windows/i.test(os) ? 100 : /linux/i.test(os) ? 200 : 0 },
    created_time: epochMillis(textOf(d, 'created')),
    modified_time: epochMillis(textOf(d, 'lastModified')),
    last_seen_time: epochMillis(textOf(d, 'lastSeen')),
    groups: textOf(d, 'group') === undefined ? undefined : [{ name: textOf(d, 'group') ?? '' }],
    network_interfaces: addresses.flatMap((a) => {
      const iface = compact({
        mac: macLowerColons(textOf(a, 'macAddress')),
        ip: objectsOf(a, 'ipAddresses').map((ip) => textOf(ip, 'ip'))[0],
        type_id: 0,
      });
      return iface === undefined ? [] : [iface];
    }),
  });
}

const kicsDeviceSeverity = (d: PlainObject): Severity => {
  const state = textOf(d, 'securityState');
  return kscSeverity(state === 'Ok' ? 1 : state === 'Warning' ? 2 : state === 'Critical' ? 4 : undefined);
};

const KICS_DEVICE_RULES: readonly FieldRule[] = [
  ...classRules('Device Inventory Info', 5, 5001, inventoryActivity()),
  time,
  ...severityRules('securityState (Ok → Information, Warning, Critical)', kicsDeviceSeverity),
  metadataRule('KICS for Networks'),
  rule('message', '`Device <name> <change>`', (d, r) =>
    `Device ${textOf(d, 'name') ?? r.key} ${r.kind === 'record' ? (r.change ?? 'snapshot') : ''}`.trim(),
  ),
  rule(
    'device',
    'id → uid, name, description → desc, first IP and MAC, category → type and type_id, hardwareVendor/Model, os, created/lastModified/lastSeen (ms), group, addressInformation → network_interfaces',
    kicsDevice,
  ),
  rule('observables', 'device IP and MAC', (d) => {
    const device = kicsDevice(d);
    return observables([
      { name: 'device.ip', typeId: 2, value: device?.['ip'] as string | undefined },
      { name: 'device.mac', typeId: 3, value: device?.['mac'] as string | undefined },
    ]);
  }),
];

/** A device's vulnerabilities as Vulnerability Findings: one per CVE the device carries, beside its inventory. */
function kicsVulnerabilityFindings(record: IntakeRecord): MappedDocument[] {
  if (record.kind !== 'record' || record.change === 'removed') return [];
  const d = record.data;
  const device = kicsDevice(d);
  return objectsOf(d, 'vulnerabilities').flatMap((v) => {
    const cve = textOf(v, 'cveId');
    if (cve === undefined) return [];
    const score = typeof v['cvsScore'] === 'number' ? v['cvsScore'] : undefined;
    const severity = kscSeverity(
      score === undefined ? undefined : score >= 9 ? 4 : score >= 7 ? 3 : score >= 4 ? 2 : 1,
    );
    const finding: Json = {
      class_uid: 2002,
      class_name: 'Vulnerability Finding',
      category_uid: 2,
      activity_id: 1,
      type_uid: 200201,
      time: epochMillis(record.time) ?? 0,
      severity_id: severity.ocsfId,
      severity: severity.ocsfCaption,
      metadata: {
        product: { name: 'KICS for Networks', vendor_name: 'Kaspersky' },
        version: OCSF_VERSION,
        uid: `${record.key}/${idOf(v, 'assetVulnerabilityId') ?? cve}`,
        log_name: record.source,
      },
      message: `${cve} on ${textOf(d, 'name') ?? record.key}`,
      finding_info: compact({
        uid: idOf(v, 'assetVulnerabilityId') ?? cve,
        title: cve,
        types: ['Vulnerability'],
      }) ?? { uid: cve },
      vulnerabilities: [
        compact({
          cve: compact({
            uid: cve,
            cvss: score === undefined ? undefined : [{ base_score: score, version: '3.1' }],
          }),
          title: cve,
        }) ?? { title: cve },
      ],
      status: textOf(v, 'state') ?? 'Unknown',
      observables: observables([
        { name: 'device.ip', typeId: 2, value: device?.['ip'] as string | undefined },
      ]) as Json[],
    };
    if (device !== undefined) finding['device'] = device;
    return [finding];
  });
}

const GAP_RULES: readonly FieldRule[] = [
  ...classRules('Base Event', 0, 0, { from: '`99` Other', id: () => 99 }),
  time,
  constant('severity_id', 3),
  constant('severity', 'Medium'),
  rule(
    'metadata',
    'product {name: "kconnect"}, version, uid: the gap key, log_name: the source',
    (_d, r) => ({
      product: { name: 'kconnect', vendor_name: 'kconnect' },
      version: OCSF_VERSION,
      uid: r.key,
      log_name: r.source,
    }),
  ),
  rule('message', '`Records missing from <source>`', (_d, r) => `Records missing from ${r.source}`),
  constant('status_id', 2),
  constant('type_name', 'Records missing'),
  rule('unmapped', 'what is known of the gap (its data)', (d) => ({ ...d })),
];

const always = (): boolean => true;

export const OCSF_SHAPES: readonly Shape[] = [
  {
    input: 'ksc.events',
    when: 'detections, remediations, attacks, blocked launches',
    applies: isKscFinding,
    rules: KSC_FINDING_RULES,
  },
  {
    input: 'ksc.events',
    when: 'other events (tasks, scans, statuses, inventory, server)',
    applies: (d) => !isKscFinding(d),
    rules: KSC_OTHER_RULES,
  },
  {
    input: 'kics.events',
    when: 'Network Integrity Control (technology Nic) events with communications',
    applies: isNetworkInteraction,
    rules: KICS_NETWORK_RULES,
  },
  {
    input: 'kics.events',
    when: 'all other events',
    applies: (d) => !isNetworkInteraction(d),
    rules: KICS_FINDING_RULES,
  },
  { input: 'kics.audit', when: 'SignIn, SignOut', applies: isSignIn, rules: KICS_SIGN_IN_RULES },
  { input: 'kics.audit', when: 'other actions', applies: (d) => !isSignIn(d), rules: KICS_AUDIT_RULES },
  { input: 'kics.app-messages', when: '', applies: always, rules: KICS_APP_MESSAGE_RULES },
  { input: 'ksc.hosts', when: '', applies: always, rules: KSC_HOST_RULES },
  {
    input: 'kics.devices',
    when: 'the device (Vulnerability Findings follow, one per vulnerabilities[] entry: cveId, cvsScore → severity, state)',
    applies: always,
    rules: KICS_DEVICE_RULES,
  },
  { input: 'gap', when: 'records the source could not read any more', applies: always, rules: GAP_RULES },
];

export function createOcsfMapping(options: OcsfMappingOptions = {}, lookups: MappingLookups = {}): Mapping {
  const { rawData } = ocsfMappingOptionsSchema.parse(options);
  return {
    name: 'ocsf',
    map(record): readonly MappedDocument[] {
      const shape = shapeFor(OCSF_SHAPES, record);
      if (shape === undefined) return [];
      const document = buildDocument(shape, record, { lookups }) as Json;
      if (rawData) document['raw_data'] = JSON.stringify(record.data);
      if (record.kind === 'record' && record.source === 'kics.devices') {
        return [document, ...kicsVulnerabilityFindings(record)];
      }
      return [document];
    },
  };
}
