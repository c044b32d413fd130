import { describe, expect, it } from 'vitest';
import { parseDocumentTime, parseFilterTime } from '../../../../src/emulator/kics/query/index.ts';

describe('times of KICS queries', () => {
  it('reads document times: zone-less as UTC, Z, offsets, fractions cut to the millisecond', () => {
    const cases: Array<[string, number]> = [
      ['2020-10-26T10:15:06', Date.UTC(2020, 9, 26, 10, 15, 6)],
      ['2020-10-27T17:32:25Z', Date.UTC(2020, 9, 27, 17, 32, 25)],
      ['2024-09-12T10:16:52.3903517+00:00', Date.UTC(2024, 8, 12, 10, 16, 52, 390)],
      ['2024-02-29T23:59:59.9999', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
      ['2000-03-01T01:00:00+02:00', Date.UTC(2000, 1, 29, 23)],
      ['1969-12-31T23:59:59.5Z', -500],
    ];
    for (const [text, ms] of cases) expect(parseDocumentTime(text), text).toBe(ms);
    expect(parseDocumentTime('yesterday')).toBeNaN();
    expect(parseDocumentTime('2020-10-26T10:15:06 UTC')).toBeNaN();
  });

  it('reads filter times only with every part and a zone', () => {
    expect(parseFilterTime('2020-10-25T17:32:25.707Z')).toBe(Date.UTC(2020, 9, 25, 17, 32, 25, 707));
    expect(parseFilterTime('2020-10-25T19:32:25+02:00')).toBe(Date.UTC(2020, 9, 25, 17, 32, 25));
    expect(parseFilterTime('2020-10-25t17:32:25z')).toBe(Date.UTC(2020, 9, 25, 17, 32, 25));
    for (const text of [
      '2020-10-25T17:32:25',
      '2020-10-25',
      '2020-10-25T17:32Z',
      '2020-13-01T00:00:00Z',
      '2021-02-29T00:00:00Z',
    ]) {
      expect(parseFilterTime(text), text).toBeUndefined();
    }
  });
});
