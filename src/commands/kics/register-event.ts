import { z } from 'zod';
import type { EventRegistration } from '../../kics/client/types.ts';
import { EVENT_ORIGINS, EVENT_SEVERITIES, type KicsEvent } from '../../kics/model.ts';
import type { PlainJson } from '../core/types.ts';
import { eventInputs } from './shared/event-inputs.ts';
import { eventRecord } from './shared/events.ts';
import { wireOf } from './shared/json.ts';
import { CHANGER_ROLES, type KicsCommand, type KicsContext } from './shared/vendor.ts';

const TITLE = 'KICS Register Event';

const time = (what: string) =>
  z.iso
    .datetime({ offset: true })
    .optional()
    .describe(`${what} (ISO 8601 with a zone, e.g. 2026-01-31T10:15:00Z)`);

const input = z.object({
  title: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .describe('The event’s title, as KICS lists it (1–4096 characters), e.g. "Engineering station isolated"'),
  severity: z.enum(EVENT_SEVERITIES).describe('The event’s severity: Info, Warning or Critical'),
  description: z.string().max(32_000).optional().describe('What happened, for the operator (up to 32000)'),
  startTime: time('When it started; default: now'),
  lastSeenTime: time('When it was last seen; default: the start time'),
  endTime: time('When it ended; default: not ended'),
  totalAppearances: z
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .optional()
    .describe('How often it occurred; default 1'),
  triggeredRuleName: z
    .string()
    .max(4096)
    .optional()
    .describe('The name of the rule or playbook that raised it, shown as the event’s rule'),
  monitoringPointId: z
    .number()
    .int()
    .min(0)
    .max(65_535)
    .optional()
    .describe('The monitoring point it concerns (an id from List Monitoring Points)'),
  mark: eventInputs.mark().optional(),
  origin: z.enum(EVENT_ORIGINS).optional().describe('Who raised it: User (default), System or Unknown'),
  params: z
    .record(z.string().min(1).max(256), z.string().max(4096))
    .optional()
    .describe('Name-value pairs kept with the event, e.g. {"kscHost": "ENG-WS-07", "ticket": "SOC-4711"}'),
  idempotencyKey: eventInputs.idempotencyKey(),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  EventId: z.number().int(),
  Title: z.string(),
  Severity: z.string(),
  /** The event type KICS gave it (external events have their own), or null when it could not be read back. */
  EventType: z.number().int().nullable(),
  /** When it started as KICS recorded it, or null when it could not be read back. */
  StartTime: z.string().nullable(),
});

/** The fields of a record that are set (under exactOptionalPropertyTypes an absent field must not be undefined). */
function definedOnly<T extends object>(record: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** The registration body: only what was given, so KICS applies its own defaults to the rest. */
function registrationOf(given: Input): EventRegistration {
  const { idempotencyKey: _key, title, severity, ...optional } = given;
  return { ...definedOnly(optional), title, severity };
}

/**
 * The new event as KICS stored it. The event exists once KICS answered with its id: a failed read-back must not
 * turn that into a failure (a retry without a key would register it twice), so it yields nothing instead.
 */
async function readBack(ctx: KicsContext, id: number): Promise<KicsEvent | undefined> {
  try {
    return await ctx.kics.getEvent(id);
  } catch {
    return undefined;
  }
}

/** `kics_register_event`: adds an event from outside (a playbook, a SIEM) to KICS for Networks' event list. */
export const kicsRegisterEvent: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_register_event',
  title: TITLE,
  description:
    'Registers a new event in KICS for Networks, as an external system does: a title, a severity and, ' +
    'optionally, a description, start, last seen and end times, how often it occurred, the rule or playbook ' +
    'that raised it, the monitoring point it concerns, a mark and name-value parameters. Use it to record ' +
    'in the OT console what a playbook found or did on the IT side (e.g. "Engineering station isolated"). ' +
    'The event starts as Proposed (new) and is read back: returns its id, its event type and the event as ' +
    'stored. Needs a connector whose user is an Administrator. Each run adds an event: pass ' +
    '`idempotencyKey` so that a retry does not register it twice.',
  input,
  keyFields,
  readOnly: false,
  // Additive, but not safe to repeat: declared destructive so that the command core honours `idempotencyKey`
  // (as scan_hosts does); see the decision record on KICS event changes.
  destructive: true,
  idempotent: false,
  vendor: 'kics',
  api: { roles: CHANGER_ROLES, operations: ['Registering an event', 'Querying a single event'] },
  example: {
    title: 'kconnect: engineering station isolated',
    severity: 'Info',
    description: 'Isolated by the OT incident playbook through Kaspersky Security Center.',
    params: { playbook: 'ot-incident' },
  },
  async run(ctx, given) {
    const { eventId } = await ctx.kics.registerEvent(registrationOf(given));
    const event = await readBack(ctx, eventId);
    const rows: PlainJson[][] = [
      ['Event ID', eventId],
      ['Title', event?.title ?? given.title],
      ['Severity', event?.severity ?? given.severity],
      ['Event Type', event?.eventType ?? null],
      ['Start Time', event?.startTime ?? null],
      ['Status', event === undefined ? 'Registered (not read back)' : event.status],
    ];
    return {
      status: 'Successful',
      raw: event === undefined ? { eventId } : wireOf(event),
      context:
        event === undefined ? { id: eventId, readBack: false } : { ...eventRecord(event), readBack: true },
      keyFields: {
        EventId: eventId,
        Title: event?.title ?? given.title,
        Severity: event?.severity ?? given.severity,
        EventType: event?.eventType ?? null,
        StartTime: event?.startTime ?? null,
      },
      result: { title: TITLE, columns: ['Attribute', 'Value'], rows },
      errors: [],
    };
  },
};
