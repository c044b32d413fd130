import type { KlParams } from '../values.ts';
import type { KscClient } from './client.ts';
import { arrayIn, pagedResults, type KscResults, type PagingOptions } from './results.ts';

export interface OrderField {
  readonly Name: string;
  readonly Asc: boolean;
}

export interface FindOptions {
  /** Search filter (spec §4); empty for everything. */
  readonly filter?: string;
  readonly fields: readonly string[];
  readonly order?: readonly OrderField[];
  /** Seconds the server keeps the result set between reads (≤ 7200). Default 600. */
  readonly lifetimeSeconds?: number;
  /** Records per request. Default 500. */
  readonly pageSize?: number;
  /** Reopen a result set the server forgot and read on from the same position (default), or fail. */
  readonly resume?: boolean;
  /** Ask for the next page while the records of this one are handled (default), or strictly one after the other. */
  readonly readAhead?: boolean;
}

/** How one iteration pages: its size, and whether (and with what notice) a forgotten result set is reopened. */
function paging(
  client: KscClient,
  method: string,
  options: {
    readonly pageSize?: number | undefined;
    readonly resume?: boolean | undefined;
    readonly readAhead?: boolean | undefined;
  },
  defaultPageSize: number,
): PagingOptions {
  return {
    pageSize: options.pageSize ?? defaultPageSize,
    resume: options.resume ?? true,
    readAhead: options.readAhead ?? true,
    onResume: (position) =>
      client.log({
        level: 'warn',
        message: `the server forgot the result set; opened it again at record ${position}`,
        method,
      }),
  };
}

/** Pages of a ChunkAccessor (`FindHosts`, `FindGroups`, `FindUsers`). */
function chunkAccessor(
  client: KscClient,
  open: () => Promise<string>,
  paged: PagingOptions,
): KscResults<KlParams> {
  return pagedResults(
    {
      open,
      page: async (strAccessor, nStart, nCount) =>
        arrayIn(
          (await client.call('ChunkAccessor.GetItemsChunk', { strAccessor, nStart, nCount }))['pChunk'],
          'KLCSP_ITERATOR_ARRAY',
        ),
      release: async (strAccessor) => {
        await client.call('ChunkAccessor.Release', { strAccessor }, { idempotent: false });
      },
    },
    paged,
  );
}

/** A `HostGroup.Find*` search (the arguments FindHosts and FindGroups share), paged through its accessor. */
function find(
  client: KscClient,
  method: 'HostGroup.FindHosts' | 'HostGroup.FindGroups',
  options: FindOptions,
  pParams: KlParams,
): KscResults<KlParams> {
  return chunkAccessor(
    client,
    async () => {
      const reply = await client.call(method, {
        wstrFilter: options.filter ?? '',
        vecFieldsToReturn: [...options.fields],
        vecFieldsToOrder: orderArgument(options.order),
        pParams,
        lMaxLifeTime: options.lifetimeSeconds ?? 600,
      });
      const accessor = reply['strAccessor'];
      if (typeof accessor !== 'string') throw new TypeError(`${method} returned no strAccessor`);
      return accessor;
    },
    paging(client, method, options, 500),
  );
}

/** `vecFieldsToOrder` / `pSortFields`: an array of `{Name, Asc}` containers. */
function orderArgument(order: readonly OrderField[] = []): { Name: string; Asc: boolean }[] {
  return order.map((o) => ({ Name: o.Name, Asc: o.Asc }));
}

/** `HostGroup.FindHosts`, as an async iterable of host attribute sets (this virtual server's hosts only). */
export function findHosts(client: KscClient, options: FindOptions): KscResults<KlParams> {
  return find(client, 'HostGroup.FindHosts', options, { KLGRP_FIND_FROM_CUR_VS_ONLY: true });
}

/** `HostGroup.FindGroups`, as an async iterable of group attribute sets. */
export function findGroups(client: KscClient, options: FindOptions): KscResults<KlParams> {
  return find(client, 'HostGroup.FindGroups', options, {});
}

