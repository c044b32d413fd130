/**
 * `POST /v1/commands/{name}` with `Accept: application/x-ndjson`, against the emulator: a streaming command
 * answers its context records one per line, in the order of the JSON answer (which stays the default); a
 * failure before the first record is the usual JSON result with its status; a failure mid-stream ends the body
 * with a final `{"error": …}` line and is audited as Failed; the KSC slot is held until the body ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainJson } from '../../../src/commands/core/types.ts';
import { COMMANDS } from '../../../src/commands/registry.ts';
import { waitFor } from '../../support/wait-for.ts';
import { holdStreams, MID_STREAM_FAILURE, streamingTestCommand } from '../../support/streaming-command.ts';
import { resultOf, startServiceHarness, type HttpAnswer, type ServiceHarness } from './support.ts';

const NDJSON = { Accept: 'application/x-ndjson' };

describe('streamed command answers (application/x-ndjson)', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startServiceHarness({
      emulator: { hosts: 2_000, events: 300 },
      service: { commands: [...COMMANDS, streamingTestCommand] },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const lines = (answer: HttpAnswer): PlainJson[] =>
    answer.text === ''
      ? []
      : answer.text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as PlainJson);
  const auditEntry = (requestId: string) =>
    waitFor(async () => {
      const answer = await h.get('/v1/audit?limit=1000', h.tokens.admin);
      const entries = (answer.json as unknown as { entries: Record<string, unknown>[] }).entries;
      return entries.find((e) => e['requestId'] === requestId);
    });
  const inFlight = async (): Promise<number> => {
    const text = (await h.get('/metrics', h.tokens.admin)).text;
    const match = /^kconnect_ksc_calls_in_flight\{connection="default"\} (\d+)$/m.exec(text);
    return match === null ? 0 : Number(match[1]);
  };

  it('list_hosts: the records of the JSON context, one per line, in order; JSON stays the default', async () => {
    const input = { limit: 5_000 };
    const json = await h.call('list_hosts', input);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toContain('application/json');
    const context = resultOf(json).context as PlainJson[];
    expect(context.length).toBeGreaterThan(1_000);
    const streamed = await h.call('list_hosts', input, { headers: NDJSON });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toBe('application/x-ndjson');
    expect(lines(streamed)).toEqual(context);
    const audited = await auditEntry(streamed.headers.get('x-request-id')!);
    expect(audited).toMatchObject({ command: 'list_hosts', outcome: 'Successful', statusCode: 200 });
  });

  it('fetch_event streams its context too; a command that does not stream answers JSON', async () => {
    const input = { startTime: '2000-01-01 00:00', limit: 200 };
    const json = resultOf(await h.call('fetch_event', input));
    expect(lines(await h.call('fetch_event', input, { headers: NDJSON }))).toEqual(json.context);
    const groups = await h.call('list_groups', {}, { headers: NDJSON });
    expect(groups.headers.get('content-type')).toContain('application/json');
    expect(resultOf(groups).status).toBe('Successful');
  });

  it('a failure before the first record: the JSON result and its status, as without the header', async () => {
    const answer = await h.call('list_hosts', { limit: 0 }, { headers: NDJSON });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(resultOf(answer).errors[0]).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a failure mid-stream: the records so far, a final error line, a Failed audit row', async () => {
    const answer = await h.call('stream_test_list', { count: 10, failAfter: 4 }, { headers: NDJSON });
    expect(answer.status).toBe(200);
    const got = lines(answer);
    expect(got.slice(0, 4).map((r) => (r as { n: number }).n)).toEqual([0, 1, 2, 3]);
    expect(got).toHaveLength(5);
    expect(got[4]).toEqual({
      error: {
        failureIndicator: 'Stream Test List failed.',
        statusCode: 503,
        code: 'UPSTREAM_UNAVAILABLE',
        message: MID_STREAM_FAILURE,
      },
    });
    const audited = await auditEntry(answer.headers.get('x-request-id')!);
    expect(audited).toMatchObject({
      command: 'stream_test_list',
      outcome: 'Failed',
      statusCode: 503,
      errorCode: 'UPSTREAM_UNAVAILABLE',
      message: MID_STREAM_FAILURE,
    });
  });

  it('holds the KSC slot while the body streams, and gives it back at its end', async () => {
    const release = holdStreams();
    try {
      const response = await fetch(new URL('/v1/commands/stream_test_list', h.service.url), {
        method: 'POST',
        headers: { ...NDJSON, Authorization: `Bearer ${h.tokens.read}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ count: 3 }),
      });
      expect(response.status).toBe(200);
      expect(await inFlight()).toBe(1);
      release();
      const text = await response.text();
      expect(text.trimEnd().split('\n')).toHaveLength(3);
      await waitFor(async () => (await inFlight()) === 0 || undefined);
    } finally {
      release();
    }
  });

  it('a client that goes away mid-stream: the slot comes back and the call is audited as aborted', async () => {
    const release = holdStreams();
    const gone = new AbortController();
    try {
      const response = await fetch(new URL('/v1/commands/stream_test_list', h.service.url), {
        method: 'POST',
        headers: { ...NDJSON, Authorization: `Bearer ${h.tokens.read}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ count: 100_000 }),
        signal: gone.signal,
      });
      const requestId = response.headers.get('x-request-id')!;
      expect(await inFlight()).toBe(1);
      gone.abort();
      release();
      await waitFor(async () => (await inFlight()) === 0 || undefined);
      expect(await auditEntry(requestId)).toMatchObject({ outcome: 'aborted', statusCode: 499 });
    } finally {
      release();
    }
  });

  it('the OpenAPI document gives streaming commands an application/x-ndjson answer, and only them', async () => {
    const doc = (await h.get('/openapi.json')).json as unknown as {
      paths: Record<string, { post: { responses: { '200': { content: Record<string, unknown> } } } }>;
      components: { schemas: Record<string, unknown> };
    };
    const contentOf = (name: string) =>
      Object.keys(doc.paths[`/v1/commands/${name}`]!.post.responses['200'].content);
    for (const name of ['list_hosts', 'fetch_event', 'list_recent_events']) {
      expect(contentOf(name), name).toEqual(['application/json', 'application/x-ndjson']);
    }
    expect(contentOf('list_groups')).toEqual(['application/json']);
    expect(doc.components.schemas['StreamErrorLine']).toMatchObject({ required: ['error'] });
  });
});
