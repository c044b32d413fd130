import { randomBytes } from 'node:crypto';
import type { KlValue } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import { eventsStatus, resetEventsStatus } from '../status/events-status.ts';
import { EVENTS_STATUS } from '../status/reasons.ts';
import { deleteRequest, findRequest, saveRequest } from '../status/store.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/**
 * `ReportManager`'s statistics: general statuses (spec §10; KLAK `ReportManager.py` and its statistics sample).
 * `RequestStatisticsData` stores the query and `GetStatisticsData` answers it with the state at the time it is
 * asked; of the general statuses only `KLSTS_Events` (seed 000) is modelled, other requested keys come back as
 * empty containers (docs/decisions/0010).
 */
export const reportManagerClass = defineClass('ReportManager', {
  RequestStatisticsData: {
    rights: READ,
    coverage: { level: 'partial', missing: 'KLSTS_* sections other than KLSTS_Events come back empty' },
    handler: async (ctx, args) => {
      const id = randomBytes(16).toString('hex').toUpperCase();
      await saveRequest(ctx.world, ctx.vserverId, ctx.owner, id, ctx.clock.now(), args.pRequestParams);
      return { strRequestId: id };
    },
  },

  GetStatisticsData: {
    rights: READ,
    coverage: { level: 'partial', missing: 'KLSTS_* sections other than KLSTS_Events come back empty' },
    handler: async (ctx, args) => {
      const request = await findRequest(ctx.world, ctx.vserverId, ctx.owner, args.strRequestId);
      if (request === undefined) throw faults.notFound(`Statistics request '${args.strRequestId}' not found`);
      // Every requested key is answered, so clients that poll until all of them are present (KlAkOAPI's
      // statistics sample) finish; what the emulator does not model comes back empty.
      const result: Record<string, KlValue> = {};
      for (const key of Object.keys(request.query)) {
        result[key] = key === EVENTS_STATUS ? await eventsStatus(ctx.world, ctx.vserverId) : {};
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
});
