/**
 * The 33 operations of seed 002 against the real KICS emulator over HTTPS with the full token flow, on SQLite and
 * PostgreSQL: status, content type, and the answer's keys and value kinds against the seed's samples; then the
 * traffic downloads (PCAP, ZIP) and routing and transport (spellings, v4, content types, ids, body limit).
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  API,
  BACKENDS,
  startKicsApiHarness,
  valuesOf,
  type Answer,
  type Backend,
  type KicsApiHarness,
} from './harness.ts';
import { expectKeys, expectListOf, expectShape, type SampleName } from './shapes.ts';

const JSON_TYPE = /^application\/json/;
const MAX_BODY_BYTES = 64 * 1024;

function expectJson(answer: Answer, status = 200): void {
  expect([answer.status, answer.text.slice(0, 200)]).toEqual([status, expect.any(String)]);
  expect(answer.headers['content-type']).toMatch(JSON_TYPE);
}

function expectEmptyOk(answer: Answer): void {
  expect([answer.status, answer.text]).toEqual([200, '']);
}

describe.each(BACKENDS)('KICS API operations (%s)', (backend: Backend) => {
  let h: KicsApiHarness;
  beforeAll(async () => {
    h = await startKicsApiHarness(backend, backend === 'postgres' ? inject('pgUrl') : undefined, {
      maxBodyBytes: MAX_BODY_BYTES,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function firstId(collection: string, key = 'id'): Promise<number> {
    const values = valuesOf(await h.api('POST', `/${collection}/query`, { limit: 1 }));
    return values[0]?.[key] as number;
  }

  describe('reads of single documents and dictionaries', () => {
    const singles: Array<[number, string, SampleName]> = [
      [1, '/about', 'about'],
      [8, '/configuration', 'configuration'],
      [23, '/license', 'license'],
      [28, '/server-settings/locale', 'locale'],
    ];
    it.each(singles)('#%i GET %s', async (_n, target, sample) => {
      const answer = await h.api('GET', target);
      expectJson(answer);
      expectShape(answer.json, sample);
    });

    const lists: Array<[number, string, SampleName, string, string]> = [
      [21, '/event-types', 'eventType', 'eventTypeId', '#22'],
      [24, '/monitoring-points', 'monitoringPoint', 'mpId', '#25'],
      [26, '/protocol-stacks', 'protocolStack', 'protocolStackId', '#27'],
    ];
    it.each(lists)(
      '#%i GET %s is an array, and one item by its id (%s… %s)',
      async (_n, target, sample, key) => {
        const answer = await h.api('GET', target);
        expectJson(answer);
        expectListOf(answer.json, sample);
        const first = (answer.json as Array<Record<string, unknown>>)[0] ?? {};
        const one = await h.api('GET', `${target}/${String(first[key])}`);
        expectJson(one);
        expectShape(one.json, sample);
        expect(one.json).toEqual(first);
        expectJson(await h.api('GET', `${target}/999999`), 404);
      },
    );

    it('#31 GET /technologies is an array of {technology, name, state}', async () => {
      const answer = await h.api('GET', '/technologies');
      expectJson(answer);
      expect((answer.json as unknown[]).length).toBeGreaterThan(0);
      for (const item of answer.json as unknown[])
        expectKeys(item, { technology: 'string', name: 'string', state: 'string' });
    });
  });

  describe('queries and single documents of the paged resources', () => {
    const paged: Array<[number, number, string, SampleName, string]> = [
      [5, 2, 'allow-rules', 'allowRule', 'id'],
      [9, 10, 'devices', 'device', 'id'],
      [15, 16, 'events', 'event', 'id'],
      [29, 30, 'tags', 'tag', 'id'],
      [32, 33, 'vulnerabilities', 'vulnerability', 'assetVulnerabilityId'],
    ];
    it.each(paged)('#%i query and #%i GET one of /%s', async (_q, _g, collection, sample, key) => {
      const answer = await h.api('POST', `/${collection}/query`, { offset: 1, limit: 3 });
      expectJson(answer);
      const page = answer.json as Record<string, unknown>;
      expectShape(page, 'page');
      expect([page['offset'], page['limit']]).toEqual([1, 3]);
      expectListOf(page['values'], sample);
      expect((page['values'] as unknown[]).length).toBe(3);
      const first = (page['values'] as Array<Record<string, unknown>>)[0] ?? {};
      const one = await h.api('GET', `/${collection}/${String(first[key])}`);
      expectJson(one);
      expectShape(one.json, sample);
      expect(one.json).toEqual(first);
    });

    it('#6 application messages and #7 audit entries are pages of the model’s fields', async () => {
      const messages = await h.api('POST', '/application-messages/query', { limit: 5 });
      expectJson(messages);
      expectShape(messages.json, 'page');
      const kinds = { id: 'number', date: 'string', node: 'string', description: 'string' } as const;
      expect(valuesOf(messages).length).toBeGreaterThan(0);
      for (const item of valuesOf(messages))
        expectKeys(item, { ...kinds, status: 'string', systemProcess: 'string', descriptionId: 'number' });
      const audit = await h.api('POST', '/audit-messages/query', {});
      expectJson(audit);
      // The certificate grant of the harness is audited (decision 0027), so there is at least one entry.
      expect(valuesOf(audit).length).toBeGreaterThan(0);
      for (const item of valuesOf(audit))
        expectKeys(item, { ...kinds, user: 'string', action: 'string', result: 'string' });
    });

    it('#13 GET /devices/{id}/protocols is an array (of the model’s fields)', async () => {
      const devices = valuesOf(
        await h.api('POST', '/devices/query', { filter: [{ field: 'category', value: 'Plc' }] }),
      );
      expect(devices.length).toBeGreaterThan(0);
      let seen = 0;
      for (const device of devices.slice(0, 5)) {
        const answer = await h.api('GET', `/devices/${String(device['id'])}/protocols`);
        expectJson(answer);
        expect(Array.isArray(answer.json)).toBe(true);
        for (const item of answer.json as unknown[]) {
          seen++;
          expectKeys(item, {
            assetProtocolId: 'number',
            protocolStackId: 'number',
            name: 'string',
            protocolStackName: 'string',
            address: 'string',
            lastSeen: 'string',
          });
        }
      }
      expect(seen).toBeGreaterThan(0);
      expectJson(await h.api('GET', '/devices/999999/protocols'), 404);
    });
  });

  describe('writes (shapes; their semantics are in writes.test.ts)', () => {
    it('#3 PATCH and #4 DELETE an allowing rule answer 200 with an empty body', async () => {
      const id = await firstId('allow-rules');
      expectEmptyOk(await h.call('PATCH', `${API}/allow-rules/${id}`, { body: { isActive: false } }));
      expectEmptyOk(await h.call('DELETE', `${API}/allow-rules/${id}`));
    });

    it('#14 POST /devices, #11 PUT and #12 DELETE a device', async () => {
      const body = {
        name: `shape-${backend}`,
        addressInformation: [{ macAddress: '02:00:00:00:00:01', ipAddresses: [{ ip: '10.9.9.1' }] }],
      };
      const created = await h.api('POST', '/devices', body);
      expectJson(created);
      expectShape(created.json, 'deviceCreateResult');
      expect((created.json as { status: string }).status).toBe('Created');
      const id = (created.json as { deviceId: number }).deviceId;
      const edited = await h.api('PUT', `/devices/${id}`, { description: 'edited' });
      expectJson(edited);
      expectShape(edited.json, 'deviceEditResult');
      const refused = await h.api('PUT', `/devices/${id}`, { name: '' });
      expectJson(refused, 400);
      expectShape(refused.json, 'deviceEditResult');
      expect(refused.json).toMatchObject({ status: 'Error', errors: [expect.stringMatching(/^name: /)] });
      expectEmptyOk(await h.call('DELETE', `${API}/devices/${id}`));
    });

    it('#18 POST /events answers {eventId}; #17 PATCH answers 200 empty; a refusal is {errorMessage}', async () => {
      const registered = await h.api('POST', '/events', { title: 'shape', severity: 'Info' });
      expectJson(registered);
      expectKeys(registered.json, { eventId: 'number' });
      const id = (registered.json as { eventId: number }).eventId;
      expectEmptyOk(await h.call('PATCH', `${API}/events/${id}`, { body: { status: 'Active' } }));
      const refused = await h.api('POST', '/events', { title: 'shape', severity: 'Loud' });
      expectJson(refused, 400);
      expectShape(refused.json, 'eventRegistrationError');
    });
  });

  describe('traffic (#19, #20)', () => {
    async function eventsWithAndWithoutTraffic(): Promise<{ withTraffic: number[]; without: number[] }> {
      const ids = valuesOf(await h.api('POST', '/events/query', { limit: 200 })).map(
        (event) => event['id'] as number,
      );
      const withTraffic: number[] = [];
      const without: number[] = [];
      for (const id of ids) ((await h.emulator.store.trafficOf(id)) ? withTraffic : without).push(id);
      return { withTraffic, without };
    }

    it('#20 an event with traffic is a PCAP named after it; one without and an unknown one are 404', async () => {
      const { withTraffic, without } = await eventsWithAndWithoutTraffic();
      expect(withTraffic.length).toBeGreaterThan(0);
      expect(without.length).toBeGreaterThan(0);
      const id = withTraffic[0] ?? 0;
      const answer = await h.call('GET', `${API}/events/${id}/traffic`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(
        /application\/vnd\.tcpdump\.pcap|application\/octet-stream/,
      );
      expect(answer.headers['content-disposition']).toContain(`event_${id}.pcap`);
      expect(answer.bytes.readUInt32LE(0).toString(16)).toBe('a1b2c3d4');
      expect(answer.bytes.length).toBeGreaterThan(24);
      expectJson(await h.call('GET', `${API}/events/${without[0] ?? 0}/traffic`), 404);
      expectJson(await h.call('GET', `${API}/events/99999999/traffic`), 404);
    });

    it('#19 the ZIP holds exactly the matching events that have traffic', async () => {
      const { withTraffic, without } = await eventsWithAndWithoutTraffic();
      const chosen = [...withTraffic.slice(0, 3), ...without.slice(0, 2)];
      const answer = await h.call('POST', `${API}/events/traffic/query`, {
        body: { filter: [{ field: 'id', condition: 'IsOneOf', value: chosen }] },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/zip/);
      const entries = unzipSync(new Uint8Array(answer.bytes));
      expect(Object.keys(entries).sort()).toEqual(
        withTraffic
          .slice(0, 3)
          .map((id) => `event_${id}.pcap`)
          .sort(),
      );
      for (const data of Object.values(entries))
        expect(Buffer.from(data).readUInt32LE(0).toString(16)).toBe('a1b2c3d4');
      const single = await h.call('GET', `${API}/events/${withTraffic[0] ?? 0}/traffic`);
      expect(Buffer.from(entries[`event_${withTraffic[0] ?? 0}.pcap`] ?? [])).toEqual(single.bytes);
    });
  });

  describe('routing and transport', () => {
    it.each([
      '/kics/api/v3/AllowRules/query',
      '/kics/api/v3/allowrules/query',
      '/KICS/API/V3/allow-rules/query/',
      '/kics/api/v3/Allow-Rules/Query/',
    ])('routes %s to the allowing rules query', async (target) => {
      const answer = await h.call('POST', target, { body: { limit: 1 } });
      expectJson(answer);
      expectListOf((answer.json as { values: unknown }).values, 'allowRule');
    });

    it.each([
      ['GET', '/kics/api/v3/ServerSettings/Locale'],
      ['GET', '/kics/api/v3/EventTypes'],
      ['GET', '/kics/api/v3/MonitoringPoints/'],
      ['GET', '/kics/api/v3/ProtocolStacks'],
      ['POST', '/kics/api/v3/AuditMessages/Query'],
      ['POST', '/kics/api/v3/ApplicationMessages/query'],
      ['POST', '/kics/api/v3/Vulnerabilities/Query'],
    ])('routes %s %s', async (method, target) => {
      expectJson(await h.call(method, target, method === 'POST' ? { body: { limit: 1 } } : {}));
    });

    it('issues tokens at the v4 token endpoint too', async () => {
      const answer = await h.call('POST', '/kics/api/auth/v4/token?grant_type=certificate', { token: null });
      expectJson(answer);
      const token = (answer.json as { access_token: string }).access_token;
      expect((await h.call('GET', `${API}/about`, { token })).status).toBe(200);
    });

    it('compresses a streamed page when asked, whole', async () => {
      const plain = await h.api('POST', '/events/query', {});
      const zipped = await h.call('POST', `${API}/events/query`, {
        body: {},
        headers: { 'Accept-Encoding': 'gzip' },
      });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.received.length).toBeLessThan(plain.bytes.length / 4);
      expect(zipped.json).toEqual(plain.json);
    });

    it('routes the v4 queries to their v3 twins; other v4 paths are 404', async () => {
      const body = { limit: 2, filter: [{ field: 'id', condition: '>', value: 3 }] };
      for (const collection of ['devices', 'events']) {
        const v4 = await h.call('POST', `/kics/api/v4/${collection}/query`, { body });
        const v3 = await h.api('POST', `/${collection}/query`, body);
        expectJson(v4);
        expect(v4.json).toEqual(v3.json);
      }
      expectJson(await h.call('GET', '/kics/api/v4/about'), 404);
      expectJson(await h.call('POST', '/kics/api/v4/tags/query', { body: {} }), 404);
    });

    it('takes application/json-patch+json and text/json; text/plain is a 415', async () => {
      for (const contentType of [
        'application/json-patch+json',
        'text/json',
        'application/json; charset=utf-8',
      ]) {
        const answer = await h.call('POST', `${API}/devices/query`, { raw: '{"limit":1}', contentType });
        expectJson(answer);
        expect((answer.json as { limit: number }).limit).toBe(1);
      }
      const refused = await h.call('POST', `${API}/devices/query`, {
        raw: '{"limit":1}',
        contentType: 'text/plain',
      });
      expectJson(refused, 415);
      expect(refused.json).toEqual({ errorMessage: expect.stringContaining('text/plain') });
    });

    it.each(['0', '-1', 'abc', '1.5', '99999999999999999'])('a bad id %s is a 400 naming id', async (id) => {
      const answer = await h.api('GET', `/devices/${id}`);
      expectJson(answer, 400);
      expect(answer.json).toEqual({ errorMessage: `Incorrect parameters: id=${id}` });
    });

    it.each([
      '/devices/9999999',
      '/events/9999999',
      '/tags/9999999',
      '/vulnerabilities/9999999',
      '/allow-rules/9999999',
    ])('an unknown id %s is a 404 {errorMessage}', async (target) => {
      const answer = await h.api('GET', target);
      expectJson(answer, 404);
      expect(answer.json).toEqual({ errorMessage: expect.stringContaining('9999999') });
    });

    it('an unknown operation is a 404', async () => {
      expectJson(await h.api('GET', '/no-such-collection'), 404);
      expectJson(await h.api('DELETE', '/events/1'), 404);
    });

    it('a chunked body over maxBodyBytes is a 413 too', async () => {
      async function* chunks(): AsyncIterable<Buffer> {
        yield Buffer.from('{"limit":1,"filler":"');
        for (let i = 0; i < 80; i++) yield Buffer.alloc(1024, 'x');
        yield Buffer.from('"}');
      }
      const answer = await h.call('POST', `${API}/devices/query`, { raw: chunks() });
      expectJson(answer, 413);
      async function* small(): AsyncIterable<Buffer> {
        yield Buffer.from('{"limit":');
        yield Buffer.from('1}');
      }
      expectJson(await h.call('POST', `${API}/devices/query`, { raw: small() }));
    });

    it('a body over maxBodyBytes is a 413 {errorMessage}', async () => {
      const big = JSON.stringify({ limit: 1, filler: 'x'.repeat(MAX_BODY_BYTES) });
      const answer = await h.call('POST', `${API}/devices/query`, { raw: big });
      expectJson(answer, 413);
      expect(answer.json).toEqual({ errorMessage: expect.any(String) });
    });
  });
});
