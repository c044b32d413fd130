import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import type { ClassImplementation } from '../method.ts';
import { compileSearch, orderRecords, project } from '../records.ts';
import { openChunkAccessor } from '../classes/chunk-accessor.ts';
import type { HostRecord } from '../world/model.ts';
import {
  deleteIncident,
  findIncident,
  incidentsOf,
  insertIncident,
  saveIncidentAttributes,
  type IncidentRow,
} from './store.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/** Attributes a client sets on an incident; the rest of the list is read-only or comes from the host. */
const SETTABLE = ['KLINCDT_SEVERITY', 'KLINCDT_ADDED', 'KLINCDT_BODY', 'KLINCDT_IS_HANDLED', 'KLHSTUSER_ID'];
const UPDATABLE = ['KLINCDT_BODY', 'KLINCDT_SEVERITY', 'KLINCDT_ADDED', 'KLINCDT_IS_HANDLED'];

/** Host attributes an incident carries (the reference's list of incident attributes). */
const HOST_FIELDS = [
  'KLHST_WKS_LID',
  'KLHST_WKS_WINHOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_GROUPID',
  'KLHST_WKS_GROUPID_GP',
] as const;

/** Every attribute `FindIncidents` knows: a filter naming another one is a position error. */
const INCIDENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'KLHST_WKS_HOSTNAME',
  'GNRL_EXTRA_PARAMS',
  'KLINCDT_ID',
  'KLINCDT_TYPE',
  'KLINCDT_TYPE_DISPLAY_NAME',
  'KLHSTUSER_DN',
  'KLHSTUSER_PRINCIPAL',
  'KLHSTUSER_SAMNAME',
  ...SETTABLE,
  ...HOST_FIELDS,
]);

/** Incidents added through the API: KSC types them as the administrator's own. */
const MANUAL_TYPE = 'KLINCDT_MANUAL';

function requireType(data: KlParams, name: string, check: (v: KlValue | undefined) => boolean): void {
  if (!check(data[name])) throw faults.badParameter(name);
}

const isInt = (v: KlValue | undefined) => typeof v === 'number' && Number.isInteger(v);
const isDate = (v: KlValue | undefined) => v instanceof Date;
const isText = (v: KlValue | undefined) => typeof v === 'string';
const isBool = (v: KlValue | undefined) => typeof v === 'boolean';

/** Checks the types of the settable attributes present in `data` and keeps only those in `allowed`. */
function settable(data: KlParams, allowed: readonly string[]): KlParams {
  const kept: Record<string, KlValue> = {};
  const checks: Record<string, (v: KlValue | undefined) => boolean> = {
    KLINCDT_SEVERITY: isInt,
    KLINCDT_ADDED: isDate,
    KLINCDT_BODY: isText,
    KLINCDT_IS_HANDLED: isBool,
    KLHSTUSER_ID: isInt,
  };
  for (const name of allowed) {
    if (!(name in data)) continue;
    requireType(data, name, checks[name] ?? (() => true));
    kept[name] = data[name] as KlValue;
  }
  return kept;
}

function deviceHost(ctx: MethodContext, id: string): HostRecord {
  const host = ctx.world.hosts.get(id);
  if (host === undefined || host.vserverId !== ctx.vserverId) throw faults.unknownDevice(id);
  return host;
}

/** An incident as `FindIncidents` returns it: stored attributes, id, host and user facts. */
function incidentView(ctx: MethodContext, row: IncidentRow): KlParams {
  const host = ctx.world.hosts.get(row.hostId);
  const view: Record<string, KlValue> = {
    KLINCDT_ID: row.id,
    KLHST_WKS_HOSTNAME: row.hostId,
    KLINCDT_TYPE: MANUAL_TYPE,
    KLINCDT_TYPE_DISPLAY_NAME: 'Incident',
    GNRL_EXTRA_PARAMS: {},
    KLINCDT_IS_HANDLED: false,
    ...row.attributes,
  };
  for (const field of HOST_FIELDS) {
    const value = host?.attributes[field];
    if (value !== undefined) view[field] = value;
  }
  return view;
}

/** `HostGroup` methods about host incidents; `host-group.ts` serves them with the rest. */
export const incidentMethods: ClassImplementation<'HostGroup'> = {
  // coverage: full — required attributes checked (1187), host must exist on the caller's server.
  AddIncident: {
    rights: WRITE,
    handler: async (ctx, { pData }) => {
      if (!canSeeDevices(ctx)) throw faults.accessDenied();
      requireType(pData, 'KLINCDT_SEVERITY', isInt);
      requireType(pData, 'KLINCDT_ADDED', isDate);
      requireType(pData, 'KLINCDT_BODY', isText);
      requireType(pData, 'KLHST_WKS_HOSTNAME', isText);
      const host = deviceHost(ctx, pData['KLHST_WKS_HOSTNAME'] as string);
      const id = await insertIncident(ctx.world, ctx.vserverId, host.id, settable(pData, SETTABLE));
      return { PxgRetVal: id };
    },
  },

  // coverage: full — body, severity, creation time and handled flag; other attributes are ignored.
  UpdateIncident: {
    rights: WRITE,
    handler: async (ctx, { nId, pData }) => {
      if (!canSeeDevices(ctx)) throw faults.accessDenied();
      const row = await findIncident(ctx.world, ctx.vserverId, nId);
      if (row === undefined) throw faults.notFound(`Incident ${nId} not found`);
      await saveIncidentAttributes(ctx.world, nId, { ...row.attributes, ...settable(pData, UPDATABLE) });
      return {};
    },
  },

  // coverage: full
  DeleteIncident: {
    rights: WRITE,
    handler: async (ctx, { nId }) => {
      if (!canSeeDevices(ctx)) throw faults.accessDenied();
      if (!(await deleteIncident(ctx.world, ctx.vserverId, nId)))
        throw faults.notFound(`Incident ${nId} not found`);
      return {};
    },
  },

  // coverage: full — search filter over every incident attribute, ordering, ChunkAccessor result.
  FindIncidents: {
    rights: READ,
    handler: async (ctx, args) => {
      const search = compileSearch(args.strFilter, { attributes: INCIDENT_ATTRIBUTES }, () =>
        ctx.clock.now(),
      );
      const rows = canSeeDevices(ctx) ? await incidentsOf(ctx.world, ctx.vserverId) : [];
      const matched = rows.map((row) => incidentView(ctx, row)).filter(search.predicate);
      const ordered = orderRecords(matched, args.pFieldsToOrder, (v) => v);
      return openChunkAccessor(
        ctx,
        ordered.map((v) => project(v, args.pFieldsToReturn)),
        args.lMaxLifeTime,
      );
    },
  },
};
