/**
 * `ksc.events`: the event history of a KSC server, oldest first, read through `EventProcessing` the way
 * `fetch_event` reads it (decisions/0042).
 *
 * The cursor is the position `(rise_time, event_db_id)` of the last event delivered, plus the ids delivered within
 * a lookback window before it: KSC may index an event after events that rose later (R14), so every read looks back
 * `lookbackSeconds` and delivers what it has not delivered yet, once. When KSC has deleted events the source had
 * not read (its event store keeps a maximum and evicts the oldest, spec §1.1), a gap record says so (R15).
 */
import { z } from 'zod';
import { EVENT_FIELDS } from '../../commands/ksc/shared/events.ts';
import type { PlainJson } from '../../commands/core/types.ts';
import type { KscClient } from '../../ksc/client/client.ts';
import { KscClientError, NotFoundError } from '../../ksc/client/errors.ts';
import { filter } from '../../ksc/filter/index.ts';
import { plainRecord } from '../../ksc/plain.ts';
import type { KlArgument, KlParams } from '../../ksc/values.ts';
import type { ResetTarget, RewindableSource } from '../reset.ts';
import type { GapRecord, IntakeRecord, SourceBatch, VendorRecord } from '../types.ts';
import { SourceCursorError } from './errors.ts';
import { commonSourceOptions, startOption, startTimeMs, type StartOption } from './options.ts';

export const kscEventsOptions = z.strictObject({
  type: z.literal('ksc.events'),
  ...commonSourceOptions,
  start: startOption.default('end'),
  lookbackSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(60)
    .describe('How far before the last delivered event each read looks again for events KSC indexed late'),
  pageSize: z.number().int().min(1).max(10_000).default(1000).describe('Events per GetRecordRange'),
  seenLimit: z
    .number()
    .int()
    .min(100)
    .max(200_000)
    .default(10_000)
    .describe('The most event ids the cursor remembers from the lookback window'),
  iteratorLifetimeSeconds: z.number().int().min(10).max(7200).default(600),
});
export type KscEventsOptions = z.output<typeof kscEventsOptions>;

/** A position in the order the source reads: rise time (ms), then `event_db_id`. */
interface Position {
  readonly t: number;
  readonly id: bigint;
}

/** The cursor as JSON: ids as decimal strings (they are 64-bit), times as milliseconds since the epoch. */
interface CursorJson {
  readonly v: 1;
  /** The last event delivered in order; absent before the first. */
  readonly at?: { readonly t: number; readonly id: string };
  /** Before the first event: the earliest rise time to deliver (a configured start time). */
  readonly since?: number;
  /** The highest `event_db_id` delivered: where a gap starts. */
  readonly maxId?: string;
  /** Ids delivered within the lookback window, as `[rise ms, id]`. */
  readonly seen: ReadonlyArray<readonly [number, string]>;
  /** Positions at or before this one count as delivered (the seen window overflowed). */
  readonly horizon?: { readonly t: number; readonly id: string };
}

/** The cursor while a read works on it. */
class Cursor {
  constructor(
    public at: Position | undefined,
    public since: number | undefined,
    public maxId: bigint | undefined,
    public readonly seen: Map<string, number>,
    public horizon: Position | undefined,
  ) {}

  static empty(since?: number): Cursor {
    return new Cursor(undefined, since, undefined, new Map(), undefined);
  }

