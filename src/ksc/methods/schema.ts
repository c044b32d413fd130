import { z } from 'zod';
import { INT64_MAX, INT64_MIN, isKlParams, type KlArguments, type KlParams } from '../values.ts';

/**
 * Building blocks of the KSC method map. Arguments are checked as a caller hands them to `encodeArguments`;
 * replies as `decodeArguments` returns them. The two differ because method-level values travel without type
 * words: a long comes back as a plain number (a bigint only beyond 2^53), a datetime as its string and binary
 * data as base64, while inside containers the codec restores bigint, Date and Uint8Array.
 */

const DATETIME_OR_EMPTY = /^(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)?$/;

/** A params container: a plain object (a Date, array or buffer is a different KLOAPI type). */
function params() {
  return z.custom<KlParams>((value) => isKlParams(value), { message: 'expected a params container' });
}

/** Schemas of method arguments. */
export const arg = {
  string: () => z.string(),
  bool: () => z.boolean(),
  /** A 32-bit int; larger integers must be longs. */
  int: () => z.int32(),
  /** A 64-bit long: a safe integer number or a bigint. */
  long: () => z.union([z.int(), z.bigint().min(INT64_MIN).max(INT64_MAX)]),
  /** An invalid Date is the empty datetime, so `z.date()` (which rejects it) does not fit. */
  datetime: () => z.instanceof(Date),
  binary: () => z.instanceof(Uint8Array),
  params,
  strings: () => z.array(z.string()),
  /** `vecFieldsToOrder`, `pSortFields`, …: an array of `{Name, Asc}` containers. */
  order: () => z.array(z.strictObject({ Name: z.string(), Asc: z.boolean() })),
  /** `strTask` of the `Tasks` class: a task id "in digital representation, like "1" or "45"". */
  taskId: () => z.string().regex(/^\d+$/, 'expected a task id of digits'),
  /** A filter string that clients may send as null for "no filter" (KlAkOAPI samples do). */
  optionalText: () => z.string().nullable().optional(),
} as const;

/** Schemas of method replies (`PxgRetVal` and out-parameters). */
export const out = {
  string: () => z.string(),
  bool: () => z.boolean(),
  int: () => z.int32(),
  long: () => z.union([z.int(), z.bigint()]),
  /** `YYYY-MM-DDTHH:MM:SSZ`, or `""` for the empty datetime. */
  datetime: () => z.string().regex(DATETIME_OR_EMPTY, 'expected a KLOAPI datetime'),
  binary: () => z.base64(),
  params,
  strings: () => z.array(z.string()),
  /** Records whose attributes depend on the fields asked for (hosts, events, tasks): not typed one by one. */
  records: () => z.array(params()),
  /** `pChunk` of ChunkAccessor and `pRecords` of SrvView: `{KLCSP_ITERATOR_ARRAY: [...]}`. */
  iteratorArray: () => z.looseObject({ KLCSP_ITERATOR_ARRAY: z.array(params()) }),
  /** `pParamsEvents` of EventProcessing: `{KLEVP_EVENT_RANGE_ARRAY: [...]}`. */
  eventRangeArray: () => z.looseObject({ KLEVP_EVENT_RANGE_ARRAY: z.array(params()) }),
  /** `pHostStatus` / `pParHostStatus` of the task host-status iterator: `{statuses: [...]}`. */
  hostStatuses: () => z.looseObject({ statuses: z.array(params()) }),
  /** Inventory lists (`InventoryApi`): `{GNRL_EA_PARAM_1: [...]}`. */
  inventoryList: () => z.looseObject({ GNRL_EA_PARAM_1: z.array(params()) }),
} as const;

/** A method without arguments. */
export const noArgs = () => z.strictObject({});

/** A reply without a return value or out-parameters (`{}`); a newer server may still add some. */
export const noReply = () => z.looseObject({});

/** The argument and reply schemas of one KSC method. */
export interface KscMethod<
  Args extends z.ZodType<KlArguments, KlArguments> = z.ZodType<KlArguments, KlArguments>,
  Reply extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>,
> {
  /**
   * The named arguments. Strict objects: the server ignores an argument it does not know, so a misspelt name
   * (FSOAR's `strAccessorId`, spec §2.1) would otherwise fail silently.
   */
  readonly args: Args;
  /** `PxgRetVal` and the out-parameters. Loose objects: a newer server may add out-parameters. */
  readonly reply: Reply;
}

/** Declares one method; the bounds make the compiler prove that the arguments are encodable. */
export function kscMethod<
  Args extends z.ZodType<KlArguments, KlArguments>,
  Reply extends z.ZodType<Record<string, unknown>>,
>(method: KscMethod<Args, Reply>): KscMethod<Args, Reply> {
  return method;
}
