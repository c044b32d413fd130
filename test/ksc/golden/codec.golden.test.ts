/**
 * The KLOAPI codec's wire output, pinned: every case below is encoded and compared byte for byte with the
 * checked-in fixture `kloapi-wire.txt` (reviewed against the README's table and spec §3), then decoded back from
 * the fixture. A change of the wire format fails here first; when it is intended, rewrite the fixture with
 * `KCONNECT_UPDATE_GOLDEN=1 npx vitest run test/ksc/golden` and review its diff like code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  decodeArguments,
  decodeValue,
  encodeArguments,
  encodeValue,
  INT32_MAX,
  INT32_MIN,
  INT64_MAX,
  INT64_MIN,
  KlDate,
  KlDouble,
  KlFloat,
  parseWireJson,
  stringifyValue,
  stringifyWireJson,
  type KlArgument,
  type KlArguments,
  type KlParams,
  type KlValue,
} from '../../../src/ksc/index.ts';

const FIXTURE = new URL('./kloapi-wire.txt', import.meta.url);

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
const SPEC_DATETIME = new Date('2016-09-19T15:22:35Z');

/** A value inside a params container or an array (spec §3.2): `decoded` when it reads back otherwise. */
interface ValueCase {
  readonly name: string;
  readonly value: KlValue;
  readonly decoded?: KlValue;
}

/** A request body of named method arguments (spec §3.1), and what decoding that body gives. */
interface ArgumentsCase {
  readonly name: string;
  readonly args: KlArguments;
  readonly decoded?: Record<string, KlArgument>;
}

const VALUES: readonly ValueCase[] = [
  { name: 'string', value: 'WIN10-PC01' },
  { name: 'string, empty', value: '' },
  { name: 'string, escapes and non-ASCII', value: 'tab\t"quoted" back\\slash\nÜmlaut 日本 \u0001' },
  { name: 'bool true', value: true },
  { name: 'bool false', value: false },
  { name: 'int 0', value: 0 },
  { name: 'int, 32-bit minimum', value: INT32_MIN },
  { name: 'int, 32-bit maximum', value: INT32_MAX },
  { name: 'long', value: 1234n },
  { name: 'long 0', value: 0n },
  { name: 'long -1', value: -1n },
  { name: 'long, 2^53 - 1', value: 2n ** 53n - 1n },
  { name: 'long, 2^53 + 1', value: 2n ** 53n + 1n },
  { name: 'long, 64-bit maximum', value: INT64_MAX },
  { name: 'long, 64-bit minimum', value: INT64_MIN },
  { name: 'datetime', value: SPEC_DATETIME },
  {
    name: 'datetime, milliseconds dropped',
    value: new Date('2024-02-29T23:59:59.999Z'),
    decoded: new Date('2024-02-29T23:59:59Z'),
  },
  { name: 'datetime, year 1', value: new Date('0001-01-01T00:00:00Z') },
  { name: 'datetime, empty', value: new Date(Number.NaN) },
  { name: 'date', value: new KlDate('2016-09-19') },
  { name: 'float', value: new KlFloat(1.5) },
  { name: 'float, integral', value: new KlFloat(2) },
  { name: 'double, integral', value: new KlDouble(3) },
  { name: 'double, from a non-integer number', value: 2.25, decoded: new KlDouble(2.25) },
  { name: 'double, negative', value: new KlDouble(-0.5) },
  { name: 'double, tiny', value: new KlDouble(1e-7) },
  { name: 'double, huge', value: new KlDouble(1e21) },
  { name: 'binary', value: text('sometext') },
  { name: 'binary, empty', value: bytes() },
  { name: 'binary, base64 + and /', value: bytes(0xfb, 0xff) },
  { name: 'array, empty', value: [] },
  { name: 'array with null', value: ['x', null, 1n] },
  { name: 'array of arrays', value: [[1, 2], [null], []] },
  { name: 'array of typed values (spec example)', value: [new KlDate('2016-09-19'), SPEC_DATETIME] },
  { name: 'params, empty', value: {} },
  { name: 'params, nested', value: { a: 1, b: { c: 'x' } } },
  { name: 'params, members in insertion order', value: { zulu: 1, alpha: 2, mike: 3 } },
  {
    name: 'params, an undefined member is absent',
    value: { present: 'yes', absent: undefined } as unknown as KlParams,
    decoded: { present: 'yes' },
  },
  {
    name: 'params, every type',
    value: {
      str: 'x',
      bool: true,
      int: 7,
      long: 2n ** 62n,
      datetime: SPEC_DATETIME,
      date: new KlDate('2016-09-19'),
      float: new KlFloat(0.25),
      double: new KlDouble(10),
      binary: text('sometext'),
      array: ['a', null],
      params: { inner: 1n },
    },
  },
  {
    name: 'params, the chart example of spec §3.2',
    value: {
      KLRPT_CHART_DATA: [{ data: [20, 10, 1], name: '2 days ago' }],
      TIME_CREATED: new Date('2020-04-08T12:22:35Z'),
    },
  },
  { name: 'params, an order spec (vecFieldsToOrder element)', value: { Name: 'rise_time', Asc: false } },
  {
    name: 'params, PxgError locdata',
    value: { format: "Unknown name of device '%1'", 'format-id': 5, locmodule: 'KLSTD', args: ['WIN-1'] },
  },
];

