import type { Kysely } from 'kysely';
import type { OpenDatabase } from '../../../store/database.ts';
import type { DocumentTableName, KicsSchema } from './schema.ts';

/** A bound on the key column; `inclusive` says whether the bound's own value is inside. */
export interface KeyBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** What a database can apply on the key column before any document is read. */
export interface KeyRange {
  readonly lower: KeyBound | null;
  readonly upper: KeyBound | null;
  /** Only these keys can match; null when any can. */
  readonly ids: readonly number[] | null;
}

/** How to read one page: the key range, the order, the page, and the rest of the filter as a predicate. */
export interface ScanPlan<T> {
  readonly range: KeyRange;
  readonly descending: boolean;
  readonly offset: number;
  /** `null`: everything from the offset on (seed 002: no limit returns all data). */
  readonly limit: number | null;
  /** What the key range does not decide; absent when the range is the whole filter. */
  readonly matches?: ((doc: T) => boolean) | undefined;
}

/** Rows read per round trip when a predicate decides: large enough to amortise the query, small enough to stop early. */
const SCAN_CHUNK = 2000;

/**
 * One resource's documents in its table: point reads and writes, and paged scans in key order. A scan pushes
 * the key range (and, when nothing else filters, the offset and limit) into SQL, and evaluates the rest of the
 * filter on the documents in chunks, so paging a million events by `id > watermark` never reads what it skips.
 */
export class DocumentTable<T> {
  constructor(
    private readonly store: Pick<OpenDatabase<KicsSchema>, 'db' | 'pluck'>,
    readonly table: DocumentTableName,
  ) {}

  private get db(): Kysely<Record<DocumentTableName, { id: number; doc: string }>> {
    return this.store.db as never;
  }

  async getText(id: number): Promise<string | undefined> {
    const row = await this.db.selectFrom(this.table).select('doc').where('id', '=', id).executeTakeFirst();
    return row?.doc;
  }

  async get(id: number): Promise<T | undefined> {
    const text = await this.getText(id);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** Replaces the document of `id`; false when there is none. */
  async update(id: number, doc: T): Promise<boolean> {
    const result = await this.db
      .updateTable(this.table)
      .set({ doc: JSON.stringify(doc) })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async insert(id: number, doc: T): Promise<void> {
    await this.db
      .insertInto(this.table)
      .values({ id, doc: JSON.stringify(doc) })
      .execute();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom(this.table).where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The largest key stored, 0 for an empty table. */
  async maxId(): Promise<number> {
    const row = await this.db
      .selectFrom(this.table)
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom(this.table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The JSON texts of one page, in key order. */
  async page(plan: ScanPlan<T>): Promise<string[]> {
    const texts: string[] = [];
    // Chunk by chunk, not text by text: an await per document costs more than reading it.
    for await (const chunk of this.chunks(plan)) for (const text of chunk) texts.push(text);
    return texts;
  }

  /** The JSON texts of one page, in key order, as they are found. */
  async *scan(plan: ScanPlan<T>): AsyncGenerator<string> {
    for await (const chunk of this.chunks(plan)) yield* chunk;
  }

  /** The JSON texts of one page in key order, a chunk per round trip to the database. */
  private async *chunks(plan: ScanPlan<T>): AsyncGenerator<readonly string[]> {
    if (plan.limit === 0 || plan.range.ids?.length === 0) return;
    if (plan.matches === undefined) {
      yield* this.scanExact(plan);
      return;
    }
    yield* this.scanFiltered(plan, plan.matches);
  }

  private ranged(range: KeyRange, after: number | undefined, descending: boolean) {
    let query = this.db.selectFrom(this.table);
    const { lower, upper, ids } = range;
    if (lower !== null) query = query.where('id', lower.inclusive ? '>=' : '>', lower.value);
    if (upper !== null) query = query.where('id', upper.inclusive ? '<=' : '<', upper.value);
    if (ids !== null) query = query.where('id', 'in', [...ids]);
    if (after !== undefined) query = query.where('id', descending ? '<' : '>', after);
    return query;
  }

  private async *scanExact(plan: ScanPlan<T>): AsyncGenerator<readonly string[]> {
    // Pages of SQL, so an unlimited page of a million rows is never held at once.
    let offset = plan.offset;
    let remaining = plan.limit ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const take = Math.min(remaining, 10_000);
      const query = this.ranged(plan.range, undefined, plan.descending)
        .select('doc')
        .orderBy('id', plan.descending ? 'desc' : 'asc')
        .limit(take)
        .offset(offset)
        .compile();
      const texts = await this.store.pluck<string>(query);
      if (texts.length > 0) yield texts;
      if (texts.length < take) return;
      offset += take;
      remaining -= take;
    }
  }

  private async *scanFiltered(
    plan: ScanPlan<T>,
    matches: (doc: T) => boolean,
  ): AsyncGenerator<readonly string[]> {
    let skip = plan.offset;
    let remaining = plan.limit ?? Number.POSITIVE_INFINITY;
    let after: number | undefined;
    for (;;) {
      const rows = await this.ranged(plan.range, after, plan.descending)
        .select(['id', 'doc'])
        .orderBy('id', plan.descending ? 'desc' : 'asc')
        .limit(SCAN_CHUNK)
        .execute();
      const found: string[] = [];
      for (const row of rows) {
        if (!matches(JSON.parse(row.doc) as T)) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        found.push(row.doc);
        if (--remaining === 0) break;
      }
      if (found.length > 0) yield found;
      if (remaining === 0 || rows.length < SCAN_CHUNK) return;
      after = Number(rows[rows.length - 1]?.id);
    }
  }
}