  static parse(json: PlainJson): Cursor {
    const fail = (reason: string): never => {
      throw new SourceCursorError('ksc.events', reason);
    };
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('not an object');
    const c = json as Partial<Record<keyof CursorJson, unknown>>;
    if (c.v !== 1) return fail(`unknown version ${JSON.stringify(c.v)}`);
    const position = (value: unknown, name: string): Position | undefined => {
      if (value === undefined) return undefined;
      const p = value as { t?: unknown; id?: unknown };
      if (typeof p.t !== 'number' || typeof p.id !== 'string' || !/^\d+$/.test(p.id))
        return fail(`${name} is not {t, id}`);
      return { t: p.t, id: BigInt(p.id) };
    };
    if (!Array.isArray(c.seen)) return fail('seen is not a list');
    const seen = new Map<string, number>();
    for (const entry of c.seen as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'number' || typeof entry[1] !== 'string')
        return fail('seen holds something other than [time, id] pairs');
      seen.set(entry[1], entry[0]);
    }
    if (c.since !== undefined && typeof c.since !== 'number') return fail('since is not a number');
    if (c.maxId !== undefined && (typeof c.maxId !== 'string' || !/^\d+$/.test(c.maxId)))
      return fail('maxId is not a decimal id');
    return new Cursor(
      position(c.at, 'at'),
      c.since as number | undefined,
      c.maxId === undefined ? undefined : BigInt(c.maxId as string),
      seen,
      position(c.horizon, 'horizon'),
    );
  }

  toJson(): CursorJson {
    const pos = (p: Position): { t: number; id: string } => ({ t: p.t, id: p.id.toString() });
    return {
      v: 1,
      ...(this.at === undefined ? {} : { at: pos(this.at) }),
      ...(this.since === undefined || this.at !== undefined ? {} : { since: this.since }),
      ...(this.maxId === undefined ? {} : { maxId: this.maxId.toString() }),
      seen: [...this.seen].map(([id, t]) => [t, id] as const),
      ...(this.horizon === undefined ? {} : { horizon: pos(this.horizon) }),
    };
  }

  /** Identifies the read state: an open iterator continues only a cursor with the same signature. */
  signature(): string {
    return `${this.at?.t}:${this.at?.id}:${this.maxId}:${this.seen.size}:${this.horizon?.id}`;
  }

  /** Forgets ids that fell out of the lookback window, and the oldest beyond `limit` (moving the horizon). */
  trim(lookbackMs: number, limit: number): void {
    if (this.at === undefined) return;
    const oldest = this.at.t - lookbackMs;
    for (const [id, t] of this.seen) if (t < oldest) this.seen.delete(id);
    if (this.seen.size <= limit) return;
    const ordered = [...this.seen].map(([id, t]) => ({ t, id: BigInt(id) })).sort((a, b) => compare(a, b));
    const drop = ordered.slice(0, ordered.length - limit);
    for (const p of drop) this.seen.delete(p.id.toString());
    this.horizon = drop[drop.length - 1];
  }
}

function compare(a: Position, b: Position): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

function idOf(value: KlArgument | undefined): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

/** An open EventProcessing result set and how far this source has read it. */
interface OpenIterator {
  readonly id: string;
  offset: number;
  readonly count: number;
  /** The cursor signature the iterator continues; another cursor opens a new one. */
  signature: string;
  /** The event the cursor's position names was seen in this result set (or there is none): no eviction. */
  anchorSeen: boolean;
}

/** Re-openings of a result set within one read before the failure is reported. */
const MAX_REOPENS = 3;

export class KscEventsSource implements RewindableSource {
  readonly type = 'ksc.events' as const;
  private iterator: OpenIterator | undefined;
  private readonly lookbackMs: number;

  constructor(
    private readonly client: KscClient,
    private readonly options: KscEventsOptions,
  ) {
    this.lookbackMs = options.lookbackSeconds * 1000;
  }

  async next(cursorJson: PlainJson | undefined, limit: number, signal: AbortSignal): Promise<SourceBatch> {
    const ksc = this.client.withSignal(signal);
    const cursor =
      cursorJson === undefined || cursorJson === null
        ? await this.initial(ksc, this.options.start)
        : Cursor.parse(cursorJson);
    const records: IntakeRecord[] = [];
    let reopens = 0;
    for (;;) {
      signal.throwIfAborted();
      try {
        const atHead = await this.read(ksc, cursor, records, limit);
        cursor.trim(this.lookbackMs, this.options.seenLimit);
        const open = this.iterator;
        if (open !== undefined) open.signature = cursor.signature();
        const behind = open === undefined ? undefined : Math.max(0, open.count - open.offset);
        return {
          records,
          cursor: cursor.toJson() as unknown as PlainJson,
          atHead,
          ...(behind === undefined ? {} : { behind: { records: behind } }),
        };
      } catch (error) {
        // The server forgot the result set (its lifetime passed, or it went with an expired session): open it
        // again from the cursor as it stands, which already holds whatever this read delivered (R6, R7).
        if (!(error instanceof NotFoundError) || reopens >= MAX_REOPENS) {
          await this.release(ksc);
          throw error;
        }
        reopens++;
        this.iterator = undefined;
        this.client.log({
          level: 'warn',
          message: 'ksc.events: the server forgot the event result set; reading on from the cursor',
        });
      }
    }
  }

  async close(): Promise<void> {
    await this.release(this.client);
  }

  /**
   * The cursor a reset moves to: before the oldest event (`start`), after the newest with the lookback window
   * counted as delivered (`end`, as a pipeline starting at `end`), or just before the first event at or after a
   * time. Whatever the cursor remembered is dropped, so the events after the target are delivered again.
   */
  async cursorAt(to: ResetTarget, signal: AbortSignal): Promise<PlainJson> {
    const start: StartOption = typeof to === 'string' ? to : to.time;
    const cursor = await this.initial(this.client.withSignal(signal), start);
    return cursor.toJson() as unknown as PlainJson;
  }