const ARGUMENTS: readonly ArgumentsCase[] = [
  { name: 'no arguments', args: {} },
  {
    name: 'HostGroup.FindHosts',
    args: {
      wstrFilter: '(KLHST_WKS_DN = "WIN-1")',
      vecFieldsToReturn: ['KLHST_WKS_DN', 'KLHST_WKS_HOSTNAME'],
      vecFieldsToOrder: [{ Name: 'KLHST_WKS_DN', Asc: true }],
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
      lMaxLifeTime: 600,
    },
  },
  { name: 'HostGroup.AddGroup', args: { pInfo: { name: 'SOC', parentId: 0 } } },
  {
    name: 'ChunkAccessor.GetItemsChunk',
    args: { strAccessor: 'ua1eizhXcYqZUuv64j8yB1', nStart: 0, nCount: 100 },
  },
  { name: 'long beyond 2^53, bare', args: { llValue: INT64_MAX, llMin: INT64_MIN } },
  // Without a type word a safe long reads back as a number: the method's signature tells it is a long.
  { name: 'long within 2^53, bare', args: { llValue: 1234n }, decoded: { llValue: 1234 } },
  {
    name: 'datetime, bare string',
    args: { tmFrom: SPEC_DATETIME, tmEmpty: new Date(Number.NaN) },
    decoded: { tmFrom: '2016-09-19T15:22:35Z', tmEmpty: '' },
  },
  {
    name: 'date, binary, float and double, bare',
    args: {
      dDate: new KlDate('2016-09-19'),
      pBinary: text('sometext'),
      fRatio: new KlFloat(1.5),
      dfValue: new KlDouble(3),
    },
    decoded: { dDate: '2016-09-19', pBinary: 'c29tZXRleHQ=', fRatio: 1.5, dfValue: 3 },
  },
  {
    name: 'null kept, undefined left out',
    args: { pNull: null, pAbsent: undefined, bFlag: false },
    decoded: { pNull: null, bFlag: false },
  },
  { name: 'array elements typed', args: { pHostNames: ['WIN-1', null], vecIds: [1, 2n ** 62n] } },
  {
    name: 'params argument with typed members',
    args: {
      pSettings: {
        section: { KLHST_WKS_DN: 'WIN-1', when: SPEC_DATETIME, size: 5n, ratio: new KlDouble(0.5) },
      },
    },
  },
];

function render(): string {
  const header = [
    '# KLOAPI wire text of kconnect (src/ksc/codec.ts), checked by test/ksc/golden/codec.golden.test.ts byte for',
    '# byte. "value <name>": a value inside a params container or an array (spec §3.2: typed, {"type":…,"value":…}',
    '# for long, datetime, date, float, double, binary, params). "arguments <name>": a request body of named method',
    '# arguments (spec §3.1: plain JSON at the top, typed inside containers). The line after a name is the exact',
    '# wire text. Reviewed against the README (KLOAPI values) and spec §3; change only with the codec, on purpose.',
  ];
  const blocks = [
    ...VALUES.map((c) => `value ${c.name}\n${stringifyWireJson(encodeValue(c.value, '', true))}`),
    ...ARGUMENTS.map((c) => `arguments ${c.name}\n${encodeArguments(c.args)}`),
  ];
  return `${header.join('\n')}\n\n${blocks.join('\n\n')}\n`;
}

/** The fixture's cases: name line → wire text. */
function parseFixture(content: string): Map<string, string> {
  const cases = new Map<string, string>();
  const lines = content.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  for (let i = 0; i + 1 < lines.length; i += 2) cases.set(lines[i]!, lines[i + 1]!);
  return cases;
}

if (process.env['KCONNECT_UPDATE_GOLDEN'] === '1') writeFileSync(FIXTURE, render());
const fixture = readFileSync(FIXTURE);
const wire = parseFixture(fixture.toString('utf8'));

function wireOf(name: string): string {
  const found = wire.get(name);
  if (found === undefined) throw new Error(`no case "${name}" in ${FIXTURE.pathname}`);
  return found;
}

describe('the KLOAPI codec against its golden wire text', () => {
  it('encodes every case to the bytes of the fixture', () => {
    const rendered = render();
    expect(rendered).toBe(fixture.toString('utf8'));
    expect(Buffer.from(rendered, 'utf8').equals(fixture)).toBe(true);
  });

  it.each(VALUES.map((c) => [c.name, c] as const))(
    'value %s: the text encoder writes the same bytes',
    (name, c) => {
      expect(stringifyValue(c.value, true)).toBe(wireOf(`value ${name}`));
    },
  );

  it.each(VALUES.map((c) => [c.name, c] as const))('value %s decodes back from the fixture', (name, c) => {
    expect(decodeValue(parseWireJson(wireOf(`value ${name}`)), '', true)).toEqual(c.decoded ?? c.value);
  });

  it.each(ARGUMENTS.map((c) => [c.name, c] as const))(
    'arguments %s decode back from the fixture',
    (name, c) => {
      const expected = c.decoded ?? (c.args as Record<string, KlArgument>);
      expect(decodeArguments(wireOf(`arguments ${name}`))).toEqual(expected);
    },
  );
});
