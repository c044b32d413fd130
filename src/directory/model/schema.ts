import { sql, type Generated, type Kysely } from 'kysely';
import type { DatabaseKind } from '../../store/database.ts';
import type { MigrationSet } from '../../store/migrations.ts';

/**
 * The directory's tables. A publisher is a KSC instance of a tenant (the unit a reset addresses); its objects,
 * identifiers and memberships belong to one of its generations and, inside it, to a virtual server (`vs_key`,
 * '' for the main server). Order keys (`*_clock`) are `clock.ts` strings. A type alias: Kysely needs an
 * index-compatible record.
 */
export type DirectoryTables = {
  kconnect_directory_publishers: {
    id: Generated<number>;
    tenant_id: string;
    ksc_instance_id: string;
    /** The complete generation queries answer from. */
    generation: number;
    /** Order key of the reset that opened `generation` ('' for the first): older object events are stale. */
    base_clock: string;
    /** The generation a reset in progress fills; null when none is open. */
    pending_generation: number | null;
    pending_base_clock: string | null;
    /** Wall-clock milliseconds when the open reset arrived, for its age. */
    reset_started_at: number | null;
    /** Events received (not duplicates) since the open reset. */
    reset_events: number;
    last_event_clock: string | null;
    applied: number;
    duplicates: number;
    stale: number;
  };
  kconnect_directory_objects: {
    id: Generated<number>;
    publisher_id: number;
    generation: number;
    vs_key: string;
    vs_uid: string | null;
    vs_id: string | null;
    /** 'user' | 'group', null while only memberships named it and nothing says which. */
    kind: string | null;
    /** 'live' (described), 'placeholder' (named, never described), 'deleted' (tombstone). */
    state: string;
    trustee_id: string | null;
    trustee_sfx: string | null;
    /** `ds_info` / `ds_info_original` as JSON text (DirectoryInfo). */
    info: string | null;
    info_original: string | null;
    display_lc: string | null;
    upn_lc: string | null;
    sam_lc: string | null;
    mail_lc: string | null;
    dn_lc: string | null;
    sid_bin: string | null;
    /** Order key of the info event that described it last. */
    info_clock: string | null;
    /** Order key of the newest deletion naming it (kept after a newer info revives it: it still removes older edges). */
    delete_clock: string | null;
  };
  kconnect_directory_identifiers: {
    publisher_id: number;
    generation: number;
    vs_key: string;
    value: string;
    kind: string;
    object_id: number;
  };
  kconnect_directory_memberships: {
    group_id: number;
    member_id: number;
    publisher_id: number;
    generation: number;
    /** 1: a member; 0: removed (a tombstone, so an older add arriving late stays stale). */
    present: number;
    clock: string;
  };
  kconnect_directory_seen: {
    source: string;
    id: string;
    received_at: number;
  };
  /** Events refused by the checks, counted by where they came in and why (`rejectionReason`). */
  kconnect_directory_rejections: {
    via: string;
    reason: string;
    count: number;
  };
};