  /** The cursor of a pipeline that has none yet. */
  private async initial(ksc: KscClient, start: StartOption): Promise<Cursor> {
    if (start !== 'end') return Cursor.empty(startTimeMs(start));
    // "Only new": the newest event is the position, and what rose within the lookback before it counts as
    // delivered, so a late event from before the start is not mistaken for a new one.
    const [newest] = await this.readOnce(ksc, {}, [
      { Name: 'rise_time', Asc: false },
      { Name: 'event_db_id', Asc: false },
    ]);
    const cursor = Cursor.empty();
    const head = newest === undefined ? undefined : positionOf(newest);
    if (head === undefined) return cursor;
    cursor.at = head;
    cursor.maxId = head.id;
    const window = await this.readOnce(
      ksc,
      this.windowFilter(head.t - this.lookbackMs),
      ascending(),
      100_000,
    );
    for (const event of window) {
      const p = positionOf(event);
      if (p !== undefined && compare(p, head) <= 0) cursor.seen.set(p.id.toString(), p.t);
    }
    cursor.trim(this.lookbackMs, this.options.seenLimit);
    return cursor;
  }

  /**
   * Reads into `records` until `limit` or the end of the result set; true at the end (the iterator is then
   * released). Updates `cursor` with every event it delivers.
   */
  private async read(
    ksc: KscClient,
    cursor: Cursor,
    records: IntakeRecord[],
    limit: number,
  ): Promise<boolean> {
    let open = this.iterator;
    if (open !== undefined && open.signature !== cursor.signature()) {
      await this.release(ksc);
      open = undefined;
    }
    open ??= await this.open(ksc, cursor);
    while (records.length < limit) {
      const page = await this.page(ksc, open.id, open.offset, this.options.pageSize);
      if (page.length === 0) {
        await this.release(ksc);
        return true;
      }
      // A short page before the end: events of the result set were deleted since it was made (KSC skips them).
      // Whether the eviction reached unread events only a result set opened from the cursor can tell (its first
      // page is taken as it comes, so this cannot loop).
      if (page.length < this.options.pageSize && open.offset > 0 && open.offset + page.length < open.count) {
        await this.release(ksc);
        open = await this.open(ksc, cursor);
        continue;
      }
      for (const event of page) {
        open.offset++;
        const record = this.classify(cursor, open, event);
        if (record !== undefined) records.push(...record);
        if (records.length >= limit) break;
      }
    }
    return false;
  }

  /** What one event of the result set means for the stream: nothing (delivered before), or its record(s). */
  private classify(cursor: Cursor, open: OpenIterator, event: KlParams): IntakeRecord[] | undefined {
    const p = positionOf(event);
    if (p === undefined) return undefined;
    const key = p.id.toString();
    const at = cursor.at;
    if (at === undefined) {
      if (cursor.since !== undefined && p.t < cursor.since) return undefined;
      return [this.deliver(cursor, p, event)];
    }
    const order = compare(p, at);
    if (order === 0) open.anchorSeen = true;
    if (order > 0) {
      const gap = open.anchorSeen ? undefined : this.gap(cursor, p);
      open.anchorSeen = true;
      const record = this.deliver(cursor, p, event);
      return gap === undefined ? [record] : [gap, record];
    }
    // At or before the position: delivered already, unless KSC indexed it late (inside the lookback window).
    if (p.t < at.t - this.lookbackMs) return undefined;
    if (cursor.horizon !== undefined && compare(p, cursor.horizon) <= 0) return undefined;
    if (cursor.seen.has(key)) return undefined;
    return [this.deliver(cursor, p, event)];
  }

  private deliver(cursor: Cursor, p: Position, event: KlParams): VendorRecord {
    if (cursor.at === undefined || compare(p, cursor.at) > 0) cursor.at = p;
    if (cursor.maxId === undefined || p.id > cursor.maxId) cursor.maxId = p.id;
    cursor.seen.set(p.id.toString(), p.t);
    return {
      kind: 'record',
      source: 'ksc.events',
      key: p.id.toString(),
      time: new Date(p.t).toISOString(),
      data: plainRecord(event),
    };
  }

  /**
   * The event the cursor stands on is gone, and the first event after it is not the next id: KSC evicted events
   * this source had not read (R15). `event_db_id` grows with every event the server stores, so the ids between
   * bound how many were lost (other virtual servers' events share the sequence: an upper bound).
   */
  private gap(cursor: Cursor, next: Position): GapRecord | undefined {
    const last = cursor.maxId;
    if (last === undefined || next.id <= last + 1n) return undefined;
    const missing = next.id - last - 1n;
    return {
      kind: 'gap',
      source: 'ksc.events',
      key: `gap:${last}-${next.id}`,
      time: new Date().toISOString(),
      data: {
        reason: 'evicted',
        afterEventDbId: last.toString(),
        afterRiseTime: cursor.at === undefined ? null : new Date(cursor.at.t).toISOString(),
        beforeEventDbId: next.id.toString(),
        beforeRiseTime: new Date(next.t).toISOString(),
        missingAtMost: Number.isSafeInteger(Number(missing)) ? Number(missing) : missing.toString(),
      },
    };
  }

