import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import { isKlParams } from '../../ksc/values.ts';
import { decodeEventsStatus, type StatusValue } from '../../status/general-status.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { toPlain, unwrapParams } from './shared/plain.ts';
import { plainJsonSchema } from '../core/result.ts';
import type { PlainJson } from '../core/types.ts';
import { poll } from '../core/waiting.ts';

const TITLE = 'Get Server Status';
const EVENTS_STATUS = 'KLSTS_Events';

const input = z.object({
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(300)
    .default(30)
    .describe('How long to wait at most for KSC to collect the status (1–300 seconds)'),
});

const keyFields = z.object({
  /** OK, Informational, Warning or Critical (`KLSTS_Par_Status`). */
  Status: z.string(),
  StatusCode: z.number().int().nullable(),
  ReasonMask: z.number().int(),
  ReasonBits: z.array(z.number().int()),
  Reasons: z.array(z.string()),
  /** The counters and other parameters of the reasons that hold, by their KSC names. */
  Parameters: z.record(z.string(), plainJsonSchema),
});

/** `Get Server Status`: seed 000's general status through `ReportManager` statistics (decision 0010). */
export const getServerStatus: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_server_status',
  title: TITLE,
  description:
    'Reads the Administration Server’s general status of important events (the KSC console’s monitoring ' +
    'status): its level (OK, Informational, Warning, Critical) and each reason in words with its counters — ' +
    'new critical or error events since the status was last reset, a failed server task, hosts whose status ' +
    'is not OK, devices that have not searched for Windows updates, patches or EULAs waiting for approval, a ' +
    'reboot the server needs, new product versions, and so on. Use it as a health check of the KSC ' +
    'deployment or to decide whether to look at events. KSC collects it in the background: the command asks, ' +
    'then polls until it is there (up to `timeoutSeconds`). Reads only; nothing is reset.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [
      'ReportManager.RequestStatisticsData',
      'ReportManager.GetStatisticsData',
      'ReportManager.CancelStatisticsRequest',
    ],
  },
  example: {},
  async run(ctx, { timeoutSeconds }) {
    const { strRequestId } = await ctx.ksc.call('ReportManager.RequestStatisticsData', {
      pRequestParams: { [EVENTS_STATUS]: {} },
    });
    const polled = await poll(ctx, {
      timeoutMs: timeoutSeconds * 1000,
      pauseMs: (_answer, pauses) => Math.min(5000, 250 * 2 ** pauses),
      look: () => ctx.ksc.callWire('ReportManager.GetStatisticsData', { strRequestId }),
      done: (answer) => isKlParams(answer.reply.pResultData?.[EVENTS_STATUS]),
    });
    const answer = polled.value;
    const status = answer.reply.pResultData?.[EVENTS_STATUS];
    if (!isKlParams(status)) {
      await ctx.ksc.call('ReportManager.CancelStatisticsRequest', { strRequestId }).catch(() => undefined);
      throw new KconnectError(
        'TIMEOUT',
        `KSC did not deliver the general status within ${timeoutSeconds} seconds; try again or raise timeoutSeconds`,
      );
    }
    const plain = toPlain(status) as Record<string, StatusValue>;
    const decoded = decodeEventsStatus(plain);
    const wireData = unwrapParams(answer.wire['pResultData'] ?? null);
    const parameters: Record<string, PlainJson> = {};
    for (const r of decoded.reasons) Object.assign(parameters, r.parameters);
    Object.assign(parameters, decoded.otherParameters);
    return {
      status: 'Successful',
      raw: { pResultData: wireData },
      context: {
        status: decoded.level,
        statusCode: decoded.levelCode,
        reasonMask: decoded.reasonMask,
        reasons: decoded.reasons.map((r) => ({
          bit: r.bit,
          text: r.text,
          parameters: r.parameters,
          resettable: r.resettable,
        })),
        unknownBits: [...decoded.unknownBits],
        otherParameters: decoded.otherParameters,
        [EVENTS_STATUS]: plain,
      },
      keyFields: {
        Status: decoded.level,
        StatusCode: decoded.levelCode,
        ReasonMask: decoded.reasonMask,
        ReasonBits: [...decoded.reasons.map((r) => r.bit), ...decoded.unknownBits],
        Reasons: [
          ...decoded.reasons.map((r) => r.text),
          ...decoded.unknownBits.map((bit) => `Reason bit ${bit}, which this version does not know.`),
        ],
        Parameters: parameters,
      },
      result: {
        title: TITLE,
        columns: ['Status', 'Reason Bit', 'Reason'],
        rows: [
          ...decoded.reasons.map((r) => [decoded.level, r.bit, r.text]),
          ...decoded.unknownBits.map((bit) => [decoded.level, bit, 'Unknown reason']),
        ],
      },
      errors: [],
    };
  },
};
