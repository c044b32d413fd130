import { isIP } from 'node:net';
import { z } from 'zod';
import { pages } from '../../kics/client/iterators.ts';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import { EVENT_SEVERITIES, EVENT_USER_STATES, TECHNOLOGIES, type KicsEvent } from '../../kics/model.ts';
import { MAX_LIMIT } from '../../kics/query/index.ts';
import { itemsTable } from '../core/result.ts';
import { ipAddressesOf, macAddressesOf } from './shared/devices.ts';
import {
  EVENT_COLUMNS,
  eventRecord,
  eventRow,
  EVENT_STATUS_WORDS,
  TECHNOLOGY_WORDS,
} from './shared/events.ts';
import { wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand, type KicsContext } from './shared/vendor.ts';
import { enumWithWords } from '../core/enum-words.ts';

const TITLE = 'KICS List Events';

const MAC_ADDRESS = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

const endpointAddress = z
  .string()
  .trim()
  .refine((v) => isIP(v) !== 0 || MAC_ADDRESS.test(v), 'an IPv4, IPv6 or MAC address');

/** The filter field of an endpoint's address: its MAC when the text is one, else its IP. */
function addressField(side: 'source' | 'destination', address: string) {
  return MAC_ADDRESS.test(address) ? (`${side}:macAddress` as const) : (`${side}:ipAddress` as const);
}

const input = z.object({
  severity: z
    .array(z.enum(EVENT_SEVERITIES))
    .min(1)
    .optional()
    .describe('Only events of one of these severities (Info, Warning, Critical)'),
  status: z
    .array(enumWithWords(EVENT_USER_STATES, EVENT_STATUS_WORDS))
    .min(1)
    .optional()
    .describe('Only events in one of these processing states (Proposed = new, Active, Resolved)'),
  technology: z
    .array(enumWithWords(TECHNOLOGIES, TECHNOLOGY_WORDS))
    .min(1)
    .optional()
    .describe('Only events raised by one of these detection technologies'),
  eventType: z
    .array(z.number().int().min(0))
    .min(1)
    .optional()
    .describe('Only events of one of these types, by code (the `eventType` of events; see List Event Types)'),
  ipAddress: z
    .string()
    .refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address')
    .optional()
    .describe('Only events with this IP address as the source or the destination of a communication'),
  sourceAddress: endpointAddress
    .optional()
    .describe('Only events with this IP or MAC address as the source of a communication (who sent it)'),
  destinationAddress: endpointAddress
    .optional()
    .describe('Only events with this IP or MAC address as the destination of a communication (who got it)'),
  deviceId: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Only events about this device (from List Devices): one of its IP or MAC addresses is the source or ' +
        'the destination of a communication',
    ),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only events that started at or after this time (ISO 8601)'),
  until: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only events that started at or before this time (ISO 8601); with since, a time window'),
  afterId: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Only events after this id: give the LastEventId of the previous call to read on from there'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .describe(`Events to return at most; read ${MAX_LIMIT} per request until the limit or the last event`),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  EventIds: z.array(z.number().int()),
  EventsCount: z.number().int(),
  /** The id to give as `afterId` to read on; null when no event was returned. */
  LastEventId: z.number().int().nullable(),
  MoreAvailable: z.boolean(),
});

/** The addresses of the device `deviceId`, when the input names one: events are matched to it by them. */
interface DeviceAddresses {
  readonly ips: readonly string[];
  readonly macs: readonly string[];
}

