/**
 * The directory event checker against seed 003: its examples, each of the nine types, every envelope and data
 * rule with the attribute it names, and generated events (valid ones pass and round-trip; removing any required
 * attribute names exactly that attribute).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudEvent } from 'cloudevents';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDirectoryEvent,
  directoryEventToCloudEvent,
  DirectoryEventError,
  TYPE_RULES,
} from '../../../src/directory/events/index.ts';
import { DIRECTORY_EVENT_TYPES, type DirectoryEventType } from '../../../src/directory/types.ts';
import { anyEventArbitrary, eventArbitrary } from './arbitraries.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/seed-003');
type Wire = Record<string, unknown> & { data: Record<string, unknown> };
const fixture = (name: string): Wire =>
  JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Wire;

function errorOf(event: unknown): DirectoryEventError {
  try {
    checkDirectoryEvent(event as Record<string, unknown>);
  } catch (error) {
    if (error instanceof DirectoryEventError) return error;
    throw error;
  }
  throw new Error('expected a DirectoryEventError');
}

const INSTANCE = {
  tenant_id: '3031feff-815a-4920-a781-0201d1b2cb13',
  ksc_instance_id: '95d3de78-a56c-4bf4-83a1-819ff859e9ec',
};
const IDS = { uid: '2e37a8a6-ca4d-4810-bed5-287d6f4b1efc' };
const INFO = { ds: 'AD', uid: '81e8d217-de5c-4fe9-875a-569522f005b7', upn: 'a@example.com' };

/** One minimal valid event per type: exactly the required data attributes. */
const MINIMAL: Record<DirectoryEventType, Record<string, unknown>> = {
  ds_info_reset: INSTANCE,
  ds_info_reset_complete: INSTANCE,
  ds_user_info: { ...INSTANCE, ksc_trustee_id: '42', ksc_trustee_sfx: 65536, ds_info: INFO },
  ds_group_info: { ...INSTANCE, ksc_trustee_id: 14, ksc_trustee_sfx: '33554432', ds_info: INFO },
  ds_obj_deleted: { ...INSTANCE, ds_ids_chunk: [IDS] },
  ds_group_members: { ...INSTANCE, ds_ids: IDS, ds_ids_chunk: [{ sid_hash: 'G8KbNvYjuoKq9nJP07FnGA==' }] },
  ds_group_members_deleted: { ...INSTANCE, ds_ids: IDS, ds_ids_chunk: [IDS] },
  ds_obj_memberof: { ...INSTANCE, ds_ids: IDS, ds_ids_chunk: [IDS] },
  ds_obj_memberof_deleted: { ...INSTANCE, ds_ids: IDS, ds_ids_chunk: [IDS] },
};

const event = (type: DirectoryEventType, data: Record<string, unknown> = MINIMAL[type]): Wire => ({
  specversion: '1.0',
  id: `evt-${type}`,
  source: 'osmp-ds-info-provider',
  type,
  time: '2024-09-13T09:44:22Z',
  data,
});

describe('seed 003 examples', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

  it.each(files)('%s passes', (file) => {
    const raw = fixture(file.replace(/\.json$/, ''));
    const checked = checkDirectoryEvent(raw);
    expect(checked).toMatchObject({ id: raw['id'], type: raw['type'], time: raw['time'] });
    expect(checked.instance.tenantId).toBe('3031feff-815a-4920-a781-0201d1b2cb13');
  });

  it('reads the user example whole, trustee and virtual server as decimal strings', () => {
    expect(checkDirectoryEvent(fixture('ds_user_info'))).toEqual({
      id: 'bc90166c358682cf038b6ee0c8d7117660bd4c5b',
      source: 'osmp-ds-info-provider',
      type: 'ds_user_info',
      time: '2024-09-13T09:45:28Z',
      instance: {
        tenantId: '3031feff-815a-4920-a781-0201d1b2cb13',
        kscInstanceId: '95d3de78-a56c-4bf4-83a1-819ff859e9ec',
        kscVsUid: 'VSRV42a6e07b-891f-4b88-bdbf-7438434346a4',
        kscVsId: '42',
      },
      trustee: { id: '42', sfx: '65536' },
      info: {
        ds: 'AD',
        uid: '81e8d217-de5c-4fe9-875a-569522f005b7',
        uidBin: 'gejSF95cT+mHWlaVIvAFtw==',
        sidBin: 'AQUAAAAAAAUVAAAAGw5oPb8WR561pZ7BWAQAAA==',
        sidHash: 'G8KbNvYjuoKq9nJP07FnGA==',
        dn: 'cn=John Smith,ou=people,dc=example,dc=com',
        dnHash: 'Lxq33Udh1dH0yGlXdRRaFA==',
        displayName: 'John Smith',
        upn: 'john.smith@example.com',
        samName: 'JSMITH',
        mail: 'john.smith@example.com',
      },
    });
  });

  it('reads the membership example: the group, and a chunk whose trustee suffix is a number', () => {
    const checked = checkDirectoryEvent(fixture('ds_group_members'));
    expect(checked).toMatchObject({
      subject: {
        ds: 'AD',
        uid: '2e37a8a6-ca4d-4810-bed5-287d6f4b1efc',
        kscTrusteeId: '14',
        kscTrusteeSfx: '33554432',
      },
      chunk: [
        { kscTrusteeId: '42', kscTrusteeSfx: '65536' },
        { uid: '5fec2a06-b668-41af-9322-dc0cf962dd7e' },
        { uid: '7f628ba4-71b1-4867-9ffc-adde9a8e7c67' },
        { sidHash: 'G8KbNvYjuoKq9nJP07FnGA==' },
      ],
    });
  });

  it('accepts the SDK’s CloudEvent as well as a plain object', () => {
    const raw = fixture('ds_group_members');
    expect(checkDirectoryEvent(new CloudEvent(raw as never, false))).toEqual(checkDirectoryEvent(raw));
  });
});

