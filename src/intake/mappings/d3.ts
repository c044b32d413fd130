/**
 * The `d3` mapping: D3 SOAR's event field mapping. For KSC events, seed 001's "Fetch Event Field Mapping" as D3
 * ships it (eight fields, their names and JSON paths verbatim); for the other sources the same eight fields from
 * the fields that mean the same. Custom fields follow D3's rules: the system name is the field name with spaces
 * turned into underscores behind two underscores, and the value is a JSONPath over the event as D3 sees it
 * (`{"type": "params", "value": {…}}`, so the seed's `.value.event_id` works as written).
 */
import { JSONPath } from 'jsonpath-plus';
import { z } from 'zod';
import type { PlainJson } from '../../commands/core/types.ts';
import type { IntakeRecord, MappedDocument, Mapping, PlainObject } from '../types.ts';
import { buildDocument, shapeFor, type FieldRule, type Shape } from './rules.ts';
import { kicsSeverity, kscSeverity } from './severity.ts';
import { isoUtc } from './time.ts';
import { numberOf, objectsOf, textOf } from './values.ts';

/** Seed 001's default field names, in its order. */
export const D3_DEFAULT_FIELDS = [
  'Event Type',
  'Event name',
  'Severity',
  'Severity numeric ID',
  'Hostname',
  'Description',
  'Unique Event Key',
  'Start Time',
] as const;
export type D3DefaultField = (typeof D3_DEFAULT_FIELDS)[number];

/** seed 001's "Main Event JSON Path": a custom path may start with it, as D3 shows full paths. */
export const D3_MAIN_EVENT_PATH = '$.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY';

export class D3MappingError extends Error {
  override readonly name = 'D3MappingError';
  constructor(
    readonly field: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`d3 mapping field "${field}" (${path}): ${reason}`);
  }
}

/** D3's system name of a custom field: `__` + the name with its spaces turned into underscores. */
export function d3SystemName(fieldName: string): string {
  return `__${fieldName.trim().replaceAll(' ', '_')}`;
}

/** The options of the d3 mapping in a pipeline's configuration. */
export const d3MappingOptionsSchema = z
  .object({
    fields: z
      .record(z.string().trim().min(1).max(200), z.string().trim().min(1).max(1000))
      .default({})
      .describe(
        'Custom fields: Field Name → JSONPath over the event ({"type": "params", "value": {…}}), e.g. ' +
          '{"Group": ".value.group_name"}; each lands under its D3 system name (__Group). Script expressions ' +
          '(?(…), (…)) are refused.',
      ),
    omit: z
      .array(z.enum(D3_DEFAULT_FIELDS))
      .default([])
      .describe("Built-in fields to leave out (D3's x on a default field mapping)"),
  })
  .strict();
export type D3MappingOptions = z.input<typeof d3MappingOptionsSchema>;

/** The event as D3's paths see it: KSC events get `severityName` as `fetch_event` adds it. */
function d3Item(record: IntakeRecord): PlainObject {
  const data = record.data;
  if (record.kind === 'record' && record.source === 'ksc.events' && data['severityName'] === undefined) {
    return {
      type: 'params',
      value: { ...data, severityName: kscSeverity(numberOf(data, 'GNRL_EA_SEVERITY')).name },
    };
  }
  return { type: 'params', value: data };
}

interface CompiledPath {
  readonly systemName: string;
  readonly path: string;
}

/** A JSONPath as jsonpath-plus takes it; refuses script expressions (no evaluation of configuration text). */
export function compileD3Path(field: string, path: string): string {
  const relative = path.startsWith(D3_MAIN_EVENT_PATH) ? path.slice(D3_MAIN_EVENT_PATH.length) : path;
  const normalized = relative.startsWith('$')
    ? relative
    : `$${relative.startsWith('[') || relative.startsWith('.') ? '' : '.'}${relative}`;
  let segments: string[];
  try {
    segments = JSONPath.toPathArray(normalized);
  } catch (error) {
    throw new D3MappingError(field, path, `not a JSONPath (${(error as Error).message})`);
  }
  if (segments.some((segment) => segment.startsWith('?(') || segment.startsWith('('))) {
    throw new D3MappingError(field, path, 'script expressions are not evaluated');
  }
  return normalized;
}

function evaluate(path: string, item: PlainObject): PlainJson | undefined {
  const found = JSONPath({ path, json: item, eval: false, wrap: true }) as PlainJson[];
  if (found.length === 0) return undefined;
  return found.length === 1 ? found[0] : found;
}

const field = (name: D3DefaultField, from: string, value: FieldRule['value']): FieldRule => ({
  field: name,
  from,
  value,
});

const assetEvent = (what: string): FieldRule[] => [
  field('Event Type', '`asset.` + the change (snapshot, added, changed, removed)', (_d, r) =>
    r.kind === 'record' && r.change !== undefined ? `asset.${r.change}` : 'asset',
  ),
  field(
    'Event name',
    `\`${what} \` + the change`,
    (_d, r) => `${what} ${r.kind === 'record' ? (r.change ?? 'snapshot') : 'snapshot'}`,
  ),
];

