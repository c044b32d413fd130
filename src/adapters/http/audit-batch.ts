/**
 * Group commit for audit rows: the rows of the calls that end together go into the database as one INSERT, and
 * each call is answered only once the statement holding its row has committed. A crash loses no row of an
 * answered call (the caller never got an answer for a row still pending), and a fan-out of many calls pays for
 * one statement per batch instead of one per call.
 */

/** Rows in one INSERT at most: 16 columns each stays well inside SQLite's and PostgreSQL's parameter limits. */
export const AUDIT_BATCH_ROWS = 500;

interface Pending<Row> {
  readonly row: Row;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects rows and writes them with `insert`, one batch at a time. A batch is cut when the previous one has
 * committed and the current turn of the event loop has ended (`setImmediate`): no timer adds latency to a lone
 * call, and under load the rows that arrive while a write is in flight form the next batch.
 */
export class AuditBatchWriter<Row> {
  private pending: Pending<Row>[] = [];
  private writing = false;
  private scheduled = false;

  constructor(private readonly insert: (rows: readonly Row[]) => Promise<void>) {}

  /** Resolves once the row has committed; rejects with the database's error when its batch failed. */
  write(row: Row): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every row written before the call has committed or failed. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.writing || this.scheduled) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending.splice(0, AUDIT_BATCH_ROWS);
    try {
      await this.insert(batch.map((p) => p.row));
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.writing = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}
