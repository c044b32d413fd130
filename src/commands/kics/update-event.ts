import { z } from 'zod';
import type { EventUpdate } from '../../kics/client/types.ts';
import { EVENT_USER_STATES, type KicsEvent } from '../../kics/model.ts';
import { CONCURRENCY, mapLimited, settle } from '../core/concurrency.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { EVENT_STATUS_WORDS, eventRecord } from './shared/events.ts';
import { eventInputs } from './shared/event-inputs.ts';
import { wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand, type KicsContext } from './shared/vendor.ts';
import { enumWithWords } from '../core/enum-words.ts';

const TITLE = 'KICS Update Event';

const input = z
  .object({
    eventIds: z
      .array(z.number().int().min(1))
      .min(1)
      .max(1000)
      .describe('The ids of the events to change (from List Events), 1–1000; each is changed on its own'),
    status: enumWithWords(EVENT_USER_STATES, EVENT_STATUS_WORDS)
      .optional()
      .describe(
        'The processing status to set: Proposed (new), Active (in progress) or Resolved; Resolved also ' +
          'sets the event’s end time',
      ),
    // A number, not nullable: 0 already means "no mark" (what KICS shows for a cleared one), and a plain
    // integer stays `--mark 3` on the command line.
    mark: eventInputs
      .mark()
      .optional()
      .describe('The mark to set, 0–7 (one of the eight icons KICS shows beside an event); 0 clears it'),
    idempotencyKey: eventInputs.idempotencyKey(),
  })
  .superRefine((given, issues) => {
    // An edit without either would be refused by KICS: say so before any request, naming what is missing.
    if (given.status === undefined && given.mark === undefined)
      issues.addIssue({ code: 'custom', path: ['status'], message: 'give a status, a mark or both' });
  });

const keyFields = z.object({
  UpdatedEventIds: z.array(z.number().int()),
  UpdatedEventsCount: z.number().int(),
  /** The status set, or null when only the mark was changed. */
  Status: z.string().nullable(),
  /** The mark set (0: cleared), or null when only the status was changed. */
  Mark: z.number().int().nullable(),
  /** Each updated event's status before, in the order of UpdatedEventIds: what a rollback sets back. */
  PreviousStatuses: z.array(z.string()),
  /** Each updated event's mark before, in the order of UpdatedEventIds. */
  PreviousMarks: z.array(z.number().int()),
});

interface Updated {
  readonly before: KicsEvent;
  readonly after: KicsEvent;
}

/** One event changed and read back; the read before gives what a rollback needs, and a 404 before any change. */
async function updateOne(ctx: KicsContext, id: number, change: EventUpdate): Promise<Updated> {
  const before = await ctx.kics.getEvent(id);
  await ctx.kics.updateEvent(id, change);
  return { before, after: await ctx.kics.getEvent(id) };
}

function statusWords(status: string): string {
  return Object.hasOwn(EVENT_STATUS_WORDS, status)
    ? EVENT_STATUS_WORDS[status as keyof typeof EVENT_STATUS_WORDS]
    : status;
}

/** `kics_update_event`: sets the processing status and/or the mark of events, each on its own. */
export const kicsUpdateEvent: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_update_event',
  title: TITLE,
  description:
    'Changes the processing status (Proposed = new, Active = in progress, Resolved) and/or the mark (0–7, ' +
    'one of the icons KICS shows; 0 clears it) of one or more events of KICS for Networks, e.g. to mark ' +
    'an event Resolved once a playbook has contained its cause. Each event is read, changed and read back on ' +
    'its own: events that do not exist (404) or cannot be changed are reported one by one and the others are ' +
    'still changed (Partially Successful). Returns each event as it is now, with its previous status and ' +
    'mark, so a playbook can set them back. Setting Resolved also sets the event’s end time. Needs a ' +
    'connector whose user is an Administrator. Pass `idempotencyKey` to make retries safe.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  idempotent: true,
  vendor: 'kics',
  api: {
    roles: CHANGER_ROLES,
    operations: ['Querying a single event', 'Editing an existing event', 'Querying a single event'],
  },
  hints: { cliAliases: { eventIds: 'id' }, targetFields: ['eventIds'] },
  example: { eventIds: [1], status: 'Active', mark: 1 },
  async run(ctx, { eventIds, status, mark }) {
    const change: EventUpdate = {
      ...(status === undefined ? {} : { status }),
      ...(mark === undefined ? {} : { mark }),
    };
    const ids = [...new Set(eventIds)];
    const outcomes = await mapLimited(ids, CONCURRENCY, (id) => settle(updateOne(ctx, id, change)));
    const updated: Updated[] = [];
    const errors: CommandErrorEntry[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) updated.push(outcome.value);
      else errors.push(errorEntry(TITLE, outcome.error, String(ids[index])));
    });
    const context = updated.map(({ before, after }) => ({
      ...eventRecord(after),
      previousStatus: before.status,
      previousMark: before.mark,
    }));
    const rows: PlainJson[][] = updated.map(({ before, after }) => [
      after.id,
      after.title,
      statusWords(before.status),
      statusWords(after.status),
      before.mark,
      after.mark,
    ]);
    return {
      status: statusOf(updated.length, errors.length),
      raw: wireOf(updated.map((u) => u.after)),
      context,
      keyFields: {
        UpdatedEventIds: updated.map((u) => u.after.id),
        UpdatedEventsCount: updated.length,
        Status: status ?? null,
        Mark: mark ?? null,
        PreviousStatuses: updated.map((u) => u.before.status),
        PreviousMarks: updated.map((u) => u.before.mark),
      },
      result: {
        title: TITLE,
        columns: ['Event ID', 'Title', 'Previous Status', 'Status', 'Previous Mark', 'Mark'],
        rows,
      },
      errors,
    };
  },
};
