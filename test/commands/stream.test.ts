/**
 * Streaming commands on a real emulator: `executeCommandStream` yields the same records, in the same order, as
 * `executeCommand` puts in `context` (list_hosts over several pages, fetch_event, list_recent_events); bad input
 * fails before the first record; a page that fails mid-stream (the result set destroyed under it) ends the stream
 * with a CommandStreamError that says how many records had been delivered; leaving the loop early releases the
 * result set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandStreamError,
  executeCommand,
  executeCommandStream,
  isStreamingCommand,
} from '../../src/commands/core/execute.ts';
import type { CommandDefinition, PlainJson, StreamingCommand } from '../../src/commands/core/types.ts';
import { fetchEvent } from '../../src/commands/ksc/fetch-event.ts';
import { listHosts } from '../../src/commands/ksc/list-hosts.ts';
import { listRecentEvents } from '../../src/commands/ksc/list-recent-events.ts';
import { startCommandHarness, type CommandHarness } from './support.ts';

/** Enough hosts on the main server for three pages of list_hosts (1000 a page). */
const HOSTS = 3_500;

function streaming(command: CommandDefinition): StreamingCommand {
  if (!isStreamingCommand(command)) throw new Error(`${command.name} does not stream`);
  return command;
}

async function collect(records: AsyncIterable<PlainJson>): Promise<PlainJson[]> {
  const out: PlainJson[] = [];
  for await (const record of records) out.push(record);
  return out;
}

/** The stream's failure, and the records it delivered before it. */
async function failureOf(
  records: AsyncIterable<PlainJson>,
): Promise<{ error: CommandStreamError; delivered: PlainJson[] }> {
  const delivered: PlainJson[] = [];
  try {
    for await (const record of records) delivered.push(record);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandStreamError);
    return { error: error as CommandStreamError, delivered };
  }
  throw new Error('the stream did not fail');
}

describe('streaming commands (real emulator)', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness({ hosts: HOSTS, events: 1_500 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('list_hosts streams the records of context, in order, across pages', async () => {
    const input = { limit: 5_000 };
    const whole = await executeCommand(listHosts, h.context(), input);
    expect(whole.status).toBe('Successful');
    const context = whole.context as PlainJson[];
    expect(context.length).toBeGreaterThan(2_000);
    const streamed = await collect(executeCommandStream(streaming(listHosts), h.context(), input));
    expect(streamed).toEqual(context);
  });

  it('list_hosts streams from an offset, with chosen fields and a filter, as run does', async () => {
    const input = {
      limit: 1_200,
      offset: 300,
      fields: ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_DN', 'KLHST_WKS_STATUS_ID'],
      filter: '(KLHST_WKS_STATUS_ID <> 99)',
    };
    const whole = await executeCommand(listHosts, h.context(), input);
    expect(whole.status).toBe('Successful');
    const streamed = await collect(executeCommandStream(streaming(listHosts), h.context(), input));
    expect(streamed).toEqual(whole.context);
    expect(streamed.length).toBeGreaterThan(1_000);
  });

  it('fetch_event and list_recent_events stream what their context holds', async () => {
    for (const [command, input] of [
      [fetchEvent, { startTime: '2000-01-01 00:00', limit: 1_200 }],
      [listRecentEvents, { limit: 500 }],
    ] as const) {
      const whole = await executeCommand(command, h.context(), input);
      expect(whole.status, command.name).toBe('Successful');
      expect((whole.context as PlainJson[]).length, command.name).toBeGreaterThan(0);
      const streamed = await collect(executeCommandStream(streaming(command), h.context(), input));
      expect(streamed, command.name).toEqual(whole.context);
    }
  });

  it('fails before the first record on bad input, naming the field, as executeCommand does', async () => {
    const { error, delivered } = await failureOf(
      executeCommandStream(streaming(listHosts), h.context(), { limit: 0 }),
    );
    expect(delivered).toEqual([]);
    expect(error.delivered).toBe(0);
    expect(error.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(error.errors[0]!.message).toContain('(limit)');
    const unknown = await failureOf(executeCommandStream(streaming(listHosts), h.context(), { limt: 5 }));
    expect(unknown.error.errors[0]).toMatchObject({ code: 'INVALID_INPUT' });
    const late = await failureOf(
      executeCommandStream(streaming(fetchEvent), h.context(), {
        startTime: '2024-02-01 00:00',
        endTime: '2024-01-01 00:00',
      }),
    );
    expect(late.error.errors[0]!.message).toContain('(endTime)');
  });

  it('reports a page that fails mid-stream, after the records already delivered', async () => {
    const records = executeCommandStream(streaming(listHosts), h.context(), { limit: 3_000 });
    const delivered: PlainJson[] = [];
    let failure: unknown;
    try {
      for await (const record of records) {
        delivered.push(record);
        // The first page has arrived: destroy the result set under the reader, as a server restart would.
        if (delivered.length === 1) await h.emu.control('POST', '/__emulator/iterators/expire');
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CommandStreamError);
    const error = failure as CommandStreamError;
    expect(delivered.length).toBe(1_000);
    expect(error.delivered).toBe(1_000);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]!.failureIndicator).toBe('List Hosts failed.');
    expect(error.errors[0]!.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('releases the result set when the reader stops early', async () => {
    const iterators = async () =>
      ((await h.emu.control('GET', '/__emulator/state')).body as { iterators: number }).iterators;
    const before = await iterators();
    const records = executeCommandStream(streaming(listHosts), h.context(), { limit: 3_000 });
    let seen = 0;
    for await (const _record of records) {
      if (++seen === 5) break;
    }
    expect(seen).toBe(5);
    expect(await iterators()).toBe(before);
  });
});
