import { stringifyParams } from '../../../ksc/codec.ts';
import type { EventRecord } from '../world/model.ts';

/** Columns of the events table in the order {@link eventRow} fills them. */
export const EVENT_COLUMNS: readonly string[] = [
  'id',
  'vserver_id',
  'host_id',
  'rise_time',
  'event_type',
  'severity',
  'attrs',
];

export type EventRow = [number, number, string | null, number, string, number, string];

/** An event as a row of the events table; its attributes become the JSON of their wire form. */
export function eventRow(event: EventRecord): EventRow {
  return [
    event.id,
    event.vserverId,
    event.hostId,
    event.riseTime,
    event.eventType,
    event.severity,
    stringifyParams(event.attributes),
  ];
}
