/**
 * The parts of an intake pipeline and what passes between them: a source reads records after a cursor, a mapping
 * turns each into documents, a sink accepts documents durably and says where it got to, and a checkpoint keeps the
 * source's cursor and the sink's position together. The runner commits a checkpoint only after the sink accepted
 * the batch (DESIGN: "the checkpoint advances only after the sink has durably accepted the batch").
 */
import type { PlainJson } from '../commands/core/types.ts';

/** The sources kconnect reads, by the `type` a pipeline's `source` names (issue 18's names: the contract). */
export const SOURCE_TYPES = [
  'ksc.events',
  'kics.events',
  'kics.audit',
  'kics.app-messages',
  'ksc.hosts',
  'kics.devices',
  'nats',
] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** The mappings a pipeline's `mapping` names. */
export const MAPPING_NAMES = ['raw', 'd3', 'ecs', 'ocsf'] as const;
export type MappingName = (typeof MAPPING_NAMES)[number];

/** A JSON object of plain values: longs beyond 2^53 as decimal strings, times as ISO 8601 text. */
export type PlainObject = { readonly [key: string]: PlainJson };

/** What an asset stream says of a host or device. */
export type AssetChange = 'snapshot' | 'added' | 'changed' | 'removed';

/** One record of a source: a vendor record, decoded. */
export interface VendorRecord {
  readonly kind: 'record';
  readonly source: SourceType;
  /**
   * Unique within the source and stable across reads: the ledger and deduplication key (`event_db_id` for KSC
   * events, the id for KICS events and log entries, the host or device id plus the change for asset streams).
   */
  readonly key: string;
  /** When it happened, ISO 8601 with a zone: `rise_time`, `startTime`, the log entry's time, the change's time. */
  readonly time: string;
  /** Asset streams only: whether this is the first snapshot of the asset or a later addition, change or removal. */
  readonly change?: AssetChange;
  /**
   * The vendor's record as plain JSON, named as the vendor names it (KSC event attributes as `EventProcessing`
   * returns them: `event_db_id`, `rise_time`, `GNRL_EA_SEVERITY`, …; KICS entities as the Public API's JSON).
   */
  readonly data: PlainObject;
}

/**
 * Records a source could not read because the vendor no longer has them (KSC deletes its oldest events beyond
 * its maximum, spec §1.1): reported in the stream, never silently skipped (R15).
 */
export interface GapRecord {
  readonly kind: 'gap';
  readonly source: SourceType;
  /** Unique within the source: where the gap starts. */
  readonly key: string;
  /** When it was detected, ISO 8601. */
  readonly time: string;
  /** What is known of the gap: the cursors around it, and how many records are missing when known. */
  readonly data: PlainObject;
}

export type IntakeRecord = VendorRecord | GapRecord;

/** One read of a source. */
export interface SourceBatch {
  /** In the order the source delivers them; possibly none (the source is at its head). */
  readonly records: readonly IntakeRecord[];
  /** Where the next read starts: the cursor to commit with this batch. Opaque JSON, the source's own. */
  readonly cursor: PlainJson;
  /** True when the source had nothing more to read just now: the runner then waits its poll interval. */
  readonly atHead: boolean;
  /** How far behind the head this batch is, when the source knows (for status, metrics and an ETA). */
  readonly behind?: { readonly records?: number; readonly seconds?: number };
}

/** A source of records: reads the records after a cursor, in order, a batch at a time. */
export interface Source {
  readonly type: SourceType;
  /**
   * The next records after `cursor` (undefined: from the pipeline's configured start), at most `limit` (gaps
   * included). Returns an empty batch at the head rather than waiting. Reading the same cursor twice gives the
   * same records, except for records that arrived or were evicted in between.
   */
  next(cursor: PlainJson | undefined, limit: number, signal: AbortSignal): Promise<SourceBatch>;
  /** Releases what the source holds (server-side iterators, sessions it opened itself). */
  close(): Promise<void>;
}

/** One document a mapping made, ready for a sink: a JSON object. */
export type MappedDocument = PlainObject;

/** Turns intake records into what the receiving side speaks. Pure: no I/O, no clock (times come from records). */
export interface Mapping {
  readonly name: MappingName;
  /** The documents for one record: usually one; none for a record the mapping leaves out. */
  map(record: IntakeRecord): readonly MappedDocument[];
}

/** A sink's own record of how far it durably got: opaque JSON (a file and offset, a stream sequence, …). */
export type SinkPosition = PlainJson;

/** One batch for a sink: the documents, each with the key of the record it came from (for dedup and ledgers). */
export interface SinkBatch {
  readonly documents: readonly MappedDocument[];
  readonly keys: readonly string[];
}

/** A document the receiver refused for good (a 4xx other than 408/429, a row it cannot take). */
export interface RejectedDocument {
  /** Its index in the batch's `documents`. */
  readonly index: number;
  /** Why, in the receiver's words where it gave any; never a secret. */
  readonly reason: string;
}

/** What a sink's write achieved. */
export interface SinkWriteResult {
  /** Where the sink durably got to, batch included: committed with the source's cursor. */
  readonly position: SinkPosition;
  /**
   * Documents refused permanently: the runner writes them to the pipeline's dead-letter file with the reason,
   * counts them, and moves on (R12). Every other document of the batch was accepted.
   */
  readonly rejected?: readonly RejectedDocument[];
}

/** Where documents go. */
export interface Sink {
  readonly type: string;
  /**
   * Prepares the sink to continue after `committed` (the position of the last checkpoint; undefined: nothing was
   * ever committed). A sink that can undo (a file) removes whatever was written after that position, which is what
   * makes a crash between write and commit harmless.
   */
  open(committed: SinkPosition | undefined, signal: AbortSignal): Promise<void>;
  /**
   * Writes a batch and resolves once it is durable (as its policy defines), with the position after it and the
   * documents the receiver refused for good. Throws on anything else (the runner retries transient errors).
   */
  write(batch: SinkBatch, signal: AbortSignal): Promise<SinkWriteResult>;
  close(): Promise<void>;
}

/** What a checkpoint keeps: where the source resumes and where the sink had durably got to, committed together. */
export interface Checkpoint {
  readonly pipeline: string;
  /** One more with every commit; a reader resumes from the newest readable generation. */
  readonly generation: number;
  readonly sourceCursor: PlainJson;
  readonly sinkPosition: SinkPosition;
  /** Milliseconds since the epoch. */
  readonly committedAt: number;
  /**
   * Totals since the pipeline started from scratch (records read, documents written, gaps; documents the sink
   * refused for good and the runner dead-lettered, present once there was one).
   */
  readonly totals: {
    readonly records: number;
    readonly documents: number;
    readonly gaps: number;
    readonly deadLettered?: number;
  };
}
