import { z } from 'zod';
import type { PlainJson } from '../core/types.ts';
import { destinationIpsOf, eventRecord, sourceIpsOf } from './shared/events.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Get Event';

const input = z.object({
  eventId: z.number().int().min(1).describe('The id of the event in KICS for Networks (from List Events)'),
});

const keyFields = z.object({
  EventId: z.number().int(),
  Title: z.string(),
  Severity: z.string(),
  Status: z.string(),
  StartTime: z.string(),
  SourceIps: z.array(z.string()),
  DestinationIps: z.array(z.string()),
  DeviceIds: z.array(z.number().int()),
  Cves: z.array(z.string()),
});

/** `kics_get_event`: one event with its communications, devices, parameters and vulnerabilities. */
export const kicsGetEvent: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_get_event',
  title: TITLE,
  description:
    'Reads one event of KICS for Networks by its id: title, description, severity, processing status, the ' +
    'technology and rule that raised it, its monitoring point, start, last seen and end times, how often it ' +
    'recurred, every communication (source and destination IP, MAC, port, industrial address), the devices ' +
    'and CVEs involved and its parameters. Use it to investigate an event from List Events or an alert. ' +
    'Fails with 404 when no event has that id. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying a single event'] },
  hints: { cliAliases: { eventId: 'id' } },
  example: { eventId: 1 },
  async run(ctx, { eventId }) {
    const event = await ctx.kics.getEvent(eventId);
    const record = eventRecord(event);
    const rows: PlainJson[][] = [
      ['Title', event.title],
      ['Severity', event.severity],
      ['Status', record['statusText'] ?? event.status],
      ['Technology', record['technologyText'] ?? event.technology],
      ['Rule', event.triggeredRule],
      ['Start Time', event.startTime],
      ['Last Seen', event.lastSeenTime],
      ['Appearances', event.totalAppearances],
      ['Source', sourceIpsOf(event).join(', ')],
      ['Destination', destinationIpsOf(event).join(', ')],
      ['Devices', event.assets.map((a) => `${a.name} (${a.id})`).join(', ')],
      ['Description', event.description],
    ];
    return {
      status: 'Successful',
      raw: wireOf(event),
      context: { ...record, event: plainOf(event) },
      keyFields: {
        EventId: event.id,
        Title: event.title,
        Severity: event.severity,
        Status: event.status,
        StartTime: event.startTime,
        SourceIps: sourceIpsOf(event),
        DestinationIps: destinationIpsOf(event),
        DeviceIds: event.assets.map((a) => a.id),
        Cves: [...new Set(event.vulnerabilities.map((v) => v.cveId))],
      },
      result: { title: TITLE, columns: ['Attribute', 'Value'], rows },
      errors: [],
    };
  },
};
