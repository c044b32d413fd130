import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeArgument,
  decodeArguments,
  decodeValue,
  encodeArguments,
  encodeValue,
  kl,
  KlDate,
  KlDouble,
  KlFloat,
  KlValueError,
  parseWireJson,
  stringifyWireJson,
  type KlValue,
} from '../../src/ksc/index.ts';

import { formatDateTime } from '../../src/ksc/codec.ts';

const roundTrip = (text: string): string => encodeArguments(decodeArguments(text));

function valueErrorOf(fn: () => unknown): KlValueError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KlValueError) return error;
    throw error;
  }
  throw new Error('expected a KlValueError');
}

describe('typed values inside params containers (spec §3.2)', () => {
  const cases: Array<[string, KlValue, unknown, KlValue?]> = [
    ['string', 'WIN10-PC01', 'WIN10-PC01'],
    ['bool', true, true],
    ['int', -2147483648, -2147483648],
    ['long', 1234n, { type: 'long', value: 1234 }],
    ['datetime', new Date('2016-09-19T15:22:35Z'), { type: 'datetime', value: '2016-09-19T15:22:35Z' }],
    ['date', new KlDate('2016-09-19'), { type: 'date', value: '2016-09-19' }],
    ['binary', new Uint8Array(Buffer.from('sometext')), { type: 'binary', value: 'c29tZXRleHQ=' }],
    ['float', new KlFloat(1.5), { type: 'float', value: 1.5 }],
    ['double', new KlDouble(3), { type: 'double', value: 3 }],
    ['non-integer number as double', 2.25, { type: 'double', value: 2.25 }, new KlDouble(2.25)],
    [
      'nested params',
      { a: 1, b: { c: 'x' } },
      { type: 'params', value: { a: 1, b: { type: 'params', value: { c: 'x' } } } },
    ],
    ['array with null', ['x', null, 1n], ['x', null, { type: 'long', value: 1 }]],
  ];
  it.each(cases)('%s encodes to the documented wire form and decodes back', (_name, value, wire, decoded) => {
    expect(encodeValue(value)).toEqual(wire);
    expect(decodeValue(encodeValue(value), '', true)).toEqual(decoded ?? value);
  });

  it('encodes the nested chart example of the spec exactly', () => {
    const params = {
      KLRPT_CHART_DATA: [{ data: [20, 10, 1], name: '2 days ago' }],
      TIME_CREATED: new Date('2020-04-08T12:22:35Z'),
    };
    expect(encodeArguments({ pParams: params })).toBe(
      '{"pParams":{"KLRPT_CHART_DATA":[{"type":"params","value":{"data":[20,10,1],"name":"2 days ago"}}],' +
        '"TIME_CREATED":{"type":"datetime","value":"2020-04-08T12:22:35Z"}}}',
    );
  });

  it('encodes an ordering spec as an array of params', () => {
    expect(encodeArguments({ vecFieldsToOrder: [{ Name: 'rise_time', Asc: false }] })).toBe(
      '{"vecFieldsToOrder":[{"type":"params","value":{"Name":"rise_time","Asc":false}}]}',
    );
  });
});

describe('method-level values (spec §3.1)', () => {
  it('sends plain JSON for arguments: datetime as a string, long as a number, params as a plain object', () => {
    const body = encodeArguments({
      wstrFilter: '',
      lMaxLifeTime: 1200,
      tmSince: new Date('2024-01-02T03:04:05Z'),
      llBig: 9007199254740993n,
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
      omitted: undefined,
      nothing: null,
    });
    expect(body).toBe(
      '{"wstrFilter":"","lMaxLifeTime":1200,"tmSince":"2024-01-02T03:04:05Z","llBig":9007199254740993,' +
        '"pParams":{"KLGRP_FIND_FROM_CUR_VS_ONLY":true},"nothing":null}',
    );
  });

  it('sends {} when there are no arguments and accepts an empty body', () => {
    expect(encodeArguments()).toBe('{}');
    expect(decodeArguments('')).toEqual({});
  });

  it('accepts a params argument wrapped as {"type":"params"} as go-ksc sends it', () => {
    expect(decodeArgument({ type: 'params', value: { KLHST_WKS_DN: 'x' } })).toEqual({ KLHST_WKS_DN: 'x' });
  });

  it('reads a real FindHosts chunk', () => {
    const decoded = decodeArguments(
      '{"pChunk":{"KLCSP_ITERATOR_ARRAY":[{"type":"params","value":{"KLHST_WKS_DN":"WIN10-PC01",' +
        '"KLHST_WKS_IP_LONG":{"type":"long","value":3232235777},' +
        '"KLHST_WKS_LAST_VISIBLE":{"type":"datetime","value":"2023-06-01T08:00:00Z"}}}]},"PxgRetVal":1}',
    );
    expect(decoded['PxgRetVal']).toBe(1);
    expect(decoded['pChunk']).toEqual({
      KLCSP_ITERATOR_ARRAY: [
        {
          KLHST_WKS_DN: 'WIN10-PC01',
          KLHST_WKS_IP_LONG: 3232235777n,
          KLHST_WKS_LAST_VISIBLE: new Date('2023-06-01T08:00:00Z'),
        },
      ],
    });
  });
});

