/**
 * `kics.audit` and `kics.app-messages`: KICS's audit log and application messages, keyset by id (ids only grow;
 * entries never change). Cursor: `{ v: 1, afterId }`.
 */
import { z } from 'zod';
import type { PlainJson } from '../../commands/core/types.ts';
import type { KicsClient } from '../../kics/client/client.ts';
import type { KicsFilterItem } from '../../kics/client/types.ts';
import type { ApplicationMessage, AuditEntry } from '../../kics/model.ts';
import type { ResetTarget, RewindableSource } from '../reset.ts';
import type { PlainObject, SourceBatch, VendorRecord } from '../types.ts';
import { SourceCursorError } from './errors.ts';
import { commonSourceOptions, startOption, startTimeMs, type StartOption } from './options.ts';

const logOptions = {
  ...commonSourceOptions,
  start: startOption.default('end'),
  pageSize: z.number().int().min(1).max(1000).default(1000),
};
export const kicsAuditOptions = z.strictObject({ type: z.literal('kics.audit'), ...logOptions });
export const kicsAppMessagesOptions = z.strictObject({ type: z.literal('kics.app-messages'), ...logOptions });
export type KicsLogOptions = z.output<typeof kicsAuditOptions> | z.output<typeof kicsAppMessagesOptions>;

type LogEntry = AuditEntry | ApplicationMessage;

/** Reads the cursor of a keyset source: `{ v: 1, afterId }` with afterId ≥ 0. */
export function parseAfterId(source: 'kics.audit' | 'kics.app-messages', json: PlainJson): number {
  const c = json as { v?: unknown; afterId?: unknown } | null;
  if (c === null || typeof c !== 'object' || Array.isArray(c) || c.v !== 1)
    throw new SourceCursorError(source, 'not a { v: 1, afterId } object');
  if (typeof c.afterId !== 'number' || !Number.isSafeInteger(c.afterId) || c.afterId < 0)
    throw new SourceCursorError(source, 'afterId is not an id');
  return c.afterId;
}

export class KicsLogSource implements RewindableSource {
  readonly type: 'kics.audit' | 'kics.app-messages';

  constructor(
    private readonly client: KicsClient,
    private readonly options: KicsLogOptions,
  ) {
    this.type = options.type;
  }

  async next(cursor: PlainJson | undefined, limit: number, signal: AbortSignal): Promise<SourceBatch> {
    let afterId =
      cursor === undefined || cursor === null
        ? await this.initial(this.options.start, signal)
        : parseAfterId(this.type, cursor);
    const records: VendorRecord[] = [];
    let atHead = false;
    while (records.length < limit) {
      const size = Math.min(this.options.pageSize, limit - records.length);
      const values = await this.query([{ field: 'id', condition: '>', value: afterId }], size, signal);
      for (const entry of values) {
        records.push(this.record(entry));
        afterId = Math.max(afterId, entry.id);
      }
      if (values.length < size) {
        atHead = true;
        break;
      }
    }
    return { records, cursor: { v: 1, afterId }, atHead };
  }

  async close(): Promise<void> {
    // Nothing held: every query is one request.
  }

  /** The cursor a reset moves to: after id 0, after the newest entry, or before the first entry at a time. */
  async cursorAt(to: ResetTarget, signal: AbortSignal): Promise<PlainJson> {
    return { v: 1, afterId: await this.initial(typeof to === 'string' ? to : to.time, signal) };
  }

  /** The id to read after when nothing was committed yet (or a reset moves to `start`). */
  private async initial(start: StartOption, signal: AbortSignal): Promise<number> {
    if (start === 'start') return 0;
    if (start === 'end') {
      const [last] = await this.query([], 1, signal, true);
      return last?.id ?? 0;
    }
    // From a time on: the entry before the first at or after it (ids grow with time).
    const since = new Date(startTimeMs(start)!).toISOString();
    const [first] = await this.query([{ field: 'date', condition: '>=', value: since }], 1, signal);
    return first === undefined ? ((await this.query([], 1, signal, true))[0]?.id ?? 0) : first.id - 1;
  }

  private async query(
    filter: readonly KicsFilterItem[],
    limit: number,
    signal: AbortSignal,
    newestFirst = false,
  ): Promise<readonly LogEntry[]> {
    const query = {
      filter,
      sort: [{ column: 'id', order: newestFirst ? 'desc' : 'asc' }],
      offset: 0,
      limit,
    };
    const page =
      this.type === 'kics.audit'
        ? await this.client.queryAuditMessages(query, { signal })
        : await this.client.queryApplicationMessages(query, { signal });
    return page.values;
  }

  private record(entry: LogEntry): VendorRecord {
    return {
      kind: 'record',
      source: this.type,
      key: String(entry.id),
      time: entry.date,
      data: entry as unknown as PlainObject,
    };
  }
}
