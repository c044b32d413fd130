import type { TableSet } from './table-set.ts';

/** Host incidents (`HostGroup.AddIncident` and friends): one row per incident, its attributes as wire JSON. */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type IncidentTables = {
  incidents: {
    /** `KLINCDT_ID`: unique across virtual servers, as KSC's are. */
    id: number;
    vserver_id: number;
    /** `KLHST_WKS_HOSTNAME` of the host the incident is about. */
    host_id: string;
    /** The stored `KLINCDT_*` attributes (and `KLHSTUSER_ID`) in KLOAPI wire JSON. */
    attrs: string;
  };
};

export const incidentTables: TableSet = {
  migration: '0007-incidents',
  tables: ['incidents'],
  async up(db) {
    await db.schema
      .createTable('incidents')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('attrs', 'text', (c) => c.notNull())
      .execute();
  },
};
