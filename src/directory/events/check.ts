import type { CloudEventV1 } from 'cloudevents';
import type { PlainJson } from '../../commands/core/types.ts';
import {
  DIRECTORY_EVENT_TYPES,
  DIRECTORY_SOURCE,
  type DirectoryEvent,
  type DirectoryEventType,
  type DirectoryIds,
  type DirectoryInfo,
  type PublisherInstance,
} from '../types.ts';
import { DirectoryEventError } from './errors.ts';
import {
  ATTRIBUTE_KINDS,
  BASE64_ATTRIBUTES,
  ID_ATTRIBUTES,
  INFO_ATTRIBUTES,
  NAMING_IDENTIFIERS,
  TYPE_RULES,
} from './rules.ts';

/** A CloudEvent as the SDK gives it, or the same attributes as a plain object (a parsed structured event). */
export type DirectoryEventInput = CloudEventV1<unknown> | object;

type JsonObject = { readonly [key: string]: unknown };

/** RFC 3339 `date-time`: a full date, `T`, a full time with optional fraction, and `Z` or an offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
/** Standard base64 with its padding (what the seed's `uid_bin`, `sid_hash` … are). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^\d{1,20}$/;
/** `application/json`, `text/json` and any `+json` type: `data` sent as text or bytes is then JSON. */
const JSON_MEDIA_TYPE = /^(?:application|text)\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

const isEventType = (value: unknown): value is DirectoryEventType =>
  (DIRECTORY_EVENT_TYPES as readonly unknown[]).includes(value);

/** Checks one event; `fail` already names the event. */
class EventChecker {
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;

  constructor(private readonly event: JsonObject) {
    const id = event['id'];
    const type = event['type'];
    this.eventId = typeof id === 'string' ? id : undefined;
    this.eventType = typeof type === 'string' ? type : undefined;
  }

  fail(attribute: string, reason: string): never {
    throw new DirectoryEventError(attribute, reason, { eventId: this.eventId, eventType: this.eventType });
  }

  check(): DirectoryEvent {
    const e = this.event;
    if (e['specversion'] !== '1.0') {
      this.fail('specversion', e['specversion'] === undefined ? 'required' : 'expected "1.0"');
    }
    if (typeof e['id'] !== 'string' || e['id'].trim() === '') {
      this.fail('id', e['id'] === undefined ? 'required' : 'expected a non-empty string');
    }
    if (e['source'] !== DIRECTORY_SOURCE) {
      this.fail('source', e['source'] === undefined ? 'required' : `expected "${DIRECTORY_SOURCE}"`);
    }
    const type = e['type'];
    if (!isEventType(type)) {
      this.fail(
        'type',
        type === undefined ? 'required' : `expected one of ${DIRECTORY_EVENT_TYPES.join(', ')}`,
      );
    }
    const time = e['time'];
    if (time === undefined) this.fail('time', 'required');
    if (typeof time !== 'string' || !RFC3339.test(time) || Number.isNaN(Date.parse(time))) {
      this.fail('time', 'expected an RFC 3339 time such as 2024-09-13T09:44:22Z');
    }
    const data = this.data();
    const rule = TYPE_RULES[type];
    for (const name of rule.required) {
      if (data[name] === undefined || data[name] === null) this.fail(`data.${name}`, 'required');
    }
    // Every attribute the seed names is checked for its shape wherever it comes; others are ignored (0053).
    for (const [name, kind] of Object.entries(ATTRIBUTE_KINDS)) {
      const value = data[name];
      if (value === undefined || value === null) continue;
      const path = `data.${name}`;
      if (kind === 'text') this.text(path, value);
      else if (kind === 'number') this.number(path, value);
      else if (kind === 'info') this.info(path, value);
      else if (kind === 'ids') this.ids(path, value);
      else this.chunk(path, value);
    }
    const envelope = {
      id: e['id'] as string,
      source: DIRECTORY_SOURCE,
      type,
      time,
      instance: this.instance(data),
    };
    switch (type) {
      case 'ds_info_reset':
      case 'ds_info_reset_complete':
        return { ...envelope, type };
      case 'ds_user_info':
      case 'ds_group_info':
        return {
          ...envelope,
          type,
          trustee: {
            id: this.number('data.ksc_trustee_id', data['ksc_trustee_id']),
            sfx: this.number('data.ksc_trustee_sfx', data['ksc_trustee_sfx']),
          },
          info: this.info('data.ds_info', data['ds_info']),
          ...(data['ds_info_original'] == null
            ? {}
            : { infoOriginal: this.info('data.ds_info_original', data['ds_info_original']) }),
        };
      case 'ds_obj_deleted':
        return {
          ...envelope,
          type,
          ...this.ds(data),
          chunk: this.chunk('data.ds_ids_chunk', data['ds_ids_chunk']),
        };
      default:
        return {
          ...envelope,
          type,
          ...this.ds(data),
          subject: this.ids('data.ds_ids', data['ds_ids']),
          chunk: this.chunk('data.ds_ids_chunk', data['ds_ids_chunk']),
        };
    }
  }

