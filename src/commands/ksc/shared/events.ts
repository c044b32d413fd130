import type { KscContext } from './vendor.ts';
import type { KlArgument, KlParams } from '../../../ksc/values.ts';
import type { PlainJson } from '../../core/types.ts';
import { collectPages, streamPagesWire, type WirePage, type WireRecords } from './pages.ts';
import { plainRecord, unwrapParams, wireRecords } from './plain.ts';

/**
 * Event attributes asked of KSC (spec §6.3). Named one by one: an empty list means "all" only on the emulator
 * (decisions/0005), and no source says what a real server does with it.
 */
export const EVENT_FIELDS = [
  'event_id',
  'event_db_id',
  'event_type',
  'event_type_id',
  'event_type_display_name',
  'GNRL_EA_DESCRIPTION',
  'GNRL_EA_SEVERITY',
  'GNRL_EA_ID',
  'GNRL_EA_PARAM_1',
  'GNRL_EA_PARAM_2',
  'GNRL_EA_PARAM_3',
  'GNRL_EA_PARAM_4',
  'rise_time',
  'registration_time',
  'hostname',
  'hostdn',
  'host_id',
  'host_type',
  'domain_name',
  'group_id',
  'group_name',
  'product_name',
  'product_version',
  'product_displ_version',
  'task_display_name',
  'task_id',
  'task_old_state',
  'task_new_state',
  'GNRL_COMPLETED_PERCENT',
  'KLVSRV_ID',
] as const;

/** The KSC methods {@link readEventRange} calls, after whichever method opened the result set. */
export const EVENT_RANGE_METHODS: readonly string[] = [
  'EventProcessing.GetRecordRange',
  'EventProcessing.ReleaseIterator',
];

const PAGE = 1000;

/** Reads up to `limit` events of an EventProcessing result set (events, or a task's history) and releases it. */
export function readEventRange(ctx: KscContext, strIteratorId: string, limit: number): Promise<WireRecords> {
  return collectPages(streamEventRange(ctx, strIteratorId, limit));
}

/** The pages of up to `limit` events of an EventProcessing result set, released at the end or when left. */
export function streamEventRange(
  ctx: KscContext,
  strIteratorId: string,
  limit: number,
): AsyncGenerator<WirePage> {
  return streamPagesWire(ctx, {
    limit,
    pageSize: PAGE,
    label: 'events',
    page: async (nStart, count) => {
      const page = await ctx.ksc.callWire('EventProcessing.GetRecordRange', {
        strIteratorId,
        nStart,
        nEnd: nStart + count,
      });
      return {
        records: page.reply.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY,
        items: wireRecords(unwrapParams(page.wire['pParamsEvents'] ?? null), 'KLEVP_EVENT_RANGE_ARRAY'),
      };
    },
    release: () => ctx.ksc.call('EventProcessing.ReleaseIterator', { strIteratorId }),
  });
}

/** An event as a context record: its attributes as plain JSON and its severity in words. */
export function eventContextRecord(record: KlParams): { [key: string]: PlainJson } {
  return { ...plainRecord(record), severityName: severityName(record['GNRL_EA_SEVERITY']) };
}

/** `GNRL_EA_SEVERITY` (spec §6.3): 1 Information, 2 Warning, 3 Error, 4 Critical. */
const SEVERITY_NAMES: Readonly<Record<number, string>> = {
  0: 'Invalid',
  1: 'Information',
  2: 'Warning',
  3: 'Error',
  4: 'Critical',
};

export function severityName(value: KlArgument | undefined): string {
  return typeof value === 'number' ? (SEVERITY_NAMES[value] ?? `Unknown (${value})`) : 'Unknown';
}