function eventQuery(given: Input, device: DeviceAddresses | undefined) {
  const query = kicsQuery('events');
  if (given.severity !== undefined) query.where('severity', 'IsOneOf', given.severity);
  if (given.status !== undefined) query.where('status', 'IsOneOf', given.status);
  if (given.technology !== undefined) query.where('technology', 'IsOneOf', given.technology);
  if (given.eventType !== undefined) query.where('eventType', 'IsOneOf', given.eventType);
  if (given.since !== undefined) query.where('startTime', '>=', new Date(given.since));
  if (given.until !== undefined) query.where('startTime', '<=', new Date(given.until));
  const ip = given.ipAddress;
  if (ip !== undefined)
    query.andGroup((g) => g.where('source:ipAddress', '=', ip).or('destination:ipAddress', '=', ip));
  if (given.sourceAddress !== undefined)
    query.where(addressField('source', given.sourceAddress), '=', given.sourceAddress);
  if (given.destinationAddress !== undefined)
    query.where(addressField('destination', given.destinationAddress), '=', given.destinationAddress);
  if (device !== undefined) {
    query.andGroup((g) => {
      for (const [side, field, values] of [
        ['source', 'ipAddress', device.ips],
        ['destination', 'ipAddress', device.ips],
        ['source', 'macAddress', device.macs],
        ['destination', 'macAddress', device.macs],
      ] as const) {
        // `=` per address, not IsOneOf: KICS documents IsOneOf as also matching an empty value (spec Q11), and
        // half the communications have no destination address.
        for (const value of values) g.or(`${side}:${field}`, '=', value);
      }
      return g;
    });
  }
  return query.build();
}

/** The events of the filter after `afterId`, by id, at most `limit`, and whether more were there. */
async function readEvents(ctx: KicsContext, given: Input): Promise<{ events: KicsEvent[]; more: boolean }> {
  const events: KicsEvent[] = [];
  let device: DeviceAddresses | undefined;
  if (given.deviceId !== undefined) {
    const found = await ctx.kics.getDevice(given.deviceId);
    device = { ips: ipAddressesOf(found), macs: macAddressesOf(found) };
    // A device with no address is in no communication: no event can be about it.
    if (device.ips.length === 0 && device.macs.length === 0) return { events, more: false };
  }
  const options = {
    pageSize: Math.min(MAX_LIMIT, given.limit + 1),
    ...(given.afterId === undefined ? {} : { afterId: given.afterId }),
  };
  // One more than asked (when a page allows) tells whether more are there; leaving the loop stops the reading.
  for await (const page of pages(ctx.kics, 'events', eventQuery(given, device), options)) {
    events.push(...page);
    if (events.length > given.limit) break;
  }
  const more = events.length > given.limit;
  return { events: more ? events.slice(0, given.limit) : events, more };
}

/** `kics_list_events`: the events KICS for Networks registered, filtered, in id order, read on by `afterId`. */
export const kicsListEvents: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_events',
  title: TITLE,
  description:
    'Lists the events KICS for Networks registered — detections of its technologies (deep packet inspection, ' +
    'network integrity control, command control, intrusion detection, asset management) and system events — ' +
    'in the order KICS registered them (by id): title, severity, processing status, technology, protocol, ' +
    'start and last seen times, source and destination addresses, the devices and CVEs involved. Filters ' +
    'combine with AND: severity, status, technology and eventType take several values; ipAddress matches the ' +
    'source or the destination, sourceAddress and destinationAddress (IP or MAC) one side; deviceId the ' +
    'events whose communications have one of that device’s addresses on either side; since and until bound ' +
    'the start time. To read on without repeats or gaps, give the previous call’s ' +
    '`LastEventId` as `afterId`. Returns at most `limit` events. A bad filter value fails before any request.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying several events'] },
  hints: { cliAliases: { ipAddress: 'ip' } },
  example: { severity: ['Warning', 'Critical'], limit: 20 },
  async run(ctx, given) {
    const { events, more } = await readEvents(ctx, given);
    return {
      status: 'Successful',
      raw: wireOf(events),
      context: events.map(eventRecord),
      keyFields: {
        EventIds: events.map((e) => e.id),
        EventsCount: events.length,
        LastEventId: events.length === 0 ? null : events[events.length - 1]!.id,
        MoreAvailable: more,
      },
      result: itemsTable(TITLE, events, 'Events Count', EVENT_COLUMNS, eventRow),
      errors: [],
    };
  },
};