/** The d3 mapping's tables: what each built-in field comes from, per source. */
export const D3_SHAPES: readonly Shape[] = [
  {
    input: 'ksc.events',
    when: '',
    applies: () => true,
    rules: [
      field('Event Type', '.value.event_type', (d) => d['event_type']),
      field('Event name', '.value.event_type_display_name', (d) => d['event_type_display_name']),
      field(
        'Severity',
        '.value.severityName (from GNRL_EA_SEVERITY when absent, as fetch_event adds it)',
        (d) => textOf(d, 'severityName') ?? kscSeverity(numberOf(d, 'GNRL_EA_SEVERITY')).name,
      ),
      field('Severity numeric ID', '.value.GNRL_EA_SEVERITY', (d) => d['GNRL_EA_SEVERITY']),
      field('Hostname', '.value.hostname', (d) => d['hostname']),
      field('Description', '.value.GNRL_EA_DESCRIPTION', (d) => d['GNRL_EA_DESCRIPTION']),
      field('Unique Event Key', '.value.event_id', (d) => d['event_id']),
      field('Start Time', '.value.rise_time', (d) => d['rise_time']),
    ],
  },
  {
    input: 'kics.events',
    when: '',
    applies: () => true,
    rules: [
      field('Event Type', '.value.eventType', (d) => d['eventType']),
      field('Event name', '.value.title', (d) => d['title']),
      field('Severity', '.value.severity (Info, Warning, Critical)', (d) => d['severity']),
      field(
        'Severity numeric ID',
        'severity on the common scale (Info 1, Warning 2, Critical 4)',
        (d) => kicsSeverity(textOf(d, 'severity')).level || undefined,
      ),
      field('Hostname', '.value.assets[0].name', (d) => objectsOf(d, 'assets')[0]?.['name']),
      field('Description', '.value.description', (d) => d['description']),
      field('Unique Event Key', '.value.id', (d) => d['id']),
      field('Start Time', '.value.startTime', (d) => d['startTime']),
    ],
  },
  {
    input: 'kics.audit',
    when: '',
    applies: () => true,
    rules: [
      field('Event Type', '.value.action', (d) => d['action']),
      field(
        'Event name',
        '.value.action + " " + .value.result',
        (d) => [textOf(d, 'action'), textOf(d, 'result')].filter(Boolean).join(' ') || undefined,
      ),
      field('Hostname', '.value.node', (d) => d['node']),
      field('Description', '.value.description', (d) => d['description']),
      field('Unique Event Key', '.value.id', (d) => d['id']),
      field('Start Time', '.value.date', (d) => d['date']),
    ],
  },
  {
    input: 'kics.app-messages',
    when: '',
    applies: () => true,
    rules: [
      field('Event Type', '.value.descriptionId', (d) => d['descriptionId']),
      field('Event name', '.value.systemProcess', (d) => d['systemProcess']),
      field('Severity', '.value.status (Info, Warning, Error)', (d) => d['status']),
      field(
        'Severity numeric ID',
        'status on the common scale (Info 1, Warning 2, Error 3)',
        (d) => kicsSeverity(textOf(d, 'status')).level || undefined,
      ),
      field('Hostname', '.value.node', (d) => d['node']),
      field('Description', '.value.description', (d) => d['description']),
      field('Unique Event Key', '.value.id', (d) => d['id']),
      field('Start Time', '.value.date', (d) => d['date']),
    ],
  },
  {
    input: 'ksc.hosts',
    when: '',
    applies: () => true,
    rules: [
      ...assetEvent('Host'),
      field('Hostname', '.value.KLHST_WKS_HOSTNAME', (d) => d['KLHST_WKS_HOSTNAME']),
      field('Description', '.value.KLHST_WKS_DN', (d) => d['KLHST_WKS_DN']),
      field('Unique Event Key', 'the record key (host id and change)', (_d, r) => r.key),
      field('Start Time', 'the record time (when the change was seen)', (_d, r) => r.time),
    ],
  },
  {
    input: 'kics.devices',
    when: '',
    applies: () => true,
    rules: [
      ...assetEvent('Device'),
      field('Hostname', '.value.name', (d) => d['name']),
      field('Description', '.value.description', (d) => d['description']),
      field('Unique Event Key', 'the record key (device id and change)', (_d, r) => r.key),
      field('Start Time', 'the record time (when the change was seen)', (_d, r) => r.time),
    ],
  },
  {
    input: 'gap',
    when: 'records the source could not read any more',
    applies: () => true,
    rules: [
      field('Event Type', '`kconnect.gap`', () => 'kconnect.gap'),
      field('Event name', '`Records missing from <source>`', (_d, r) => `Records missing from ${r.source}`),
      field('Severity', '`Warning`', () => 'Warning'),
      field('Severity numeric ID', '`2`', () => 2),
      field('Description', 'what is known of the gap (its data as JSON)', (d) => JSON.stringify(d)),
      field('Unique Event Key', 'the gap record key', (_d, r) => r.key),
      field('Start Time', 'the gap record time', (_d, r) => isoUtc(r.time) ?? r.time),
    ],
  },
];

export function createD3Mapping(options: D3MappingOptions = {}): Mapping {
  const parsed = d3MappingOptionsSchema.parse(options);
  const omitted = new Set<string>(parsed.omit);
  const custom: CompiledPath[] = [];
  const taken = new Map<string, string>();
  for (const [name, path] of Object.entries(parsed.fields)) {
    const systemName = d3SystemName(name);
    const other = taken.get(systemName);
    if (other !== undefined)
      throw new D3MappingError(name, path, `its system name ${systemName} is also "${other}"'s`);
    taken.set(systemName, name);
    custom.push({ systemName, path: compileD3Path(name, path) });
  }
  const shapes = D3_SHAPES.map((shape) => ({
    ...shape,
    rules: shape.rules.filter((rule) => !omitted.has(rule.field)),
  }));
  return {
    name: 'd3',
    map(record): readonly MappedDocument[] {
      const shape = shapeFor(shapes, record);
      const document: { [key: string]: PlainJson } =
        shape === undefined ? {} : { ...buildDocument(shape, record, { nested: false }) };
      if (custom.length > 0) {
        const item = d3Item(record);
        for (const { systemName, path } of custom) {
          const value = evaluate(path, item);
          if (value !== undefined && value !== null) document[systemName] = value;
        }
      }
      return [document];
    },
  };
}
