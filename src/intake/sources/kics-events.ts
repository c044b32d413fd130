/**
 * `kics.events`: KICS events, keyset by id (new events), plus a watermark on `lastSeenTime` for events that
 * appeared again after they were delivered (decisions/0042).
 *
 * A new event's record has the key `<id>`. An event seen again (its `lastSeenTime` moved, with its
 * `totalAppearances`) is delivered again as a record with the key `<id>@<lastSeenTime>`: a ledger that counts by
 * key counts it once, and a consumer tells an update by the `@` (or by an `id` it has seen before).
 *
 * Update passes run when the new events are read up to the head: they ask for the events with
 * `lastSeenTime >= watermark` among those delivered, by id, and skip the versions already delivered (kept in the
 * cursor while their `lastSeenTime` is at or after the watermark). A pass ends by moving the watermark to the
 * latest `lastSeenTime` seen before it began: the server's clock had passed that time, so anything that changes
 * later carries a later time.
 */
import { z } from 'zod';
import type { PlainJson } from '../../commands/core/types.ts';
import type { KicsClient } from '../../kics/client/client.ts';
import type { KicsFilterItem } from '../../kics/client/types.ts';
import type { KicsEvent } from '../../kics/model.ts';
import type { ResetTarget, RewindableSource } from '../reset.ts';
import type { PlainObject, SourceBatch, VendorRecord } from '../types.ts';
import { SourceCursorError } from './errors.ts';
import { commonSourceOptions, startOption, startTimeMs, type StartOption } from './options.ts';

export const kicsEventsOptions = z.strictObject({
  type: z.literal('kics.events'),
  ...commonSourceOptions,
  start: startOption.default('end'),
  pageSize: z.number().int().min(1).max(1000).default(1000),
  updates: z
    .boolean()
    .default(true)
    .describe('Deliver events again when they appear again (lastSeenTime moves)'),
  clockSkewSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(300)
    .describe("How far KICS's clock may be behind this machine's: the first watermark is now minus this"),
});
export type KicsEventsOptions = z.output<typeof kicsEventsOptions>;

interface CursorJson {
  readonly v: 1;
  /** The highest id delivered as a new event. */
  readonly lastId: number;
  /** Versions at or after this `lastSeenTime` (ms) may still come as updates. */
  readonly watermark: number;
  /** The latest `lastSeenTime` (ms) delivered. */
  readonly maxSeen: number;
  /** Versions delivered with `lastSeenTime >= watermark`: `[id, lastSeenTime ms]`. */
  readonly versions: ReadonlyArray<readonly [number, number]>;
  /** An update pass in progress: the watermark it ends with, the last id it read, the highest id it covers. */
  readonly pass?: { readonly until: number; readonly afterId: number; readonly upToId: number };
}

