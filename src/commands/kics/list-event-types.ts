import { z } from 'zod';
import { EVENT_SEVERITIES, TECHNOLOGIES, type EventType } from '../../kics/model.ts';
import { itemsTable, yesNo } from '../core/result.ts';
import type { PlainJson } from '../core/types.ts';
import { containsIgnoringCase } from './shared/dictionaries.ts';
import { TECHNOLOGY_WORDS } from './shared/events.ts';
import { wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';
import { enumWithWords } from '../core/enum-words.ts';

const TITLE = 'KICS List Event Types';

const input = z.object({
  severity: z
    .array(z.enum(EVENT_SEVERITIES))
    .min(1)
    .optional()
    .describe('Only event types of one of these severities (Info, Warning, Critical)'),
  technology: z
    .array(enumWithWords(TECHNOLOGIES, TECHNOLOGY_WORDS))
    .min(1)
    .optional()
    .describe(
      'Only event types of one of these detection technologies (Dpi, Nic, Cc, Ids, Am, External, System)',
    ),
  title: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .optional()
    .describe('Only event types whose title contains this text (case-insensitive), e.g. "command"'),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  EventTypeIds: z.array(z.number().int()),
  EventTypeTitles: z.array(z.string()),
  EventTypesCount: z.number().int(),
});

function technologyWords(technology: string): string {
  return Object.hasOwn(TECHNOLOGY_WORDS, technology)
    ? TECHNOLOGY_WORDS[technology as keyof typeof TECHNOLOGY_WORDS]
    : technology;
}

function wanted(type: EventType, given: Input): boolean {
  if (given.severity !== undefined && !given.severity.includes(type.severity)) return false;
  if (given.technology !== undefined && !given.technology.includes(type.technology)) return false;
  return given.title === undefined || containsIgnoringCase(type.title, given.title);
}

/** One event type of `context`: its codes with their words, and whether KICS keeps traffic for it. */
function eventTypeRecord(type: EventType): { [key: string]: PlainJson } {
  return {
    eventTypeId: type.eventTypeId,
    title: type.title,
    description: type.description,
    severity: type.severity,
    technology: type.technology,
    technologyText: technologyWords(type.technology),
    eventRegenerateTimeout: type.eventRegenerateTimeout,
    trafficKept: type.trafficKeeping.enabled,
    trafficSecondsBefore: type.trafficKeeping.secondsBefore,
    trafficSecondsAfter: type.trafficKeeping.secondsAfter,
  };
}

/** `kics_list_event_types`: the dictionary of event types KICS for Networks can register. */
export const kicsListEventTypes: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_event_types',
  title: TITLE,
  description:
    'Lists the event types KICS for Networks knows — each with its code (the `eventType` of events), title, ' +
    'description, severity, the detection technology that raises it, how long repeats are folded into one ' +
    'event, and whether KICS keeps the traffic around it (only then can an event’s traffic be downloaded). ' +
    'Use it to turn an event’s `eventType` code into words, to choose types for a filter, or to check which ' +
    'detections keep traffic. Filters combine with AND: severity and technology take several values; title ' +
    'matches part of the title. KICS returns the whole dictionary; the filters apply to it. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Getting a list of event types'] },
  example: { technology: ['Cc', 'Ids'] },
  async run(ctx, given) {
    const all = await ctx.kics.eventTypes();
    const types = all.filter((type) => wanted(type, given));
    return {
      status: 'Successful',
      raw: wireOf(types),
      context: types.map(eventTypeRecord),
      keyFields: {
        EventTypeIds: types.map((t) => t.eventTypeId),
        EventTypeTitles: types.map((t) => t.title),
        EventTypesCount: types.length,
      },
      result: itemsTable(
        TITLE,
        types,
        'Event Types Count',
        ['ID', 'Title', 'Severity', 'Technology', 'Traffic Kept'],
        (t) => [
          t.eventTypeId,
          t.title,
          t.severity,
          technologyWords(t.technology),
          yesNo(t.trafficKeeping.enabled),
        ],
      ),
      errors: [],
    };
  },
};