  private windowFilter(since: number | undefined): KlParams {
    if (since === undefined) return {};
    // The filter's time literal has whole seconds: round down, and let `classify` cut at the millisecond.
    return { KLEVP_RFC2254_FILTER: filter.ge('rise_time', new Date(Math.floor(since / 1000) * 1000)).text };
  }

  private async open(ksc: KscClient, cursor: Cursor): Promise<OpenIterator> {
    const since = cursor.at === undefined ? cursor.since : cursor.at.t - this.lookbackMs;
    const id = await this.create(ksc, this.windowFilter(since), ascending());
    let count: number;
    try {
      const reply = await ksc.call('EventProcessing.GetRecordCount', { strIteratorId: id });
      count = typeof reply.PxgRetVal === 'number' ? reply.PxgRetVal : 0;
    } catch (error) {
      await ksc.call('EventProcessing.ReleaseIterator', { strIteratorId: id }).catch(() => undefined);
      throw error;
    }
    this.iterator = {
      id,
      offset: 0,
      count,
      signature: cursor.signature(),
      anchorSeen: cursor.at === undefined,
    };
    return this.iterator;
  }

  private async create(
    ksc: KscClient,
    pFilter: KlParams,
    order: ReadonlyArray<{ Name: string; Asc: boolean }>,
  ): Promise<string> {
    const reply = await ksc.call('EventProcessingFactory.CreateEventProcessing2', {
      pFilter,
      vecFieldsToReturn: [...EVENT_FIELDS],
      vecFieldsToOrder: order.map((o) => ({ ...o })),
      lifetimeSec: this.options.iteratorLifetimeSeconds,
    });
    return reply.strIteratorId;
  }

  private async page(
    ksc: KscClient,
    strIteratorId: string,
    nStart: number,
    count: number,
  ): Promise<KlParams[]> {
    const reply = await ksc.call('EventProcessing.GetRecordRange', {
      strIteratorId,
      nStart,
      nEnd: nStart + count,
    });
    // A broken answer (R22) must not read as an empty page: the source would take it for the end of the events.
    // An absent array is an empty range; anything else that is not a list is the server's fault.
    const events: unknown = reply.pParamsEvents;
    if (events === null || typeof events !== 'object' || Array.isArray(events)) {
      throw new KscClientError('UPSTREAM_ERROR', 'KSC answered GetRecordRange without pParamsEvents');
    }
    const items = (events as { KLEVP_EVENT_RANGE_ARRAY?: unknown }).KLEVP_EVENT_RANGE_ARRAY;
    if (items === undefined) return [];
    if (!Array.isArray(items)) {
      throw new KscClientError('UPSTREAM_ERROR', 'KSC answered a GetRecordRange page that is not a list');
    }
    return items as KlParams[];
  }

  /** Reads a whole small result set (at most `max` events) and releases it. */
  private async readOnce(
    ksc: KscClient,
    pFilter: KlParams,
    order: ReadonlyArray<{ Name: string; Asc: boolean }>,
    max = 1,
  ): Promise<KlParams[]> {
    const id = await this.create(ksc, pFilter, order);
    try {
      const out: KlParams[] = [];
      while (out.length < max) {
        const page = await this.page(ksc, id, out.length, Math.min(this.options.pageSize, max - out.length));
        if (page.length === 0) break;
        out.push(...page);
      }
      return out;
    } finally {
      await ksc.call('EventProcessing.ReleaseIterator', { strIteratorId: id }).catch(() => undefined);
    }
  }

  private async release(ksc: KscClient): Promise<void> {
    const open = this.iterator;
    this.iterator = undefined;
    if (open === undefined) return;
    // Best effort: a result set that went with its session is released already.
    await ksc.call('EventProcessing.ReleaseIterator', { strIteratorId: open.id }).catch(() => undefined);
  }
}

function ascending(): Array<{ Name: string; Asc: boolean }> {
  return [
    { Name: 'rise_time', Asc: true },
    { Name: 'event_db_id', Asc: true },
  ];
}

function positionOf(event: KlParams): Position | undefined {
  const id = idOf(event['event_db_id']);
  const rise = event['rise_time'];
  if (id === undefined || !(rise instanceof Date) || Number.isNaN(rise.getTime())) return undefined;
  return { t: rise.getTime(), id };
}
