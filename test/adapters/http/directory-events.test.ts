/**
 * `POST /v1/directory/events` through the real service over HTTP: the three CloudEvents modes (the SDK's own
 * emitter as the client), every type, the 400's fields, the ingest scope, batch reports, size limits, and 503
 * without a store. The applier is a small recorder: the seam the model's store plugs into.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { MAX_DIRECTORY_BATCH } from '../../../src/adapters/http/directory-routes.ts';
import type { ApplyOutcome, DirectoryApplier, DirectoryEvent } from '../../../src/directory/types.ts';
import { DIRECTORY_EVENT_TYPES } from '../../../src/directory/types.ts';
import { eventArbitrary } from '../../directory/events/arbitraries.ts';
import { request, testServiceDatabase } from './support.ts';

/** Records what it was given; a (source, id) seen before is a duplicate, as the real store answers. */
class RecordingApplier implements DirectoryApplier {
  readonly applied: DirectoryEvent[] = [];
  readonly calls: number[] = [];
  failing = false;
  private readonly seen = new Set<string>();

  async apply(events: readonly DirectoryEvent[]): Promise<readonly ApplyOutcome[]> {
    if (this.failing) throw new Error('store down');
    this.calls.push(events.length);
    return events.map((event) => {
      const key = `${event.source}\u0000${event.id}`;
      if (this.seen.has(key)) return 'duplicate';
      this.seen.add(key);
      this.applied.push(event);
      return 'applied';
    });
  }
}

const FIXTURES = path.join(import.meta.dirname, '../../directory/fixtures/seed-003');
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown> & {
    data: Record<string, unknown>;
  };

