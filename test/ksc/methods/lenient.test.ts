import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { KSC_METHODS, lenientArgs, type KscMethodName } from '../../../src/ksc/methods/index.ts';
import { arg } from '../../../src/ksc/methods/schema.ts';
import type { KlParams } from '../../../src/ksc/values.ts';

/** The first argument a failed parse names: what the emulator reports as `Bad parameter "…"`. */
function badParameter(schema: z.ZodType, args: unknown): PropertyKey | undefined {
  const parsed = schema.safeParse(args);
  return parsed.success ? undefined : parsed.error.issues[0]?.path[0];
}

describe('lenientArgs: how a server reads the catalogue’s arguments', () => {
  it('derives a reading for every method of the catalogue', () => {
    for (const name of Object.keys(KSC_METHODS) as KscMethodName[]) {
      expect(() => lenientArgs(KSC_METHODS[name].args), name).not.toThrow();
    }
  });

  it('reads absent arrays as [], absent params as {} and absent optional scalars as their empty value', () => {
    const find = lenientArgs(KSC_METHODS['HostGroup.FindHosts'].args);
    expect(find.parse({})).toEqual({
      wstrFilter: '',
      vecFieldsToReturn: [],
      vecFieldsToOrder: [],
      pParams: {},
      lMaxLifeTime: 0,
    });
    const iterator = lenientArgs(KSC_METHODS['Tasks.ResetTasksIterator'].args);
    expect(iterator.parse({ strProductName: null })).toMatchObject({
      nGroupId: 0,
      bGroupIdSignificant: false,
      strProductName: '',
    });
    // Required in the catalogue, still `{}` when absent: the handler then says what is missing inside.
    expect(lenientArgs(KSC_METHODS['Tasks.AddTask'].args).parse({})).toEqual({ pData: {} });
  });

  it('takes the values a server assumes for absent arguments by name, at any depth', () => {
    const reading = { absent: { lMaxLifeTime: 600, Asc: true } };
    const find = lenientArgs(KSC_METHODS['HostGroup.FindGroups'].args, reading);
    expect(find.parse({ vecFieldsToOrder: [{ Name: 'id' }, { Name: 'name', Asc: false }] })).toMatchObject({
      lMaxLifeTime: 600,
      vecFieldsToOrder: [
        { Name: 'id', Asc: true },
        { Name: 'name', Asc: false },
      ],
    });
    expect(find.parse({ lMaxLifeTime: 60 }).lMaxLifeTime).toBe(60);
  });

  it('ignores unknown arguments and unknown members of nested containers', () => {
    const addGroup = lenientArgs(KSC_METHODS['HostGroup.AddGroup'].args);
    expect(addGroup.parse({ pInfo: { name: 'Branch', parentId: 0, KLGRP_X: 1 }, wstrFuture: 'x' })).toEqual({
      pInfo: { name: 'Branch', parentId: 0 },
    });
    const order = lenientArgs(KSC_METHODS['SrvView.ResetIterator'].args, { absent: { Asc: true } });
    expect(
      order.parse({ wstrViewName: 'v', vecFieldsToOrder: [{ Name: 'a', Asc: false, Extra: 1 }] })
        .vecFieldsToOrder,
    ).toEqual([{ Name: 'a', Asc: false }]);
  });

  it('checks present values as the catalogue does, and names the first bad one', () => {
    const chunk = lenientArgs(KSC_METHODS['ChunkAccessor.GetItemsChunk'].args);
    expect(badParameter(chunk, { strAccessor: 'a', nStart: 'zero', nCount: 1 })).toBe('nStart');
    expect(badParameter(chunk, { strAccessor: 'a', nStart: 0, nCount: 2 ** 31 })).toBe('nCount');
    expect(badParameter(lenientArgs(KSC_METHODS['HostGroup.GetHostInfo'].args), {})).toBe('strHostName');
    expect(badParameter(lenientArgs(KSC_METHODS['Tasks.RunTask'].args), { strTask: 'abc' })).toBe('strTask');
    // A required array keeps its own checks: absent reads as [], which is too short.
    const move = lenientArgs(KSC_METHODS['HostGroup.MoveHostsToGroup'].args);
    expect(badParameter(move, { nGroup: 1 })).toBe('pHostNames');
    const items = lenientArgs(KSC_METHODS['QBTNetworkListApi.AddListItemsTask'].args);
    expect(badParameter(items, { listName: 'Quarantine', pItemsIds: [], taskName: 'RestoreObj' })).toBe(
      'pItemsIds',
    );
  });

  it('asks for a value when an optional argument’s type has no empty one', () => {
    const when = z.strictObject({ tmWhen: arg.datetime().optional() });
    expect(() => lenientArgs(when)).toThrow(/tmWhen/);
    expect(lenientArgs(when, { absent: { tmWhen: new Date(0) } }).parse({})).toEqual({ tmWhen: new Date(0) });
  });

  it('types every argument as present and not null', () => {
    const exe = lenientArgs(KSC_METHODS['AppCtrlApi.GetExeFileInfo'].args);
    expectTypeOf(exe.parse({ lFileId: 1 })).toEqualTypeOf<{
      szwHostId: string;
      lFileId: number | bigint;
      pFilter: KlParams;
    }>();
  });
});
