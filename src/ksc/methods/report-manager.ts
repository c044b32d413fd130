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
} as const;