function parseCursor(json: PlainJson): CursorJson {
  const fail = (reason: string): never => {
    throw new SourceCursorError('kics.events', reason);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('not an object');
  const c = json as Record<string, unknown>;
  if (c['v'] !== 1) return fail(`unknown version ${JSON.stringify(c['v'])}`);
  for (const name of ['lastId', 'watermark', 'maxSeen'])
    if (typeof c[name] !== 'number') return fail(`${name} is not a number`);
  const versions = c['versions'];
  if (
    !Array.isArray(versions) ||
    !versions.every((v) => Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number')
  )
    return fail('versions is not a list of [id, time] pairs');
  const pass = c['pass'] as Record<string, unknown> | undefined;
  if (
    pass !== undefined &&
    (typeof pass['until'] !== 'number' ||
      typeof pass['afterId'] !== 'number' ||
      typeof pass['upToId'] !== 'number')
  )
    return fail('pass is not {until, afterId, upToId}');
  return c as unknown as CursorJson;
}

const versionKey = (id: number, t: number): string => `${id}@${t}`;

export class KicsEventsSource implements RewindableSource {
  readonly type = 'kics.events' as const;

  constructor(
    private readonly client: KicsClient,
    private readonly options: KicsEventsOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async next(cursorJson: PlainJson | undefined, limit: number, signal: AbortSignal): Promise<SourceBatch> {
    const c =
      cursorJson === undefined || cursorJson === null
        ? await this.initial(this.options.start, signal)
        : parseCursor(cursorJson);
    let { lastId, watermark, maxSeen, pass } = c;
    const versions = new Map<string, number>(c.versions.map(([id, t]) => [versionKey(id, t), t]));
    const records: VendorRecord[] = [];
    const remember = (event: KicsEvent, t: number): void => {
      if (t >= watermark) versions.set(versionKey(event.id, t), t);
      if (t > maxSeen) maxSeen = t;
    };

    // New events first: an update pass starts only once they are read up to the head.
    let newAtHead = pass !== undefined;
    while (!newAtHead && records.length < limit) {
      const size = Math.min(this.options.pageSize, limit - records.length);
      const values = await this.query([{ field: 'id', condition: '>', value: lastId }], size, signal);
      for (const event of values) {
        const t = Date.parse(event.lastSeenTime);
        records.push(this.record(event, String(event.id)));
        remember(event, t);
        lastId = Math.max(lastId, event.id);
      }
      if (values.length < size) newAtHead = true;
    }

    let atHead = false;
    if (newAtHead && !this.options.updates) atHead = true;
    else if (newAtHead) {
      pass ??= { until: maxSeen, afterId: 0, upToId: lastId };
      while (records.length < limit) {
        const size = Math.min(this.options.pageSize, limit - records.length);
        const values = await this.query(
          [
            { field: 'lastSeenTime', condition: '>=', value: new Date(watermark).toISOString() },
            { field: 'id', condition: '>', value: pass.afterId, operator: 'and' },
            { field: 'id', condition: '<=', value: pass.upToId, operator: 'and' },
          ],
          size,
          signal,
        );
        for (const event of values) {
          const t = Date.parse(event.lastSeenTime);
          pass = { ...pass, afterId: event.id };
          if (versions.has(versionKey(event.id, t))) continue;
          records.push(this.record(event, `${event.id}@${event.lastSeenTime}`));
          remember(event, t);
        }
        if (values.length < size) {
          watermark = pass.until;
          for (const [key, t] of versions) if (t < watermark) versions.delete(key);
          pass = undefined;
          atHead = true;
          break;
        }
      }
    }

    const cursor: CursorJson = {
      v: 1,
      lastId,
      watermark,
      maxSeen,
      versions: [...versions.keys()].map((key) => {
        const [id, t] = key.split('@');
        return [Number(id), Number(t)] as const;
      }),
      ...(pass === undefined ? {} : { pass }),
    };
    return { records, cursor: cursor as unknown as PlainJson, atHead };
  }

  async close(): Promise<void> {
    // Nothing held: every query is one request.
  }

  /**
   * The cursor a reset moves to, as a pipeline starting there would begin: after id 0 (`start`), after the newest
   * event (`end`), or just before the first event that started at or after a time (ids grow with time). Updates
   * are watched from now on (less the clock skew) either way.
   */
  async cursorAt(to: ResetTarget, signal: AbortSignal): Promise<PlainJson> {
    return (await this.initial(typeof to === 'string' ? to : to.time, signal)) as unknown as PlainJson;
  }

  private async initial(start: StartOption, signal: AbortSignal): Promise<CursorJson> {
    const watermark = this.now() - this.options.clockSkewSeconds * 1000;
    const base = { v: 1 as const, watermark, maxSeen: watermark, versions: [] };
    if (start === 'start') return { ...base, lastId: 0 };
    const newest = async (): Promise<number> => (await this.query([], 1, signal, true))[0]?.id ?? 0;
    let lastId: number;
    if (start === 'end') lastId = await newest();
    else {
      const since = new Date(startTimeMs(start)!).toISOString();
      const [first] = await this.query([{ field: 'startTime', condition: '>=', value: since }], 1, signal);
      lastId = first === undefined ? await newest() : first.id - 1;
    }
    return { ...base, lastId, versions: await this.knownVersions(watermark, lastId, signal) };
  }

  /**
   * The versions of the events before the start that appeared since the first watermark: the pipeline never
   * delivered them, and they are not updates it must deliver (only a later appearance is).
   */
  private async knownVersions(
    watermark: number,
    upToId: number,
    signal: AbortSignal,
  ): Promise<Array<[number, number]>> {
    const out: Array<[number, number]> = [];
    for (let afterId = 0; ;) {
      const values = await this.query(
        [
          { field: 'lastSeenTime', condition: '>=', value: new Date(watermark).toISOString() },
          { field: 'id', condition: '>', value: afterId, operator: 'and' },
          { field: 'id', condition: '<=', value: upToId, operator: 'and' },
        ],
        this.options.pageSize,
        signal,
      );
      for (const event of values) out.push([event.id, Date.parse(event.lastSeenTime)]);
      if (values.length < this.options.pageSize) return out;
      afterId = values[values.length - 1]!.id;
    }
  }

  private async query(
    filter: readonly KicsFilterItem[],
    limit: number,
    signal: AbortSignal,
    newestFirst = false,
  ): Promise<readonly KicsEvent[]> {
    const page = await this.client.queryEvents(
      { filter, sort: [{ column: 'id', order: newestFirst ? 'desc' : 'asc' }], offset: 0, limit },
      { signal },
    );
    return page.values;
  }

  private record(event: KicsEvent, key: string): VendorRecord {
    return {
      kind: 'record',
      source: 'kics.events',
      key,
      time: event.startTime,
      data: event as unknown as PlainObject,
    };
  }
}