  /** `data` as an object: JSON as is, or JSON text or bytes when the content type says JSON. */
  private data(): JsonObject {
    const e = this.event;
    const contentType = e['datacontenttype'];
    const isJson =
      contentType === undefined || (typeof contentType === 'string' && JSON_MEDIA_TYPE.test(contentType));
    let data = e['data'];
    if (typeof e['data_base64'] === 'string' && (data === undefined || ArrayBuffer.isView(data))) {
      data = Buffer.from(e['data_base64'], 'base64');
    }
    if (data === undefined || data === null) this.fail('data', 'required');
    if (ArrayBuffer.isView(data)) {
      data = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
    }
    if (typeof data === 'string') {
      if (!isJson) this.fail('data', `expected JSON (datacontenttype ${String(contentType)})`);
      try {
        data = JSON.parse(data) as unknown;
      } catch {
        this.fail('data', 'not valid JSON');
      }
    }
    if (!isObject(data)) this.fail('data', 'expected an object');
    return data;
  }

  private text(path: string, value: unknown): string {
    if (typeof value !== 'string' || value === '') this.fail(path, 'expected a non-empty string');
    return value;
  }

  /** A KSC number as a decimal string: "42", 42 and "042" are one spelling, "42". */
  private number(path: string, value: unknown): string {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
    if (typeof value === 'string' && DECIMAL.test(value)) return BigInt(value).toString();
    return this.fail(path, 'expected a non-negative integer or a string of decimal digits');
  }

  private base64(path: string, value: unknown): string {
    const text = this.text(path, value);
    if (!BASE64.test(text)) this.fail(path, 'expected base64');
    return text;
  }

  private info(path: string, value: unknown): DirectoryInfo {
    if (!isObject(value)) return this.fail(path, 'expected an object');
    const info: Record<string, string> = {};
    const extra: Record<string, PlainJson> = {};
    for (const [name, item] of Object.entries(value)) {
      const field = (INFO_ATTRIBUTES as Record<string, string>)[name];
      if (field === undefined) {
        // Attributes a later publisher adds are kept as received (the contract's `extra`).
        if (item !== undefined) extra[name] = item as PlainJson;
        continue;
      }
      if (item === null || item === undefined) continue;
      info[field] = BASE64_ATTRIBUTES.has(name)
        ? this.base64(`${path}.${name}`, item)
        : this.text(`${path}.${name}`, item);
    }
    return Object.keys(extra).length === 0 ? info : { ...info, extra };
  }

  /** Identifiers of one object; at least one that names it (0053). */
  private ids(path: string, value: unknown): DirectoryIds {
    if (!isObject(value)) return this.fail(path, 'expected an object');
    const ids: Record<string, string> = {};
    for (const [name, field] of Object.entries(ID_ATTRIBUTES)) {
      const item = value[name];
      if (item === undefined || item === null) continue;
      const where = `${path}.${name}`;
      if (name === 'ksc_trustee_id' || name === 'ksc_trustee_sfx') ids[field] = this.number(where, item);
      else ids[field] = BASE64_ATTRIBUTES.has(name) ? this.base64(where, item) : this.text(where, item);
    }
    // A trustee id means nothing without its suffix, and the other way round.
    if ((ids['kscTrusteeId'] === undefined) !== (ids['kscTrusteeSfx'] === undefined)) {
      this.fail(
        `${path}.${ids['kscTrusteeId'] === undefined ? 'ksc_trustee_id' : 'ksc_trustee_sfx'}`,
        'required with its pair',
      );
    }
    const named = ids['kscTrusteeId'] !== undefined || NAMING_IDENTIFIERS.some((name) => value[name] != null);
    if (!named) {
      this.fail(
        path,
        `names no object: expected ${NAMING_IDENTIFIERS.join(', ')} or ksc_trustee_id with ksc_trustee_sfx`,
      );
    }
    return ids;
  }

  private chunk(path: string, value: unknown): DirectoryIds[] {
    if (!Array.isArray(value)) return this.fail(path, 'expected an array');
    return value.map((item: unknown, index) => this.ids(`${path}[${index}]`, item));
  }

  private ds(data: JsonObject): { ds?: string } {
    return data['ds'] == null ? {} : { ds: this.text('data.ds', data['ds']) };
  }

  private instance(data: JsonObject): PublisherInstance {
    return {
      tenantId: this.text('data.tenant_id', data['tenant_id']),
      kscInstanceId: this.text('data.ksc_instance_id', data['ksc_instance_id']),
      ...(data['ksc_vs_uid'] == null ? {} : { kscVsUid: this.text('data.ksc_vs_uid', data['ksc_vs_uid']) }),
      ...(data['ksc_vs_id'] == null ? {} : { kscVsId: this.number('data.ksc_vs_id', data['ksc_vs_id']) }),
    };
  }
}

/**
 * A CloudEvent (the SDK's or a plain object) as a checked directory event: the envelope of seed 003 (`specversion`
 * 1.0, `source` `osmp-ds-info-provider`, one of the nine types, an `id`, an RFC 3339 `time`) and, per type, the
 * required `data` attributes present and every attribute the seed names of the right shape. Attributes the seed
 * does not name are ignored (inside `ds_info`, kept in `extra`). Trustee ids and suffixes become decimal strings.
 *
 * @throws {DirectoryEventError} naming the event and the first attribute at fault.
 */
export function checkDirectoryEvent(input: DirectoryEventInput): DirectoryEvent {
  if (!isObject(input)) throw new DirectoryEventError('event', 'expected a CloudEvent object');
  return new EventChecker(input).check();
}