describe('lossless round trips', () => {
  it.each([
    '{"p":{"a":{"type":"long","value":9223372036854775807},"b":{"type":"long","value":-9223372036854775808}}}',
    '{"lValue":9223372036854775807,"lMin":-9223372036854775808}',
    '{"PxgRetVal":[null,{"type":"long","value":9007199254740993},{"type":"datetime","value":""}]}',
    '{"p":{"d":{"type":"double","value":1e+300},"f":{"type":"float","value":-0.5},"e":{"type":"date","value":"2024-02-29"}}}',
  ])('decode → encode reproduces %s byte for byte', (text) => {
    expect(roundTrip(text)).toBe(text);
  });

  it('never rounds a JSON integer beyond 2^53', () => {
    expect(parseWireJson('[9007199254740993, -9007199254740993, 9007199254740991]')).toEqual([
      9007199254740993n,
      -9007199254740993n,
      9007199254740991,
    ]);
  });

  it('keeps the empty datetime', () => {
    const decoded = decodeValue({ type: 'datetime', value: '' });
    expect(decoded).toBeInstanceOf(Date);
    expect(Number.isNaN((decoded as Date).getTime())).toBe(true);
    expect(encodeValue(decoded as Date)).toEqual({ type: 'datetime', value: '' });
  });

  it('parses every JSON text JSON.parse accepts, to the same value when no integer is unsafe', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const expected: unknown = JSON.parse(text);
        // JSON.parse may already have rounded a large integer; compare at its precision.
        expect(bigintsAsNumbers(parseWireJson(text))).toEqual(expected);
        // Force the exact parser (not the JSON.parse fast path) with a sixteen-digit run inside a string.
        expect(bigintsAsNumbers(parseWireJson(`[${text},"1234567890123456"]`))).toEqual([
          expected,
          '1234567890123456',
        ]);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips arbitrary 64-bit integers exactly through text', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), (values) => {
        const text = stringifyWireJson(values);
        expect(text).toBe(`[${values.join(',')}]`);
        expect(parseWireJson(text)).toEqual(
          values.map((v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v)),
        );
      }),
    );
  });

  it('does not let a string forge a big integer', () => {
    const tricky = '\u0000kl-deadbeef:123';
    expect(stringifyWireJson({ s: tricky, n: 2n ** 62n })).toBe(
      `{"s":${JSON.stringify(tricky)},"n":${(2n ** 62n).toString()}}`,
    );
  });

  const secondPrecisionDate = fc
    .integer({ min: -62135596800, max: 253402300799 })
    .map((seconds) => new Date(seconds * 1000));
  // `n + 0` turns -0 into 0: JSON has no negative zero that JSON.stringify would write.
  const scalar: fc.Arbitrary<KlValue> = fc.oneof(
    fc.string(),
    fc.boolean(),
    fc.integer({ min: -2147483648, max: 2147483647 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    secondPrecisionDate,
    fc.constant(new Date(Number.NaN)),
    secondPrecisionDate.map((d) => new KlDate(d.toISOString().slice(0, 10))),
    fc.uint8Array({ maxLength: 40 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => new KlDouble(n + 0)),
    fc.float({ noNaN: true, noDefaultInfinity: true }).map((n) => new KlFloat(n + 0)),
  );
  const { value: anyValue } = fc.letrec<{ value: KlValue; array: KlValue; params: KlValue }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('params')),
    array: fc.array(fc.option(tie('value'), { nil: null }), { maxLength: 5 }) as fc.Arbitrary<KlValue>,
    params: fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), {
      maxKeys: 5,
    }) as fc.Arbitrary<KlValue>,
  }));

  it('round-trips arbitrary nested values: encode → text → decode gives the same value and the same text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 4 }), (params) => {
        const text = encodeArguments({ pParams: params, vecItems: Object.values(params) });
        const decoded = decodeArguments(text);
        expect(encodeArguments(decoded)).toBe(text);
        expect(stripInvalidDates(decoded['pParams'])).toEqual(stripInvalidDates(params));
      }),
      { numRuns: 1000 },
    );
  });
});

function bigintsAsNumbers(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(bigintsAsNumbers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bigintsAsNumbers(v)]));
  }
  return value;
}

/** toEqual treats two invalid Dates as different; map them to a marker for the structural comparison. */
function stripInvalidDates(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'INVALID_DATE' : value;
  if (Array.isArray(value)) return value.map(stripInvalidDates);
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    !(value instanceof KlDate) &&
    !(value instanceof KlFloat) &&
    !(value instanceof KlDouble)
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripInvalidDates(v)]));
  }
  return value;
}

