/**
 * What a CEF or LEEF line says of one event, read from the mapped document whatever the pipeline's mapping is
 * (decision 0049): ECS and OCSF documents are read by their fields; a `raw` document is first put through the
 * `ecs` mapping, so the meaning of every KSC and KICS attribute is defined once (src/intake/mappings/) and the
 * CEF/LEEF keys say the same as the ECS fields; anything else (d3, gap records) keeps its event type, message and
 * severity where it has them.
 */
import type { PlainJson } from '../../../commands/core/types.ts';
import { createEcsMapping } from '../../mappings/ecs.ts';
import {
  SOURCE_TYPES,
  type AssetChange,
  type IntakeRecord,
  type MappedDocument,
  type SourceType,
} from '../../types.ts';

/** A labelled custom value (CEF `cs1`/`cs1Label`…, LEEF its own key). */
export interface LabelledValue {
  readonly label: string;
  readonly value: string;
}

export interface EventView {
  /** `Security Center` or `KICS for Networks` (CEF deviceProduct / LEEF product). */
  readonly product: string;
  readonly productVersion: string;
  /** The vendor's event type (CEF signatureId, LEEF eventId). */
  readonly eventType: string;
  /** For people (CEF name). */
  readonly name: string;
  /** kconnect's common scale, 0 unknown, 1 Information … 4 Critical (src/intake/mappings/severity.ts). */
  readonly severityLevel: number;
  /** Epoch milliseconds, when the document has a time. */
  readonly time?: number;
  /** The intake source (`ksc.events`, …), also the syslog MSGID. */
  readonly source: string;
  readonly eventId?: string;
  readonly hostName?: string;
  readonly hostId?: string;
  readonly srcIp?: string;
  readonly srcPort?: number;
  readonly srcMac?: string;
  readonly dstIp?: string;
  readonly dstPort?: number;
  readonly dstMac?: string;
  readonly protocol?: string;
  readonly user?: string;
  readonly fileName?: string;
  readonly filePath?: string;
  readonly action?: string;
  readonly message?: string;
  readonly category?: string;
  /** At most six: what has no standard key (threat, rule, group, …). */
  readonly custom: readonly LabelledValue[];
}

type Json = PlainJson | undefined;

function at(document: Json, path: string): Json {
  let value: Json = document;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    // Numeric parts index arrays (`evidences.0.src_endpoint`).
    value = Array.isArray(value)
      ? value[Number(part)]
      : (value as { readonly [key: string]: PlainJson })[part];
  }
  return value;
}

function text(value: Json): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function int(value: Json): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

function timeOf(value: Json): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function first(value: Json): Json {
  return Array.isArray(value) ? value[0] : value;
}

function productOf(name: string | undefined, source: string): string {
  if (name !== undefined && /kics/i.test(name)) return 'KICS for Networks';
  if (name === undefined && source.startsWith('kics.')) return 'KICS for Networks';
  return 'Security Center';
}

/** The `custom` values that are present, in order, at most six (CEF has cs1…cs6). */
function labelled(pairs: ReadonlyArray<readonly [string, Json]>): LabelledValue[] {
  const out: LabelledValue[] = [];
  for (const [label, value] of pairs) {
    const shown = text(first(value));
    if (shown !== undefined && out.length < 6) out.push({ label, value: shown });
  }
  return out;
}

/** Drops absent members so the view is exact (`exactOptionalPropertyTypes`). */
function defined(view: { [K in keyof EventView]: EventView[K] | undefined }): EventView {
  return Object.fromEntries(
    Object.entries(view).filter(([, value]) => value !== undefined),
  ) as unknown as EventView;
}

const OCSF_TO_LEVEL: Readonly<Record<number, number>> = { 0: 0, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 4 };

function fromEcs(document: MappedDocument): EventView {
  const source = text(at(document, 'event.dataset')) ?? 'unknown';
  const eventType = text(at(document, 'event.code')) ?? source;
  return defined({
    product: productOf(text(at(document, 'observer.product')), source),
    productVersion: text(at(document, 'observer.version')) ?? '',
    eventType,
    name: text(at(document, 'event.action')) ?? eventType,
    severityLevel: int(at(document, 'event.severity')) ?? 0,
    time: timeOf(at(document, '@timestamp')),
    source,
    eventId: text(at(document, 'event.id')),
    hostName: text(at(document, 'host.name')) ?? text(first(at(document, 'related.hosts'))),
    hostId: text(at(document, 'host.id')),
    srcIp: text(at(document, 'source.ip')),
    srcPort: int(at(document, 'source.port')),
    srcMac: text(at(document, 'source.mac')),
    dstIp: text(at(document, 'destination.ip')),
    dstPort: int(at(document, 'destination.port')),
    dstMac: text(at(document, 'destination.mac')),
    protocol: text(at(document, 'network.transport')) ?? text(at(document, 'network.protocol')),
    user: text(at(document, 'user.name')),
    fileName: text(at(document, 'file.name')),
    filePath: text(at(document, 'file.path')),
    action: text(first(at(document, 'event.type'))),
    message: text(at(document, 'message')),
    category: text(first(at(document, 'event.category'))),
    custom: labelled([
      ['threat', at(document, 'threat.software.name')],
      ['threatType', at(document, 'threat.software.type')],
      ['rule', at(document, 'rule.name')],
      ['group', at(document, 'group.name')],
      ['domain', at(document, 'host.domain') ?? at(document, 'user.domain')],
      ['vulnerability', at(document, 'vulnerability.id')],
    ]),
  });
}