export const DIRECTORY_MIGRATIONS: MigrationSet = {
  name: 'directory',
  migrations: (kind: DatabaseKind) => {
    const int64 = sql.raw(kind === 'postgres' ? 'bigint' : 'integer');
    // Byte order on both backends: order keys and identifiers compare the same everywhere.
    const text = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
    const serial = kind === 'postgres' ? sql.raw('bigserial') : sql.raw('integer');
    return {
      '0001-directory': {
        async up(db: Kysely<unknown>): Promise<void> {
          await db.schema
            .createTable('kconnect_directory_publishers')
            .addColumn('id', serial, (c) => c.primaryKey().notNull())
            .addColumn('tenant_id', text, (c) => c.notNull())
            .addColumn('ksc_instance_id', text, (c) => c.notNull())
            .addColumn('generation', int64, (c) => c.notNull())
            .addColumn('base_clock', text, (c) => c.notNull())
            .addColumn('pending_generation', int64)
            .addColumn('pending_base_clock', text)
            .addColumn('reset_started_at', int64)
            .addColumn('reset_events', int64, (c) => c.notNull())
            .addColumn('last_event_clock', text)
            .addColumn('applied', int64, (c) => c.notNull())
            .addColumn('duplicates', int64, (c) => c.notNull())
            .addColumn('stale', int64, (c) => c.notNull())
            .addUniqueConstraint('kconnect_directory_publishers_instance', ['tenant_id', 'ksc_instance_id'])
            .execute();
          let objects = db.schema
            .createTable('kconnect_directory_objects')
            .addColumn('id', serial, (c) => c.primaryKey().notNull())
            .addColumn('publisher_id', int64, (c) => c.notNull())
            .addColumn('generation', int64, (c) => c.notNull())
            .addColumn('vs_key', text, (c) => c.notNull())
            .addColumn('vs_uid', 'text')
            .addColumn('vs_id', 'text')
            .addColumn('kind', 'text')
            .addColumn('state', 'text', (c) => c.notNull())
            .addColumn('trustee_id', text)
            .addColumn('trustee_sfx', text)
            .addColumn('info', 'text')
            .addColumn('info_original', 'text');
          for (const column of [
            'display_lc',
            'upn_lc',
            'sam_lc',
            'mail_lc',
            'dn_lc',
            'sid_bin',
            'info_clock',
            'delete_clock',
          ])
            objects = objects.addColumn(column, text);
          await objects.execute();
          await db.schema
            .createIndex('kconnect_directory_objects_generation')
            .on('kconnect_directory_objects')
            .columns(['publisher_id', 'generation', 'id'])
            .execute();
          for (const column of [
            'display_lc',
            'upn_lc',
            'sam_lc',
            'mail_lc',
            'dn_lc',
            'sid_bin',
            'trustee_id',
          ]) {
            await db.schema
              .createIndex(`kconnect_directory_objects_${column}`)
              .on('kconnect_directory_objects')
              .column(column)
              .execute();
          }
          await db.schema
            .createTable('kconnect_directory_identifiers')
            .addColumn('publisher_id', int64, (c) => c.notNull())
            .addColumn('generation', int64, (c) => c.notNull())
            .addColumn('vs_key', text, (c) => c.notNull())
            .addColumn('value', text, (c) => c.notNull())
            .addColumn('kind', text, (c) => c.notNull())
            .addColumn('object_id', int64, (c) => c.notNull())
            .addPrimaryKeyConstraint('kconnect_directory_identifiers_pk', [
              'publisher_id',
              'generation',
              'vs_key',
              'value',
              'kind',
            ])
            .execute();
          await db.schema
            .createIndex('kconnect_directory_identifiers_object')
            .on('kconnect_directory_identifiers')
            .columns(['object_id', 'kind'])
            .unique()
            .execute();
          await db.schema
            .createIndex('kconnect_directory_identifiers_value')
            .on('kconnect_directory_identifiers')
            .columns(['value', 'kind'])
            .execute();
          await db.schema
            .createTable('kconnect_directory_memberships')
            .addColumn('group_id', int64, (c) => c.notNull())
            .addColumn('member_id', int64, (c) => c.notNull())
            .addColumn('publisher_id', int64, (c) => c.notNull())
            .addColumn('generation', int64, (c) => c.notNull())
            .addColumn('present', int64, (c) => c.notNull())
            .addColumn('clock', text, (c) => c.notNull())
            .addPrimaryKeyConstraint('kconnect_directory_memberships_pk', ['group_id', 'member_id'])
            .execute();
          await db.schema
            .createIndex('kconnect_directory_memberships_member')
            .on('kconnect_directory_memberships')
            .columns(['member_id', 'group_id'])
            .execute();
          await db.schema
            .createIndex('kconnect_directory_memberships_generation')
            .on('kconnect_directory_memberships')
            .columns(['publisher_id', 'generation'])
            .execute();
          await db.schema
            .createTable('kconnect_directory_seen')
            .addColumn('source', text, (c) => c.notNull())
            .addColumn('id', text, (c) => c.notNull())
            .addColumn('received_at', int64, (c) => c.notNull())
            .addPrimaryKeyConstraint('kconnect_directory_seen_pk', ['source', 'id'])
            .execute();
        },
      },
      '0002-directory-rejections': {
        async up(db: Kysely<unknown>): Promise<void> {
          await db.schema
            .createTable('kconnect_directory_rejections')
            .addColumn('via', text, (c) => c.notNull())
            .addColumn('reason', text, (c) => c.notNull())
            .addColumn('count', int64, (c) => c.notNull())
            .addPrimaryKeyConstraint('kconnect_directory_rejections_pk', ['via', 'reason'])
            .execute();
        },
      },
    };
  },
};