describe('values that cannot be encoded are typed errors naming their path', () => {
  it('null inside a params container', () => {
    const error = valueErrorOf(() => encodeArguments({ pInfo: { name: 'g', parentId: null as never } }));
    expect(error.path).toBe('pInfo.parentId');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('pInfo.parentId: null is not allowed inside a params container');
  });

  it('an int outside 32 bits inside params, and where an int is declared', () => {
    expect(valueErrorOf(() => encodeArguments({ pParams: { list: [1, 2 ** 31] } })).path).toBe(
      'pParams.list[1]',
    );
    const declared = valueErrorOf(() => encodeArguments({ nStart: 2 ** 31 }, { nStart: 'int' }));
    expect(declared.path).toBe('nStart');
    expect(declared.reason).toBe('2147483648 does not fit a 32-bit int');
    expect(encodeArguments({ nStart: 2 ** 31 - 1 }, { nStart: 'int' })).toBe('{"nStart":2147483647}');
  });

  it('a long outside 64 bits', () => {
    expect(valueErrorOf(() => encodeArguments({ p: { x: 2n ** 63n } })).path).toBe('p.x');
  });

  it('binary that is not base64, a malformed datetime, an unknown type word', () => {
    expect(
      valueErrorOf(() => decodeArguments('{"p":{"b":{"type":"binary","value":"not base64!"}}}')).path,
    ).toBe('p.b');
    expect(
      valueErrorOf(() => decodeArguments('{"p":{"t":{"type":"datetime","value":"2024-02-30T00:00:00Z"}}}'))
        .path,
    ).toBe('p.t');
    expect(
      valueErrorOf(() => decodeArguments('{"p":{"t":{"type":"datetime","value":"2024-01-01 00:00:00"}}}'))
        .path,
    ).toBe('p.t');
    expect(valueErrorOf(() => decodeArguments('{"p":{"a":[{"type":"uuid","value":"x"}]}}')).path).toBe(
      'p.a[0]',
    );
  });

  it('NaN, infinities, functions and class instances', () => {
    expect(valueErrorOf(() => encodeArguments({ p: { x: Number.NaN } })).path).toBe('p.x');
    expect(valueErrorOf(() => encodeArguments({ x: Number.POSITIVE_INFINITY })).path).toBe('x');
    expect(valueErrorOf(() => encodeArguments({ p: { m: new Map() as never } })).reason).toMatch(/Map/);
  });

  it('kl constructors check at construction', () => {
    expect(kl.long('9223372036854775807')).toBe(9223372036854775807n);
    expect(() => kl.long('9223372036854775808')).toThrow(KlValueError);
    expect(() => kl.int(2 ** 31)).toThrow(KlValueError);
    expect(() => kl.date('2024-13-01')).toThrow(KlValueError);
    expect(kl.datetime('')).toBeInstanceOf(Date);
  });
});

describe('the text encoder', () => {
  it('writes exactly what encode → stringifyWireJson writes, for arbitrary values', async () => {
    const { stringifyParams, stringifyValue, encodeParams } = await import('../../src/ksc/index.ts');
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 12 }),
          fc.oneof(
            fc.string(),
            fc.integer({ min: -2147483648, max: 2147483647 }),
            fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
            fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
            fc.boolean(),
            fc.uint8Array({ maxLength: 10 }),
            fc.integer({ min: 0, max: 253402300799 }).map((s) => new Date(s * 1000)),
            fc.array(fc.option(fc.string(), { nil: null }), { maxLength: 3 }),
          ),
        ),
        (params) => {
          expect(stringifyParams(params)).toBe(stringifyWireJson(encodeParams(params)));
          expect(stringifyValue(params)).toBe(stringifyWireJson(encodeValue(params)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reports the path of a value it cannot encode', async () => {
    const { stringifyParams } = await import('../../src/ksc/index.ts');
    expect(valueErrorOf(() => stringifyParams({ a: [{ b: null as never }] })).path).toBe('a[0].b');
    expect(valueErrorOf(() => stringifyParams({ n: 2 ** 40 })).path).toBe('n');
  });
});

describe('formatDateTime', () => {
  it('equals the ISO form without milliseconds for any time in years 0000–9999, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({
            min: new Date('0000-01-01T00:00:00Z').getTime(),
            max: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
          }),
          {
            minLength: 1,
            maxLength: 50,
          },
        ),
        (times) => {
          for (const ms of times) {
            const date = new Date(ms);
            expect(formatDateTime(date)).toBe(`${date.toISOString().slice(0, 19)}Z`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('formats consecutive seconds of one day and the day boundary', () => {
    const start = Date.UTC(2026, 10, 22, 23, 59, 58);
    expect([0, 1000, 2000, 3000].map((d) => formatDateTime(new Date(start + d)))).toEqual([
      '2026-11-22T23:59:58Z',
      '2026-11-22T23:59:59Z',
      '2026-11-23T00:00:00Z',
      '2026-11-23T00:00:01Z',
    ]);
  });
});