function fromOcsf(document: MappedDocument): EventView {
  const source = text(at(document, 'metadata.log_name')) ?? 'unknown';
  const eventType =
    text(first(at(document, 'finding_info.types'))) ?? text(at(document, 'type_uid')) ?? source;
  const src = at(document, 'src_endpoint') ?? at(document, 'evidences.0.src_endpoint');
  const dst = at(document, 'dst_endpoint') ?? at(document, 'evidences.0.dst_endpoint');
  return defined({
    product: productOf(text(at(document, 'metadata.product.name')), source),
    productVersion: text(at(document, 'metadata.product.version')) ?? '',
    eventType,
    name:
      text(at(document, 'finding_info.title')) ??
      text(at(document, 'type_name')) ??
      text(at(document, 'class_name')) ??
      eventType,
    severityLevel: OCSF_TO_LEVEL[int(at(document, 'severity_id')) ?? 0] ?? 0,
    time: timeOf(at(document, 'time')),
    source,
    eventId: text(at(document, 'finding_info.uid')) ?? text(at(document, 'metadata.uid')),
    hostName: text(at(document, 'device.name')),
    hostId: text(at(document, 'device.uid')),
    srcIp: text(at(src, 'ip')),
    srcPort: int(at(src, 'port')),
    srcMac: text(at(src, 'mac')),
    dstIp: text(at(dst, 'ip')),
    dstPort: int(at(dst, 'port')),
    dstMac: text(at(dst, 'mac')),
    protocol: text(at(document, 'connection_info.protocol_name')),
    user: text(at(document, 'actor.user.name')) ?? text(at(document, 'user.name')),
    message: text(at(document, 'message')),
    category: text(at(document, 'class_name')),
    custom: labelled([
      ['threat', at(document, 'malware.0.name')],
      ['rule', at(document, 'finding_info.analytic.name')],
      ['status', at(document, 'status')],
      ['vulnerability', at(document, 'vulnerabilities.0.cve.uid')],
    ]),
  });
}

const ecs = createEcsMapping();

function isSource(value: Json): value is SourceType {
  return typeof value === 'string' && (SOURCE_TYPES as readonly string[]).includes(value);
}

/** The record a `raw` document was made from (raw.ts's `rawDocument`, inverted). */
function recordOfRaw(document: MappedDocument): IntakeRecord | undefined {
  const { source, key, time, data, change, gap } = document;
  if (!isSource(source) || typeof key !== 'string' || typeof time !== 'string') return undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (gap === true) return { kind: 'gap', source, key, time, data };
  const changed: { change?: AssetChange } =
    change === 'snapshot' || change === 'added' || change === 'changed' || change === 'removed'
      ? { change }
      : {};
  return { kind: 'record', source, key, time, data, ...changed };
}

function fallback(document: MappedDocument): EventView {
  const source =
    text(document['source']) ?? text(document['Event Type']) ?? text(at(document, 'metadata.log_name'));
  const eventType = text(document['Event Type']) ?? source ?? 'event';
  return defined({
    product: productOf(undefined, source ?? ''),
    productVersion: '',
    eventType,
    name: text(document['Event name']) ?? eventType,
    severityLevel: int(document['Severity numeric ID']) ?? 0,
    time: timeOf(document['Start Time'] ?? document['time']),
    source: source ?? 'unknown',
    eventId: text(document['Unique Event Key']) ?? text(document['key']),
    hostName: text(document['Hostname']),
    message: text(document['Description']),
    custom: [],
  });
}

/** The event a mapped document describes, for CEF and LEEF. */
export function eventViewOf(document: MappedDocument): EventView {
  if (typeof document['class_uid'] === 'number' && at(document, 'metadata') !== undefined) {
    return fromOcsf(document);
  }
  if (document['@timestamp'] !== undefined && at(document, 'event.dataset') !== undefined) {
    return fromEcs(document);
  }
  const record = recordOfRaw(document);
  if (record !== undefined) {
    const [mapped] = ecs.map(record);
    if (mapped !== undefined) return fromEcs(mapped);
  }
  return fallback(document);
}