/** A server view (`SrvView.ResetIterator`: `Quarantine`, `GlobalUsersListSrvViewName`, …). */
export function srvView(
  client: KscClient,
  view: string,
  options: FindOptions & { readonly params?: KlParams },
): KscResults<KlParams> {
  return pagedResults(
    {
      open: async () => {
        const reply = await client.call('SrvView.ResetIterator', {
          wstrViewName: view,
          wstrFilter: options.filter ?? '',
          vecFieldsToReturn: [...options.fields],
          vecFieldsToOrder: orderArgument(options.order),
          pParams: options.params ?? {},
          lifetimeSec: options.lifetimeSeconds ?? 600,
        });
        const id = reply['wstrIteratorId'];
        if (typeof id !== 'string') throw new TypeError('the server returned no wstrIteratorId');
        return id;
      },
      page: async (wstrIteratorId, nStart, count) =>
        arrayIn(
          (await client.call('SrvView.GetRecordRange', { wstrIteratorId, nStart, nEnd: nStart + count }))[
            'pRecords'
          ],
          'KLCSP_ITERATOR_ARRAY',
        ),
      release: async (wstrIteratorId) => {
        await client.call('SrvView.ReleaseIterator', { wstrIteratorId }, { idempotent: false });
      },
    },
    paging(client, `SrvView ${view}`, options, 500),
  );
}

/** An EventProcessing result set opened by `open` (events, or a task's history). */
export function eventResults(
  client: KscClient,
  open: () => Promise<Record<string, unknown>>,
  paged: PagingOptions = { pageSize: 1000 },
): KscResults<KlParams> {
  return pagedResults(
    {
      open: async () => {
        const id = (await open())['strIteratorId'];
        if (typeof id !== 'string') throw new TypeError('the server returned no strIteratorId');
        return id;
      },
      page: async (strIteratorId, nStart, count) =>
        arrayIn(
          (
            await client.call('EventProcessing.GetRecordRange', {
              strIteratorId,
              nStart,
              nEnd: nStart + count,
            })
          )['pParamsEvents'],
          'KLEVP_EVENT_RANGE_ARRAY',
        ),
      release: async (strIteratorId) => {
        await client.call('EventProcessing.ReleaseIterator', { strIteratorId }, { idempotent: false });
      },
    },
    paged,
  );
}

export interface EventOptions {
  /** `pFilter` of `CreateEventProcessing2` (`KLEVP_RFC2254_FILTER`, `KLEVP_EVENT_RISE_TIME_LAST_DAYS`, …). */
  readonly filter?: KlParams;
  readonly fields?: readonly string[];
  readonly order?: readonly OrderField[];
  readonly lifetimeSeconds?: number;
  readonly pageSize?: number;
  readonly resume?: boolean;
  readonly readAhead?: boolean;
}

/** Server events (`EventProcessingFactory.CreateEventProcessing2`). */
export function events(client: KscClient, options: EventOptions = {}): KscResults<KlParams> {
  const args = {
    vecFieldsToReturn: [...(options.fields ?? [])],
    vecFieldsToOrder: orderArgument(options.order),
    pFilter: options.filter ?? {},
    lifetimeSec: options.lifetimeSeconds ?? 600,
  };
  return eventResults(
    client,
    () => client.call('EventProcessingFactory.CreateEventProcessing2', args),
    paging(client, 'EventProcessingFactory.CreateEventProcessing2', options, 1000),
  );
}

/** A task's history (`Tasks.GetTaskHistory`), read through EventProcessing. */
export function taskHistory(
  client: KscClient,
  strTask: string,
  options: EventOptions & { readonly hostName?: string } = {},
): KscResults<KlParams> {
  return eventResults(
    client,
    () =>
      client.call('Tasks.GetTaskHistory', {
        strTask,
        pFields2Return: [...(options.fields ?? [])],
        pSortFields: orderArgument(options.order),
        strHostName: options.hostName ?? '',
        pFilter: options.filter ?? {},
      }),
    paging(client, 'Tasks.GetTaskHistory', options, 1000),
  );
}
