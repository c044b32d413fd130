import { z } from 'zod';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import type { KicsFileStream } from '../../kics/client/types.ts';
import { FileSinkMissingError, safeFileName, type SavedFile } from '../core/files.ts';
import { errorEntry, failedResult, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand, type KicsContext } from './shared/vendor.ts';

const NAME = 'kics_get_event_traffic';
const TITLE = 'KICS Get Event Traffic';
/** One ZIP per call: 100 captures of a few KB to a few MB each is what a person or a model can look through. */
const MAX_EVENTS = 100;
/** libpcap's registered media type; what KICS (and the emulator) send for one event. */
const PCAP_TYPE = 'application/vnd.tcpdump.pcap';
const ZIP_TYPE = 'application/zip';

const input = z.object({
  eventIds: z
    .array(z.number().int().min(1))
    .min(1)
    .max(MAX_EVENTS)
    .describe(
      'The events whose traffic to download, by id (from List Events), e.g. [4]: one gives its PCAP, several a ' +
        'ZIP with one PCAP per event',
    ),
});

const keyFields = z.object({
  /** The events asked for that KICS knows; a ZIP holds a capture of each that has traffic kept. */
  EventIds: z.array(z.number().int()),
  FileName: z.string(),
  ContentType: z.string(),
  Bytes: z.number().int(),
  Sha256: z.string(),
  /** Where the surface put the file: a path on the CLI and MCP; the HTTP service sends the file itself. */
  SavedTo: z.string(),
});

/** What KICS sends for the events that exist: one event's PCAP, or a ZIP of several. */
async function download(ctx: KicsContext, ids: readonly number[]): Promise<KicsFileStream> {
  if (ids.length === 1) return ctx.kics.eventTrafficStream(ids[0]!);
  const query = kicsQuery('events').where('id', 'IsOneOf', ids).limit(ids.length).build();
  return ctx.kics.eventsTrafficStream(query);
}

/**
 * The ids of `ids` that KICS knows, and a 404 entry for each other one — asked first, so an unknown event is
 * named on its own rather than silently missing from a ZIP.
 */
async function knownEvents(
  ctx: KicsContext,
  ids: readonly number[],
): Promise<{ known: number[]; errors: CommandErrorEntry[] }> {
  const query = kicsQuery('events').where('id', 'IsOneOf', ids).limit(ids.length).build();
  const found = new Set((await ctx.kics.queryEvents(query)).values.map((e) => e.id));
  const errors = ids
    .filter((id) => !found.has(id))
    .map((id): CommandErrorEntry => ({
      failureIndicator: `${TITLE} failed.`,
      statusCode: 404,
      code: 'NOT_FOUND',
      message: `Event ${id} was not found`,
      item: String(id),
    }));
  return { known: ids.filter((id) => found.has(id)), errors };
}

/** The server's media type, unless it said nothing useful (none, or the generic octet stream). */
function specificType(contentType: string): string | undefined {
  const type = contentType.trim();
  return type === '' || /^application\/octet-stream\b/i.test(type) ? undefined : type;
}

function metadata(ids: readonly number[], saved: SavedFile): { [key: string]: PlainJson } {
  return {
    eventIds: [...ids],
    fileName: saved.name,
    contentType: saved.contentType,
    bytes: saved.bytes,
    sha256: saved.sha256,
    savedTo: saved.location,
  };
}

/** `kics_get_event_traffic`: the traffic KICS captured for events, as a PCAP (one event) or a ZIP (several). */
export const kicsGetEventTraffic: KicsCommand<typeof input, typeof keyFields> = {
  name: NAME,
  title: TITLE,
  description:
    'Downloads the network traffic KICS for Networks kept for events — the packets of the industrial ' +
    'conversation that raised them — for analysis in Wireshark or tcpdump, or as evidence. One event gives ' +
    'its capture as a PCAP file, several a ZIP file with one PCAP per event. The file is saved, not returned ' +
    'inline: on the command line to --output (or the current folder), by the HTTP service as the response ' +
    'body itself, by the MCP server into its downloads folder; the result says where, how large it is and ' +
    'its SHA-256. An event that does not exist, or (for a single event) has no traffic kept, fails with 404 ' +
    'naming it; in a ZIP, KICS leaves out events it keeps no traffic for (only some event types keep it). ' +
    'Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: {
    roles: READER_ROLES,
    operations: [
      'Querying several events',
      'Querying traffic for a single event',
      'Querying traffic for several events',
    ],
  },
  hints: { cliAliases: { eventIds: 'event' }, producesFile: { contentTypes: [PCAP_TYPE, ZIP_TYPE] } },
  // Event 4 of the default world is a deep-packet-inspection detection with its traffic kept.
  example: { eventIds: [4] },
  async run(ctx, { eventIds }) {
    const files = ctx.files;
    // executeCommand checks this before any request; a direct call to run() gets the same error.
    if (files === undefined) throw new FileSinkMissingError(NAME);
    const ids = [...new Set(eventIds)];
    // One event: its own download answers 404 for an unknown id, no need to ask first.
    const { known, errors } = ids.length === 1 ? { known: ids, errors: [] } : await knownEvents(ctx, ids);
    if (known.length === 0) return failedResult(TITLE, errors);
    let file: KicsFileStream;
    try {
      file = await download(ctx, known);
    } catch (error) {
      return failedResult(TITLE, [
        ...errors,
        errorEntry(TITLE, error, known.length === 1 ? String(known[0]) : undefined),
      ]);
    }
    const single = known.length === 1;
    const fallback = single ? `event_${known[0]!}.pcap` : `events_${known[0]!}-${known.length}_traffic.zip`;
    let saved: SavedFile;
    try {
      saved = await files.save(
        {
          name: safeFileName(file.fileName, fallback),
          contentType: specificType(file.contentType) ?? (single ? PCAP_TYPE : ZIP_TYPE),
          body: file.stream,
        },
        ctx.signal,
      );
    } finally {
      // Whatever the sink did not read (it refused the name, the disk filled up) is not left hanging; undici
      // reports a body destroyed unread as an error event, which is the point here, not a failure.
      if (!file.stream.readableEnded) {
        file.stream.on('error', () => undefined);
        file.stream.destroy();
      }
    }
    const record = metadata(known, saved);
    return {
      status: statusOf(1, errors.length),
      raw: record,
      context: record,
      keyFields: {
        EventIds: known,
        FileName: saved.name,
        ContentType: saved.contentType,
        Bytes: saved.bytes,
        Sha256: saved.sha256,
        SavedTo: saved.location,
      },
      result: {
        title: TITLE,
        columns: ['Events', 'File', 'Type', 'Bytes', 'SHA-256', 'Saved To'],
        rows: [[known.join(', '), saved.name, saved.contentType, saved.bytes, saved.sha256, saved.location]],
      },
      errors,
    };
  },
};
