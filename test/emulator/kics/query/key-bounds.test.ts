import { describe, expect, it } from 'vitest';
import {
  ALLOW_RULES,
  EVENTS,
  keyBounds,
  parseQueryArgument,
  VULNERABILITIES,
  type ResourceSpec,
} from '../../../../src/emulator/kics/query/index.ts';

function bounds<T>(filter: unknown[] | null, spec: ResourceSpec<T> = EVENTS as unknown as ResourceSpec<T>) {
  return keyBounds(parseQueryArgument({ filter }, spec), spec);
}

describe('keyBounds', () => {
  it('is exact and unbounded without a filter', () => {
    expect(bounds(null)).toEqual({ lower: null, upper: null, ids: null, exact: true });
  });

  it('pushes down ranges on the key and is exact when the filter is nothing else', () => {
    expect(
      bounds([
        { field: 'id', condition: '>', value: 100 },
        { field: 'id', condition: '<=', value: '200' },
      ]),
    ).toEqual({
      lower: { value: 100, inclusive: false },
      upper: { value: 200, inclusive: true },
      ids: null,
      exact: true,
    });
    expect(
      bounds([
        { field: 'ID', condition: '>=', value: 5 },
        { field: 'id', condition: '>', value: 5 },
      ]).lower,
    ).toEqual({
      value: 5,
      inclusive: false,
    });
    expect(bounds([{ field: 'Id', condition: '<', value: 5 }], ALLOW_RULES)).toMatchObject({
      upper: { value: 5, inclusive: false },
      exact: true,
    });
  });

  it('turns = and IsOneOf into a sorted id set within the bounds; IsEmpty on the key into no ids', () => {
    expect(
      bounds([
        { field: 'id', condition: 'IsOneOf', value: [9, 3, 3, 12] },
        { field: 'id', condition: '<', value: 10 },
      ]),
    ).toEqual({ lower: null, upper: { value: 10, inclusive: false }, ids: [3, 9], exact: true });
    expect(
      bounds([
        { field: 'id', value: 4 },
        { field: 'id', value: 5 },
      ]).ids,
    ).toEqual([]);
    expect(bounds([{ field: 'id', condition: 'IsEmpty' }]).ids).toEqual([]);
  });

  it('gives no ids when the bounds cross', () => {
    expect(
      bounds([
        { field: 'id', condition: '>', value: 5 },
        { field: 'id', condition: '<=', value: 5 },
      ]).ids,
    ).toEqual([]);
    expect(
      bounds([
        { field: 'id', condition: '>=', value: 5 },
        { field: 'id', condition: '<=', value: 5 },
      ]).ids,
    ).toBeNull();
  });

  it('uses key conditions AND-ed with other conditions, but is not exact then', () => {
    expect(
      bounds([
        { field: 'id', condition: '>', value: 100 },
        { field: 'mark', value: 1 },
      ]),
    ).toEqual({
      lower: { value: 100, inclusive: false },
      upper: null,
      ids: null,
      exact: false,
    });
    expect(bounds([{ field: 'id', condition: '<>', value: 3 }])).toEqual({
      lower: null,
      upper: null,
      ids: null,
      exact: false,
    });
  });

  it('uses only what follows the last top-level or (left-to-right fold)', () => {
    // (id > 1 or mark = 1) and id < 50 → only id < 50 is necessary
    expect(
      bounds([
        { field: 'id', condition: '>', value: 1 },
        { field: 'mark', value: 1, operator: 'or' },
        { field: 'id', condition: '<', value: 50 },
      ]),
    ).toEqual({ lower: null, upper: { value: 50, inclusive: false }, ids: null, exact: false });
    // id > 1 and id < 9 or mark = 1 → nothing is necessary
    expect(
      bounds([
        { field: 'id', condition: '>', value: 1 },
        { field: 'id', condition: '<', value: 9 },
        { field: 'mark', value: 1, operator: 'or' },
      ]),
    ).toEqual({ lower: null, upper: null, ids: null, exact: false });
  });

  it('leaves groups alone, even a group on the key alone', () => {
    expect(bounds([[{ field: 'id', condition: '>', value: 1 }]])).toEqual({
      lower: null,
      upper: null,
      ids: null,
      exact: false,
    });
  });

  it('pushes nothing for vulnerabilities, whose key is not a filter field', () => {
    expect(bounds([{ field: 'cvsScore', condition: '>', value: 7 }], VULNERABILITIES)).toEqual({
      lower: null,
      upper: null,
      ids: null,
      exact: false,
    });
    expect(bounds([], VULNERABILITIES).exact).toBe(true);
  });
});