describe('POST /v1/directory/events', () => {
  let service: RunningService;
  let bare: RunningService;
  const drops: Array<() => Promise<void>> = [];
  const applier = new RecordingApplier();
  const tokens: Record<string, string> = {};
  let counter = 0;
  const uniqueId = () => `evt-${Date.now()}-${counter++}`;

  const post = (body: string, headers: Record<string, string>, token: string | null = tokens['ingest']!) =>
    request(service.url, '/v1/directory/events', {
      method: 'POST',
      body,
      headers,
      ...(token === null ? {} : { token }),
    });
  const structured = (event: unknown, token?: string | null) =>
    post(JSON.stringify(event), { 'Content-Type': 'application/cloudevents+json' }, token);
  const batch = (events: unknown[]) =>
    post(JSON.stringify(events), { 'Content-Type': 'application/cloudevents-batch+json' });
  const body = <T>(answer: { text: string }) => JSON.parse(answer.text) as T;

  beforeAll(async () => {
    for (const [name, withStore] of [
      ['service', true],
      ['bare', false],
    ] as const) {
      const database = await testServiceDatabase('sqlite');
      drops.push(database.drop);
      const running = await startService({
        contexts: () => {
          throw new Error('no KSC in these tests');
        },
        commands: [],
        database: database.location,
        port: 0,
        ...(withStore ? { directory: applier } : {}),
      });
      if (name === 'service') service = running;
      else bare = running;
    }
    for (const scope of ['ingest', 'read', 'respond', 'admin']) {
      tokens[scope] = (await service.tokens.create(`t-${scope}`, scope)).token;
    }
    tokens['bare'] = (await bare.tokens.create('t-ingest', 'ingest')).token;
  });

  afterAll(async () => {
    await service?.close();
    await bare?.close();
    for (const drop of drops) await drop();
  });

  describe('modes', () => {
    it.each(readdirSync(FIXTURES))('structured: seed example %s is applied (202)', async (file) => {
      const event = { ...fixture(file), id: uniqueId() };
      const answer = await structured(event);
      expect(answer.status).toBe(202);
      expect(body(answer)).toEqual({ id: event.id, outcome: 'applied' });
      expect(applier.applied.at(-1)).toMatchObject({
        id: event.id,
        type: (event as Record<string, unknown>)['type'],
      });
    });

    it('binary, with the SDK’s own emitter: attributes in ce-* headers, data as the body', async () => {
      const event = new CloudEvent({ ...fixture('ds_user_info.json'), id: uniqueId() } as never);
      const message = HTTP.binary(event);
      expect(message.headers['ce-id']).toBe(event.id);
      const answer = await post(String(message.body), message.headers as Record<string, string>);
      expect(answer.status).toBe(202);
      expect(body(answer)).toEqual({ id: event.id, outcome: 'applied' });
      expect(applier.applied.at(-1)).toMatchObject({
        type: 'ds_user_info',
        trustee: { id: '42', sfx: '65536' },
        info: { upn: 'john.smith@example.com' },
      });
    });

    it('structured, with the SDK’s own emitter', async () => {
      const event = new CloudEvent({ ...fixture('ds_group_members.json'), id: uniqueId() } as never);
      const message = HTTP.structured(event);
      const answer = await post(String(message.body), message.headers as Record<string, string>);
      expect(answer.status).toBe(202);
      expect(applier.applied.at(-1)).toMatchObject({ id: event.id, chunk: { length: 4 } });
    });

    it('a redelivered event is a duplicate and changes nothing', async () => {
      const event = { ...fixture('ds_info_reset.json'), id: uniqueId() };
      expect(body(await structured(event))).toEqual({ id: event.id, outcome: 'applied' });
      const before = applier.applied.length;
      expect(body(await structured(event))).toEqual({ id: event.id, outcome: 'duplicate' });
      expect(applier.applied.length).toBe(before);
    });

    it.each(DIRECTORY_EVENT_TYPES)(
      'every type is received: %s (generated, binary and structured)',
      async (type) => {
        const [generated] = fc.sample(eventArbitrary(type), { numRuns: 1, seed: 20 });
        const event = { ...generated!, id: uniqueId() };
        expect((await structured(event)).status).toBe(202);
        const binary = HTTP.binary(new CloudEvent({ ...event, id: uniqueId() } as never));
        const answer = await post(String(binary.body), binary.headers as Record<string, string>);
        expect(answer.status).toBe(202);
        expect(applier.applied.at(-1)?.type).toBe(type);
      },
    );
  });

  describe('bad events', () => {
    it('a 400 names the event id, type and attribute', async () => {
      const event = fixture('ds_group_members.json');
      (event.data['ds_ids_chunk'] as unknown[])[3] = { ds: 'AD' };
      const before = applier.applied.length;
      const answer = await structured(event);
      expect(answer.status).toBe(400);
      expect(body(answer)).toEqual({
        error: {
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/^data\.ds_ids_chunk\[3\]: names no object/),
          eventId: 'bc90166c358682cf038b6ee0c8d7117660bd4c5c',
          eventType: 'ds_group_members',
          attribute: 'data.ds_ids_chunk[3]',
        },
        requestId: expect.any(String),
      });
      expect(applier.applied.length).toBe(before);
    });

    it('binary mode: a time the SDK would replace is refused as sent', async () => {
      const answer = await post(JSON.stringify(fixture('ds_info_reset.json').data), {
        'Content-Type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'bad-time',
        'ce-source': 'osmp-ds-info-provider',
        'ce-type': 'ds_info_reset',
        'ce-time': 'yesterday',
      });
      expect(answer.status).toBe(400);
      expect(body<{ error: object }>(answer).error).toMatchObject({
        eventId: 'bad-time',
        eventType: 'ds_info_reset',
        attribute: 'time',
      });
    });

    it('binary mode: a missing id (which the SDK would invent) is named', async () => {
      const answer = await post('{}', {
        'Content-Type': 'application/json',
        'ce-specversion': '1.0',
        'ce-source': 'osmp-ds-info-provider',
        'ce-type': 'ds_info_reset',
      });
      expect(answer.status).toBe(400);
      expect(body<{ error: object }>(answer).error).toMatchObject({
        attribute: 'id',
        eventType: 'ds_info_reset',
      });
    });

    it('another source is refused', async () => {
      const answer = await structured({ ...fixture('ds_info_reset.json'), source: 'somebody' });
      expect(answer.status).toBe(400);
      expect(body<{ error: object }>(answer).error).toMatchObject({ attribute: 'source' });
    });

    it('a body that is no CloudEvent, or not JSON, is a 400', async () => {
      const plain = await post('{}', { 'Content-Type': 'application/json' });
      expect(plain.status).toBe(400);
      expect(body<{ error: object }>(plain).error).toMatchObject({ attribute: 'content-type' });
      const broken = await post('{"id":', { 'Content-Type': 'application/cloudevents+json' });
      expect(broken.status).toBe(400);
      expect(body<{ error: object }>(broken).error).toMatchObject({ attribute: 'body' });
    });
  });

  describe('batches', () => {
    it('applies the valid events, reports the invalid ones, in order (200)', async () => {
      const good1 = { ...fixture('ds_info_reset.json'), id: uniqueId() };
      const bad = { ...fixture('ds_user_info.json'), id: uniqueId(), time: 'soon' };
      const good2 = { ...fixture('ds_group_members.json'), id: uniqueId() };
      const calls = applier.calls.length;
      const answer = await batch([good1, bad, good2, good1, 'not an event']);
      expect(answer.status).toBe(200);
      expect(body(answer)).toEqual({
        accepted: 3,
        rejected: 2,
        results: [
          { id: good1.id, type: 'ds_info_reset', outcome: 'applied' },
          {
            id: bad.id,
            type: 'ds_user_info',
            error: {
              code: 'INVALID_INPUT',
              message: expect.stringMatching(/^time: /),
              eventId: bad.id,
              eventType: 'ds_user_info',
              attribute: 'time',
            },
          },
          { id: good2.id, type: 'ds_group_members', outcome: 'applied' },
          { id: good1.id, type: 'ds_info_reset', outcome: 'duplicate' },
          {
            id: null,
            type: null,
            error: expect.objectContaining({ attribute: 'event' }),
          },
        ],
      });
      // The valid events went to the store together, in the batch's order; the invalid one never did.
      expect(applier.calls.slice(calls)).toEqual([3]);
      expect(applier.applied.some((e) => e.id === bad.id)).toBe(false);
    });

    it('an empty batch is an empty report', async () => {
      const answer = await batch([]);
      expect(answer.status).toBe(200);
      expect(body(answer)).toEqual({ accepted: 0, rejected: 0, results: [] });
    });

    it(`refuses more than ${MAX_DIRECTORY_BATCH} events with 413, applying none`, async () => {
      const event = fixture('ds_info_reset.json');
      const before = applier.applied.length;
      const answer = await batch(Array.from({ length: MAX_DIRECTORY_BATCH + 1 }, () => event));
      expect(answer.status).toBe(413);
      expect(body<{ error: object }>(answer).error).toMatchObject({ attribute: 'body' });
      expect(applier.applied.length).toBe(before);
    });

    it('refuses a body over the size limit with 413', async () => {
      const answer = await post('x'.repeat((4 << 20) + 1), {
        'Content-Type': 'application/cloudevents+json',
      });
      expect(answer.status).toBe(413);
      expect(body<{ error: { code: string } }>(answer).error.code).toBe('INVALID_INPUT');
    });
  });

  describe('scopes and configuration', () => {
    it('needs a token, and the ingest scope (read, respond and admin are not enough)', async () => {
      const event = { ...fixture('ds_info_reset.json'), id: uniqueId() };
      expect((await structured(event, null)).status).toBe(401);
      for (const scope of ['read', 'respond', 'admin']) {
        const answer = await structured(event, tokens[scope]!);
        expect(answer.status).toBe(403);
        expect(body<{ error: { code: string } }>(answer).error.code).toBe('ACCESS_DENIED');
      }
      expect(applier.applied.some((e) => e.id === event.id)).toBe(false);
    });

    it('ingest does not grant read', async () => {
      const answer = await request(service.url, '/v1/pipelines', { token: tokens['ingest']! });
      expect(answer.status).toBe(403);
    });

    it('answers 503 without a directory store', async () => {
      const answer = await request(bare.url, '/v1/directory/events', {
        method: 'POST',
        token: tokens['bare']!,
        body: JSON.stringify(fixture('ds_info_reset.json')),
        headers: { 'Content-Type': 'application/cloudevents+json' },
      });
      expect(answer.status).toBe(503);
      expect(body<{ error: { message: string } }>(answer).error.message).toBe(
        'no directory store configured',
      );
    });

    it('answers 503 when the store fails, so the publisher redelivers', async () => {
      applier.failing = true;
      try {
        const answer = await structured({ ...fixture('ds_info_reset.json'), id: uniqueId() });
        expect(answer.status).toBe(503);
      } finally {
        applier.failing = false;
      }
    });

    it('is in the OpenAPI document with its scope and limits', async () => {
      const doc = body<{ paths: Record<string, { post: Record<string, unknown> }> }>(
        await request(service.url, '/openapi.json'),
      );
      const operation = doc.paths['/v1/directory/events']!.post;
      expect(operation).toMatchObject({
        'x-kconnect-scope': 'ingest',
        'x-kconnect-max-batch': MAX_DIRECTORY_BATCH,
        'x-kconnect-max-body-bytes': 4 << 20,
      });
      expect(Object.keys(operation['responses'] as object)).toEqual(
        expect.arrayContaining(['200', '202', '400', '401', '403', '413', '503']),
      );
    });
  });
});
