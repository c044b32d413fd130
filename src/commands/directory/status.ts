import { z } from 'zod';
import { itemsTable } from '../core/result.ts';
import { resetNotice } from './shared/reset-notice.ts';
import { READ_ONLY, type DirectoryCommand } from './shared/vendor.ts';

const input = z.object({});

const keyFields = z.object({
  InstancesCount: z.number().int(),
  Users: z.number().int(),
  Groups: z.number().int(),
  Memberships: z.number().int(),
  ResetInProgress: z.boolean(),
  ResetNotice: z.string().nullable(),
  LastEventTime: z.string().nullable(),
  RejectedEvents: z.number().int(),
  RejectedSinceStart: z.number().int(),
});

/** `directory_status`: `DirectoryQueries.status`, per publishing KSC instance. */
export const directoryStatus: DirectoryCommand<typeof input, typeof keyFields> = {
  name: 'directory_status',
  title: 'Directory Status',
  description:
    'Reports the IAM directory KSC publishes (seed 003), per publishing KSC instance (tenant and instance id): ' +
    'the complete generation queries answer from, how many users, groups and memberships it holds, the time of ' +
    'the last event, the events applied, duplicate (redelivered) and stale (older than what is known), and a ' +
    'reset in progress with its age and the events it has received (a reset that never completes can be ' +
    'dropped with directory_abandon_reset). Events the HTTP receiver or the NATS consumer rejected as invalid ' +
    'never reach an instance: they are counted apart, by where they came in and the attribute at fault, in ' +
    'total (kept across restarts) and since the process started. Needs no KSC connection.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'directory',
  api: { operations: ['status'] },
  example: {},
  async run(ctx) {
    const status = await ctx.directory.status();
    const reset = await resetNotice(ctx.directory);
    const context = status.instances.map((i) => ({
      tenantId: i.tenantId,
      kscInstanceId: i.kscInstanceId,
      generation: i.generation,
      users: i.users,
      groups: i.groups,
      memberships: i.memberships,
      resetInProgress:
        i.resetInProgress === undefined
          ? null
          : {
              since: i.resetInProgress.since,
              ageMs: i.resetInProgress.ageMs,
              eventsReceived: i.resetInProgress.eventsReceived,
              pendingGeneration: i.resetInProgress.pendingGeneration,
            },
      lastEventTime: i.lastEventTime ?? null,
      events: { ...i.events },
    }));
    const sum = (pick: (i: (typeof status.instances)[number]) => number) =>
      status.instances.reduce((n, i) => n + pick(i), 0);
    const last = status.instances
      .flatMap((i) => (i.lastEventTime === undefined ? [] : [i.lastEventTime]))
      .sort((a, b) => Date.parse(a) - Date.parse(b))
      .at(-1);
    return {
      status: 'Successful',
      raw: {
        instances: context,
        resetsInProgress: reset.plain,
        rejected: {
          total: status.rejected.total,
          sinceStart: status.rejected.sinceStart,
          reasons: status.rejected.reasons.map((r) => ({ ...r })),
        },
      },
      context,
      keyFields: {
        InstancesCount: status.instances.length,
        Users: sum((i) => i.users),
        Groups: sum((i) => i.groups),
        Memberships: sum((i) => i.memberships),
        ResetInProgress: reset.resets.length > 0,
        ResetNotice: reset.notice,
        LastEventTime: last ?? null,
        RejectedEvents: status.rejected.total,
        RejectedSinceStart: status.rejected.sinceStart,
      },
      result: itemsTable(
        'Directory Status',
        status.instances,
        'Instances Count',
        [
          'Tenant',
          'KSC Instance',
          'Generation',
          'Users',
          'Groups',
          'Memberships',
          'Reset In Progress',
          'Last Event',
          'Applied',
          'Duplicate',
          'Stale',
        ],
        (i) => [
          i.tenantId,
          i.kscInstanceId,
          i.generation,
          i.users,
          i.groups,
          i.memberships,
          i.resetInProgress === undefined
            ? 'No'
            : `since ${i.resetInProgress.since} (${Math.round(i.resetInProgress.ageMs / 1000)} s, ${i.resetInProgress.eventsReceived} events)`,
          i.lastEventTime ?? null,
          i.events.applied,
          i.events.duplicate,
          i.events.stale,
        ],
      ),
      errors: [],
    };
  },
};
