import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `ReportManager`: statistics and general statuses, requested and then collected. */
export const reportManagerMethods = {
  /** Requests the statistics `pRequestParams` names (e.g. `{KLSTS_Events: {}}`); returns a request id. */
  'ReportManager.RequestStatisticsData': kscMethod({
    args: z.strictObject({ pRequestParams: arg.params().optional() }),
    reply: z.looseObject({ strRequestId: out.string() }),
  }),
  /** Reads the statistics of a request, keyed as they were asked for. */
  'ReportManager.GetStatisticsData': kscMethod({
    args: z.strictObject({ strRequestId: arg.string() }),
    reply: z.looseObject({
      /** Absent or null while the server is still collecting: clients poll until it is there. */
      pResultData: out.params().nullable().optional(),
    }),
  }),
  /** Cancels a statistics request. */
  'ReportManager.CancelStatisticsRequest': kscMethod({
    args: z.strictObject({ strRequestId: arg.string() }),
    reply: noReply(),
  }),
  /** Resets the statistics `pRequestParams` names, such as the event counters of a general status. */
  'ReportManager.ResetStatisticsData': kscMethod({
    args: z.strictObject({ pRequestParams: arg.params().optional() }),
    reply: noReply(),
  }),
  /** The report types the server can build: `RPT_TYPE` and its name. */
  'ReportManager.EnumReportTypes': kscMethod({
    args: z.strictObject({}),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** The reports of the server (`RPT_ID`, `RPT_DN`, `RPT_TYPE`, …). */
  'ReportManager.EnumReports': kscMethod({
    args: z.strictObject({}),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** The default settings of a new report of type `lReportType`. */
  'ReportManager.GetDefaultReportInfo': kscMethod({
    args: z.strictObject({ lReportType: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** The common data of report `lReportId`: its settings. */
  'ReportManager.GetReportCommonData': kscMethod({
    args: z.strictObject({ lReportId: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Starts building report `lReportId`; `pOptions` holds `KLRPT_TARGET_TYPE` (0 XML, 1 HTML). */
  'ReportManager.ExecuteReportAsync': kscMethod({
    args: z.strictObject({ lReportId: arg.int(), pOptions: arg.params().optional() }),
    reply: z.looseObject({ strRequestId: out.string() }),
  }),
  /** The next chunk (at most `nChunkSize` bytes) of a built report, and how many bytes remain. */
  'ReportManager.ExecuteReportAsyncGetData': kscMethod({
    args: z.strictObject({ strRequestId: arg.string(), nChunkSize: arg.int() }),
    reply: z.looseObject({
      pXmlData: out.binary().nullable().optional(),
      nDataSizeRest: out.int(),
      pChartData: out.params().nullable().optional(),
    }),
  }),
  /** Cancels building a report. */
  'ReportManager.ExecuteReportAsyncCancel': kscMethod({
    args: z.strictObject({ strRequestId: arg.string() }),
    reply: noReply(),
  }),
} as const;
