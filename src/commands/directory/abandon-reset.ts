import { z } from 'zod';
import { summaryTable } from '../core/result.ts';
import { plainReset } from './shared/plain.ts';
import type { DirectoryCommand } from './shared/vendor.ts';

const input = z.object({
  tenantId: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .describe('The tenant_id of the publishing KSC instance (see directory_status)'),
  kscInstanceId: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .describe(
      'The ksc_instance_id of the publishing KSC instance whose open reset to drop (see directory_status)',
    ),
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Retry safety: a repeat with the same key within a day returns the first result'),
});

const keyFields = z.object({
  TenantID: z.string(),
  KscInstanceID: z.string(),
  Generation: z.number().int(),
  DroppedGeneration: z.number().int(),
  EventsDropped: z.number().int(),
});

/**
 * `directory_abandon_reset`: `DirectoryQueries.abandonReset`. Mutating, with the `respond` scope like the other
 * operator actions (decision 0056); no reset open is a CONFLICT.
 */
export const directoryAbandonReset: DirectoryCommand<typeof input, typeof keyFields> = {
  name: 'directory_abandon_reset',
  title: 'Directory Abandon Reset',
  description:
    'Drops the directory reset a publishing KSC instance opened (ds_info_reset) and never completed: the ' +
    'objects it had republished so far are discarded and the directory goes on answering from the last ' +
    'complete generation, as it did during the reset. Use it when directory_status shows a reset that is old ' +
    'and no longer receiving events; the publisher can start a new one at any time. No reset open for the ' +
    'instance is a CONFLICT error. Needs no KSC connection.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  idempotent: false,
  vendor: 'directory',
  api: { operations: ['resetsInProgress', 'abandonReset'] },
  example: { tenantId: 'tenant-1', kscInstanceId: 'ksc-1' },
  async run(ctx, { tenantId, kscInstanceId }) {
    const before = (await ctx.directory.resetsInProgress()).find(
      (r) => r.tenantId === tenantId && r.kscInstanceId === kscInstanceId,
    );
    await ctx.directory.abandonReset({ tenantId, kscInstanceId });
    const generation = before?.generation ?? 0;
    const dropped = before?.pendingGeneration ?? 0;
    const events = before?.eventsReceived ?? 0;
    return {
      status: 'Successful',
      raw: { tenantId, kscInstanceId, abandoned: before === undefined ? null : plainReset(before) },
      context: { tenantId, kscInstanceId, generation, droppedGeneration: dropped, eventsDropped: events },
      keyFields: {
        TenantID: tenantId,
        KscInstanceID: kscInstanceId,
        Generation: generation,
        DroppedGeneration: dropped,
        EventsDropped: events,
      },
      result: summaryTable('Directory Abandon Reset', {
        Tenant: tenantId,
        'KSC Instance': kscInstanceId,
        'Answering From Generation': generation,
        'Events Dropped': events,
      }),
      errors: [],
    };
  },
};