describe.each(DIRECTORY_EVENT_TYPES)('%s', (type) => {
  const rule = TYPE_RULES[type];

  it('passes with exactly its required attributes', () => {
    expect(checkDirectoryEvent(event(type)).type).toBe(type);
  });

  it.each(rule.required)('names data.%s when it is missing', (name) => {
    const { [name]: _gone, ...data } = MINIMAL[type];
    const error = errorOf(event(type, data));
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      eventId: `evt-${type}`,
      eventType: type,
      attribute: `data.${name}`,
      reason: 'required',
    });
    expect(error.message).toBe(`data.${name}: required`);
  });

  it('ignores data attributes the seed does not name', () => {
    expect(() => checkDirectoryEvent(event(type, { ...MINIMAL[type], added_later: { x: 1 } }))).not.toThrow();
  });
});

describe('envelope rules', () => {
  const base = event('ds_info_reset');
  it.each([
    ['specversion', { specversion: '0.3' }, 'expected "1.0"'],
    ['specversion', { specversion: undefined }, 'required'],
    ['source', { source: 'someone-else' }, 'expected "osmp-ds-info-provider"'],
    ['type', { type: 'ds_something' }, /^expected one of ds_info_reset, /],
    ['id', { id: '' }, 'expected a non-empty string'],
    ['id', { id: undefined }, 'required'],
    ['time', { time: undefined }, 'required'],
    ['time', { time: '13.09.2024 09:44' }, /RFC 3339/],
    ['time', { time: '2024-09-13 09:44:22' }, /RFC 3339/],
    ['data', { data: undefined }, 'required'],
    ['data', { data: [1, 2] }, 'expected an object'],
    ['data', { data: '{not json' }, 'not valid JSON'],
    ['data', { data: '{}', datacontenttype: 'text/plain' }, /expected JSON/],
  ])('%s %j', (attribute, change, reason) => {
    const error = errorOf({ ...base, ...change });
    expect(error.attribute).toBe(attribute);
    expect(error.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });

  it('accepts an RFC 3339 time with an offset and a fraction, and keeps it as sent', () => {
    expect(checkDirectoryEvent({ ...base, time: '2024-09-13T11:44:22.125+02:00' }).time).toBe(
      '2024-09-13T11:44:22.125+02:00',
    );
  });

  it('reads data sent as JSON text or bytes when the content type is JSON', () => {
    const text = JSON.stringify(base.data);
    expect(checkDirectoryEvent({ ...base, data: text, datacontenttype: 'application/json' }).type).toBe(
      'ds_info_reset',
    );
    expect(checkDirectoryEvent({ ...base, data: Buffer.from(text) }).type).toBe('ds_info_reset');
    expect(
      checkDirectoryEvent({ ...base, data: undefined, data_base64: Buffer.from(text).toString('base64') })
        .type,
    ).toBe('ds_info_reset');
  });
});

describe('data rules', () => {
  it.each([
    ['data.tenant_id', { ...MINIMAL.ds_user_info, tenant_id: 7 }, 'expected a non-empty string'],
    ['data.ksc_trustee_id', { ...MINIMAL.ds_user_info, ksc_trustee_id: -1 }, /non-negative integer/],
    ['data.ksc_trustee_sfx', { ...MINIMAL.ds_user_info, ksc_trustee_sfx: '65x' }, /decimal digits/],
    ['data.ksc_vs_id', { ...MINIMAL.ds_user_info, ksc_vs_id: 4.2 }, /non-negative integer/],
    ['data.ds_info', { ...MINIMAL.ds_user_info, ds_info: 'AD' }, 'expected an object'],
    ['data.ds_info.upn', { ...MINIMAL.ds_user_info, ds_info: { upn: 5 } }, 'expected a non-empty string'],
    [
      'data.ds_info.sid_hash',
      { ...MINIMAL.ds_user_info, ds_info: { sid_hash: 'not base64!' } },
      'expected base64',
    ],
    [
      'data.ds_info_original.uid_bin',
      { ...MINIMAL.ds_user_info, ds_info_original: { uid_bin: 'abc' } },
      'expected base64',
    ],
  ])('%s', (attribute, data, reason) => {
    const error = errorOf(event('ds_user_info', data));
    expect(error.attribute).toBe(attribute);
    expect(error.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });

  it.each([
    ['data.ds_ids.uid', { ds_ids: { uid: 42 } }, 'expected a non-empty string'],
    ['data.ds_ids', { ds_ids: { ds: 'AD' } }, /^names no object/],
    ['data.ds_ids.ksc_trustee_sfx', { ds_ids: { ksc_trustee_id: '14' } }, 'required with its pair'],
    ['data.ds_ids_chunk', { ds_ids_chunk: { uid: 'x' } }, 'expected an array'],
    ['data.ds_ids_chunk[3]', { ds_ids_chunk: [IDS, IDS, IDS, { ds: 'AD' }] }, /^names no object/],
    ['data.ds_ids_chunk[1]', { ds_ids_chunk: [IDS, 'uid'] }, 'expected an object'],
    ['data.ds_ids_chunk[0].dn_hash', { ds_ids_chunk: [{ dn_hash: '%%' }] }, 'expected base64'],
  ])('%s', (attribute, change, reason) => {
    const error = errorOf(event('ds_group_members', { ...MINIMAL.ds_group_members, ...change }));
    expect(error).toMatchObject({
      attribute,
      eventId: 'evt-ds_group_members',
      eventType: 'ds_group_members',
    });
    expect(error.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });

  it('keeps ds_info attributes the seed does not name in extra', () => {
    const checked = checkDirectoryEvent(
      event('ds_user_info', { ...MINIMAL.ds_user_info, ds_info: { ...INFO, title: 'CFO', manager: null } }),
    );
    expect(checked).toMatchObject({ info: { upn: 'a@example.com', extra: { title: 'CFO', manager: null } } });
  });

  it('normalises trustee numbers to one spelling', () => {
    const checked = checkDirectoryEvent(
      event('ds_user_info', { ...MINIMAL.ds_user_info, ksc_trustee_id: '0042', ksc_trustee_sfx: 65536 }),
    );
    expect(checked).toMatchObject({ trustee: { id: '42', sfx: '65536' } });
  });
});

describe('generated events', () => {
  /** The wire event with KSC numbers as the decimal strings the checker makes of them. */
  function normalised(value: unknown, key = ''): unknown {
    if (Array.isArray(value)) return value.map((v) => normalised(v));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalised(v, k)]));
    }
    if (typeof value === 'number' && /^ksc_(trustee_id|trustee_sfx|vs_id)$/.test(key)) return String(value);
    return value;
  }

  it('valid events pass and round-trip through the wire shape', () => {
    fc.assert(
      fc.property(anyEventArbitrary, (raw) => {
        const checked = checkDirectoryEvent(raw);
        const wire = directoryEventToCloudEvent(checked);
        expect(checkDirectoryEvent(wire)).toEqual(checked);
        const { datacontenttype: _t, ...sent } = wire;
        expect(sent).toEqual(normalised(raw));
      }),
      { numRuns: 300 },
    );
  });

  it.each(DIRECTORY_EVENT_TYPES)(
    '%s: removing any required attribute names exactly that attribute',
    (type) => {
      const envelope = ['specversion', 'id', 'source', 'type', 'time', 'data'];
      const required = [...envelope, ...TYPE_RULES[type].required.map((n) => `data.${n}`)];
      fc.assert(
        fc.property(eventArbitrary(type), fc.constantFrom(...required), (raw, attribute) => {
          const copy = structuredClone(raw) as Wire;
          if (attribute.startsWith('data.')) delete copy.data[attribute.slice(5)];
          else delete copy[attribute];
          const error = errorOf(copy);
          expect(error.attribute).toBe(attribute);
          expect(error.reason).toBe('required');
        }),
        { numRuns: 100 },
      );
    },
  );
});
