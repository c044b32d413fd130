/**
 * The query module against the plain evaluator of test/emulator/kics/support/plain-filter.ts: random documents,
 * random valid query arguments (every condition, and/or, groups to the third level, case and spelling
 * variants, sort, offset, limit). The page must be the plain one; keyBounds must be sound (no matching document
 * outside it) and, when exact, complete (every document inside it matches).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Device, KicsEvent, Vulnerability } from '../../../../src/kics/model.ts';
import {
  compileFilter,
  DEVICES,
  ENUM_ALIASES,
  EVENTS,
  keyBounds,
  parseQueryArgument,
  queryPage,
  VULNERABILITIES,
  type FieldSpec,
  type KeyBounds,
  type ResourceSpec,
} from '../../../../src/emulator/kics/query/index.ts';
import { communication, makeDevice, makeEvent, makeVulnerability } from '../support/documents.ts';
import { plainQuery } from '../support/plain-filter.ts';

// --- pools: few distinct values, so conditions match some documents and miss others ---------------------------

const WORDS = ['alpha', 'Beta', 'GAMMA', '10.0.0.1', '10.0.0.2', ''];
const INTS = [0, 1, 2, 3, 502, 102];
const SCORES = [0, 5, 7.5, 9.8];
const INSTANTS = [
  Date.UTC(2024, 4, 1, 10),
  Date.UTC(2024, 4, 1, 10, 0, 0, 500),
  Date.UTC(2024, 4, 2),
  Date.UTC(2023, 0, 1),
];

const word = fc.constantFrom(...WORDS);
const maybeWord = fc.option(word, { nil: null });
const smallInt = fc.constantFrom(...INTS);
const maybeInt = fc.option(smallInt, { nil: null });
const instant = fc.constantFrom(...INSTANTS);
const zoned = instant.map((ms) => new Date(ms).toISOString());
const zoneless = instant.map((ms) => new Date(ms).toISOString().replace(/(\.000)?Z$/, ''));

const randomCase = (text: string) => fc.constantFrom(text, text.toUpperCase(), text.toLowerCase());

const eventArbitrary = (id: number) =>
  fc
    .record({
      title: word,
      severity: fc.constantFrom('Info', 'Warning', 'Critical' as const),
      technology: fc.constantFrom('Dpi', 'Nic', 'Cc', 'External' as const),
      status: fc.constantFrom('Proposed', 'Active', 'Resolved' as const),
      origin: fc.constantFrom('Unknown', 'System', 'User' as const),
      mark: fc.integer({ min: 0, max: 3 }),
      eventType: fc.constantFrom(4000005003, 4000002600),
      totalAppearances: smallInt,
      monitoringPointId: smallInt,
      startTime: zoned,
      lastSeenTime: zoned,
      protocol: word,
      triggeredRule: word,
      communications: fc.array(
        fc.record({
          source: fc.record({
            ipAddress: maybeWord,
            port: maybeInt,
            macAddress: maybeWord,
            applicationLevelAddress: maybeWord,
          }),
          destination: fc.record({
            ipAddress: maybeWord,
            port: maybeInt,
            macAddress: maybeWord,
            applicationLevelAddress: maybeWord,
          }),
          vlanId: maybeInt,
        }),
        { maxLength: 2 },
      ),
    })
    .map((fields): KicsEvent =>
      makeEvent({ id, ...fields, communications: fields.communications.map((c) => communication(c)) }),
    );

const deviceArbitrary = (id: number) =>
  fc
    .record({
      name: word,
      status: fc.constantFrom('Unauthorized', 'Recognized', 'Archived' as const),
      category: fc.constantFrom('Plc', 'EngineeringStation', 'Server' as const),
      group: word,
      securityState: fc.constantFrom('Ok', 'Critical' as const),
      lastSeen: zoneless,
      lastModified: zoneless,
      created: zoneless,
      os: maybeWord,
      hardwareVendor: maybeWord,
      softwareVersion: maybeWord,
      networkName: maybeWord,
      labels: fc.array(word, { maxLength: 2 }),
      addressInformation: fc.array(
        fc.record({
          macAddress: maybeWord,
          ipAddresses: fc.array(
            word.map((ip) => ({ ip })),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 2 },
      ),
      vulnerabilities: fc.array(
        fc.record({ assetVulnerabilityId: smallInt, cveId: word, state: word, cvsScore: fc.constant(5) }),
        { maxLength: 2 },
      ),
      processControlSettings: fc.option(
        fc.constant({ projectName: 'p', readTime: '2024-01-01T00:00:00', modules: [] }),
        {
          nil: null,
        },
      ),
      epp: fc.option(
        fc.record({ name: word, version: fc.constant('1'), rtpState: word, lastSync: zoneless }),
        { nil: null },
      ),
    })
    .map((fields): Device => makeDevice({ id, ...fields }));

const vulnerabilityArbitrary = (assetVulnerabilityId: number) =>
  fc
    .record({
      cveId: word,
      cvsScore: fc.constantFrom(...SCORES),
      state: word,
      assetName: word,
      firstDetected: zoned,
      published: zoned,
      cveSource: word,
    })
    .map((fields): Vulnerability => makeVulnerability({ assetVulnerabilityId, ...fields }));

function documents<T>(make: (key: number) => fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc
    .uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 25 })
    .chain((keys) => (keys.length === 0 ? fc.constant([]) : fc.tuple(...keys.map(make))));
}

// --- query arguments -------------------------------------------------------------------------------------------

const KEY_WEIGHT = 3;

function valueFor<T>(field: FieldSpec<T>): fc.Arbitrary<unknown> {
  const type = field.type;
  switch (type.kind) {
    case 'integer':
      return fc.oneof(
        smallInt,
        smallInt.map(String),
        fc.integer({ min: 0, max: 45 }),
        fc.constantFrom(4000005003, '4000002600'),
      );
    case 'number':
      return fc.oneof(fc.constantFrom(...SCORES), fc.constantFrom(...SCORES).map(String));
    case 'string':
      return word.chain(randomCase);
    case 'datetime':
      return instant.chain((ms) =>
        fc.constantFrom(
          new Date(ms).toISOString(),
          // The same instant two hours east.
          new Date(ms + 7_200_000).toISOString().replace('Z', '+02:00'),
          new Date(ms - 1).toISOString().toLowerCase(),
        ),
      );
    case 'boolean':
      return fc.constantFrom(true, false, 'TRUE', 'false');
    case 'enum': {
      const spellings = [...type.members, ...Object.keys(ENUM_ALIASES[type.name] ?? {})];
      return fc.constantFrom(...spellings).chain(randomCase);
    }
  }
}

function conditionFor<T>(spec: ResourceSpec<T>): fc.Arbitrary<Record<string, unknown>> {
  const weighted = spec.fields.map((field) => ({
    arbitrary: fc.constant(field),
    weight: field.name === spec.keyField ? KEY_WEIGHT : 1,
  }));
  return fc.oneof(...weighted).chain((field) => {
    const orderable = ['integer', 'number', 'datetime'].includes(field.type.kind);
    const conditions = orderable
      ? ['=', '<>', '>', '>=', '<', '<=', 'IsEmpty', 'IsOneOf']
      : ['=', '<>', 'IsEmpty', 'IsOneOf'];
    return fc
      .record({
        fieldName: randomCase(field.name),
        condition: fc.option(fc.constantFrom(...conditions).chain(randomCase), { nil: undefined }),
        single: valueFor(field),
        list: fc.array(valueFor(field), { maxLength: 3 }),
        operator: fc.option(fc.constantFrom('and', 'or', 'OR', 'And'), { nil: undefined }),
      })
      .map(({ fieldName, condition, single, list, operator }) => {
        const item: Record<string, unknown> = { field: fieldName };
        if (condition !== undefined) item['condition'] = condition;
        if (condition?.toLowerCase() === 'isoneof') item['value'] = list;
        else if (condition?.toLowerCase() !== 'isempty') item['value'] = single;
        if (operator !== undefined) item['operator'] = operator;
        return item;
      });
  });
}

function filterFor<T>(spec: ResourceSpec<T>): fc.Arbitrary<unknown[]> {
  const condition = conditionFor(spec);
  const level3 = fc.array(condition, { minLength: 1, maxLength: 3 });
  const level2 = fc.array(fc.oneof({ arbitrary: condition, weight: 3 }, { arbitrary: level3, weight: 1 }), {
    minLength: 1,
    maxLength: 3,
  });
  return fc.array(fc.oneof({ arbitrary: condition, weight: 3 }, { arbitrary: level2, weight: 1 }), {
    maxLength: 4,
  });
}

function bodyFor<T>(spec: ResourceSpec<T>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      filter: fc.option(filterFor(spec), { nil: null }),
      sort: fc.constantFrom(
        null,
        [],
        [{ column: spec.sortColumn, order: 'desc' }],
        [{ columnName: spec.sortColumn.toUpperCase(), direction: 'ascending' }],
        [{ column: spec.sortColumn, isAscending: false }],
      ),
      offset: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
      limit: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
    },
    { requiredKeys: [] },
  );
}

// --- checks ----------------------------------------------------------------------------------------------------

function withinBounds(bounds: KeyBounds, key: number): boolean {
  const { lower, upper, ids } = bounds;
  if (lower !== null && !(key > lower.value || (lower.inclusive && key === lower.value))) return false;
  if (upper !== null && !(key < upper.value || (upper.inclusive && key === upper.value))) return false;
  return ids === null || ids.includes(key);
}

function checkResource<T>(spec: ResourceSpec<T>, docsArbitrary: fc.Arbitrary<T[]>, runs: number): void {
  fc.assert(
    fc.property(docsArbitrary, bodyFor(spec), fc.boolean(), (docs, body, wrap) => {
      const request = wrap ? { query: body } : body;
      const query = parseQueryArgument(request, spec);
      const keys = (page: readonly T[]) => page.map(spec.key);
      expect(keys(queryPage(docs, query, spec))).toEqual(keys(plainQuery(docs, request, spec.resource)));

      const matches = compileFilter(query, spec);
      const bounds = keyBounds(query, spec);
      for (const doc of docs) {
        const inside = withinBounds(bounds, spec.key(doc));
        if (matches(doc)) expect(inside).toBe(true);
        if (bounds.exact && inside) expect(matches(doc)).toBe(true);
      }
    }),
    { numRuns: runs },
  );
}

describe('the query module agrees with the plain evaluator', () => {
  it('on events', () => {
    checkResource(EVENTS, documents(eventArbitrary), 400);
  });

  it('on devices', () => {
    checkResource(DEVICES, documents(deviceArbitrary), 400);
  });

  it('on vulnerabilities (sorted by assetVulnerabilityId)', () => {
    checkResource(VULNERABILITIES, documents(vulnerabilityArbitrary), 200);
  });
});
