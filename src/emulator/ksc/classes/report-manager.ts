import { randomBytes } from 'node:crypto';
import type { KlValue } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import { eventsStatus, resetEventsStatus } from '../status/events-status.ts';
import { EVENTS_STATUS } from '../status/reasons.ts';
import { GENERAL_STATUSES } from '../status/general-statuses.ts';
import { dashboardData, isDashboardQuery } from '../reports/dashboards.ts';
import { defaultReport, predefinedReports, renderReport, REPORT_TYPES } from '../reports/reports.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { deleteRequest, findRequest, saveRequest } from '../status/store.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/**
 * `ReportManager`'s statistics: general statuses (spec §10; KLAK `ReportManager.py` and its statistics sample).
 * `RequestStatisticsData` stores the query and `GetStatisticsData` answers it with the state at the time it is
 * asked: `KLSTS_Events` (seed 000, docs/decisions/0010), the other `KLSTS_*` sections and dashboard entries
 * (docs/decisions/0061); keys the emulator does not know come back as empty containers. Reports: the predefined
 * ones, built on `ExecuteReportAsync` and read in chunks.
 */
/** Built reports waiting to be read, by request id: kept in memory, like the iterators, for the session's life. */
interface BuiltReport {
  readonly owner: string;
  readonly vserverId: number;
  readonly data: Uint8Array;
  offset: number;
}
const builtReports = new Map<string, BuiltReport>();

function findReport(id: number): KlParams {
  const report = predefinedReports().find((r) => r['RPT_ID'] === id);
  if (report === undefined) throw faults.notFound(`Report ${id} not found`);
  return report;
}

function takeBuilt(owner: string, vserverId: number, id: string): BuiltReport {
  const built = builtReports.get(id);
  if (built === undefined || built.owner !== owner || built.vserverId !== vserverId)
    throw faults.notFound(`Report request '${id}' not found`);
  return built;
}

export const reportManagerClass = defineClass('ReportManager', {
  RequestStatisticsData: {
    rights: READ,
    handler: async (ctx, args) => {
      const id = randomBytes(16).toString('hex').toUpperCase();
      await saveRequest(ctx.world, ctx.vserverId, ctx.owner, id, ctx.clock.now(), args.pRequestParams);
      return { strRequestId: id };
    },
  },

  GetStatisticsData: {
    rights: READ,
    handler: async (ctx, args) => {
      const request = await findRequest(ctx.world, ctx.vserverId, ctx.owner, args.strRequestId);
      if (request === undefined) throw faults.notFound(`Statistics request '${args.strRequestId}' not found`);
      // Every requested key is answered, so clients that poll until all of them are present (KlAkOAPI's
      // statistics sample) finish; what the emulator does not model comes back empty.
      const result: Record<string, KlValue> = {};
      for (const key of Object.keys(request.query)) {
        const query = request.query[key];
        const section = GENERAL_STATUSES[key];
        if (key === EVENTS_STATUS) result[key] = await eventsStatus(ctx.world, ctx.vserverId);
        else if (section !== undefined) result[key] = section(ctx.world, ctx.vserverId);
        else if (key === 'KLPPT_DASHBOARD' && Array.isArray(query))
          result[key] = await Promise.all(
            query
              .filter(isDashboardQuery)
              .map((q) => dashboardData(ctx.world, ctx.vserverId, q, ctx.clock.now())),
          );
        else if (isDashboardQuery(query))
          result[key] = await dashboardData(ctx.world, ctx.vserverId, query, ctx.clock.now());
        else result[key] = {};
      }
      return { pResultData: result };
    },
  },

  CancelStatisticsRequest: {
    rights: READ,
    handler: async (ctx, args) => {
      if (!(await deleteRequest(ctx.world, ctx.vserverId, ctx.owner, args.strRequestId)))
        throw faults.notFound(`Statistics request '${args.strRequestId}' not found`);
      return {};
    },
  },

  ResetStatisticsData: {
    rights: WRITE,
    handler: async (ctx, args) => {
      const events = args.pRequestParams[EVENTS_STATUS];
      if (events === undefined) return {};
      if (typeof events !== 'object' || events === null || Array.isArray(events) || events instanceof Date)
        throw faults.badParameter('pRequestParams');
      const params = events as Readonly<Record<string, KlValue>>;
      const mask = params['KLSTS_Par_StatusReasonMask'];
      if (typeof mask !== 'number') throw faults.badParameter('pRequestParams');
      const registration = params['registration_time'];
      await resetEventsStatus(
        ctx.world,
        ctx.vserverId,
        mask,
        ctx.clock.now(),
        registration instanceof Date ? registration : undefined,
      );
      return {};
    },
  },

  // coverage: full — the emulator's report types (docs/decisions/0061).
  EnumReportTypes: {
    rights: READ,
    handler: () => ({ PxgRetVal: REPORT_TYPES.map((t) => ({ RPT_TYPE: t.id, RPT_DN: t.name })) }),
  },

  // coverage: full — every report there is: the predefined ones (adding, changing and removing reports are other
  // methods, not emulated: 1194).
  EnumReports: {
    rights: READ,
    handler: () => ({ PxgRetVal: predefinedReports() }),
  },

  // coverage: full.
  GetDefaultReportInfo: {
    rights: READ,
    handler: (_ctx, { lReportType }) => {
      const type = REPORT_TYPES.find((t) => t.id === lReportType);
      if (type === undefined) throw faults.badParameter('lReportType');
      return { PxgRetVal: defaultReport(type) };
    },
  },

  // coverage: full — the report's settings.
  GetReportCommonData: {
    rights: READ,
    handler: (_ctx, { lReportId }) => ({ PxgRetVal: findReport(lReportId) }),
  },

  // coverage: full — built at once from the hosts; XML (KLRPT_TARGET_TYPE 0, default) or HTML (1).
  ExecuteReportAsync: {
    rights: READ,
    handler: (ctx, { lReportId, pOptions }) => {
      const report = findReport(lReportId);
      const html = pOptions['KLRPT_TARGET_TYPE'] === 1;
      const text = renderReport(ctx.world, ctx.vserverId, report, html, ctx.clock.now());
      const id = randomBytes(16).toString('hex').toUpperCase();
      builtReports.set(id, {
        owner: ctx.owner,
        vserverId: ctx.vserverId,
        data: new TextEncoder().encode(text),
        offset: 0,
      });
      return { strRequestId: id };
    },
  },

  // coverage: full — chunks of at most nChunkSize bytes; the request is forgotten once read to the end.
  ExecuteReportAsyncGetData: {
    rights: READ,
    handler: (ctx, { strRequestId, nChunkSize }) => {
      const built = takeBuilt(ctx.owner, ctx.vserverId, strRequestId);
      if (nChunkSize <= 0) throw faults.badParameter('nChunkSize');
      const chunk = built.data.slice(built.offset, built.offset + nChunkSize);
      built.offset += chunk.length;
      const rest = built.data.length - built.offset;
      if (rest === 0) builtReports.delete(strRequestId);
      return { pXmlData: chunk, nDataSizeRest: rest, pChartData: null };
    },
  },

  // coverage: full.
  ExecuteReportAsyncCancel: {
    rights: READ,
    handler: (ctx, { strRequestId }) => {
      takeBuilt(ctx.owner, ctx.vserverId, strRequestId);
      builtReports.delete(strRequestId);
      return {};
    },
  },
});
