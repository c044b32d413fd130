import type { QueryResource } from '../query/index.ts';

/**
 * Every HTTP route the client calls, in one table, because most are not confirmed by a real server: spec
 * kics-api-v3.md §3 marks only `GET /about` (v3), `POST devices/query`, `POST events/query` and the token endpoint
 * (seen on v4) as FACT; the rest are PROPOSED (decision 0027). When a real server shows another verb or path,
 * the correction is one row here.
 */
export type KicsHttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KicsOperation {
  /** The seed's title: what errors and logs name. */
  readonly title: string;
  readonly method: KicsHttpMethod;
  /** Below the API base (`/kics/api/v3`); `{id}` is the path parameter. */
  readonly path: string;
  /** A read may be repeated after an ambiguous failure; a change only when it certainly never arrived. */
  readonly read: boolean;
  /** Whether a real server was seen answering this route (spec §3 "CONFIRMED"). */
  readonly confirmed: boolean;
  /** The answer: JSON, a file (PCAP, ZIP), or nothing the client needs. */
  readonly answer: 'json' | 'bytes' | 'none';
  /** For `…/query` operations: whose filter fields the query argument may name (checked before sending). */
  readonly query?: QueryResource;
}

function op(
  title: string,
  method: KicsHttpMethod,
  path: string,
  extra: Partial<Pick<KicsOperation, 'confirmed' | 'answer' | 'query'>> = {},
): KicsOperation {
  // A query is a POST that changes nothing: it is a read.
  const read = method === 'GET' || extra.query !== undefined;
  return {
    title,
    method,
    path,
    read,
    confirmed: extra.confirmed ?? false,
    answer: extra.answer ?? 'json',
    ...extra,
  };
}

export const KICS_OPERATIONS = {
  about: op('Getting product information', 'GET', '/about', { confirmed: true }),
  getAllowRule: op('Querying a single allowing rule', 'GET', '/allow-rules/{id}'),
  updateAllowRule: op('Editing an existing allowing rule', 'PATCH', '/allow-rules/{id}', { answer: 'none' }),
  deleteAllowRule: op('Removing an existing allowing rule', 'DELETE', '/allow-rules/{id}', {
    answer: 'none',
  }),
  queryAllowRules: op('Querying several allowing rules', 'POST', '/allow-rules/query', {
    query: 'allow-rules',
  }),
  queryApplicationMessages: op(
    'Querying several application messages',
    'POST',
    '/application-messages/query',
    {
      query: 'application-messages',
    },
  ),
  queryAuditMessages: op('Querying several audit entries', 'POST', '/audit-messages/query', {
    query: 'audit-messages',
  }),
  configuration: op('Returning information about the current connector', 'GET', '/configuration'),
  queryDevices: op('Querying several devices', 'POST', '/devices/query', {
    query: 'devices',
    confirmed: true,
  }),
  getDevice: op('Querying a single device', 'GET', '/devices/{id}'),
  updateDevice: op('Editing an existing device', 'PUT', '/devices/{id}'),
  deleteDevice: op('Removing an existing device', 'DELETE', '/devices/{id}', { answer: 'none' }),
  deviceProtocols: op('Querying device protocols', 'GET', '/devices/{id}/protocols'),
  createDevice: op('Creating a device', 'POST', '/devices'),
  queryEvents: op('Querying several events', 'POST', '/events/query', { query: 'events', confirmed: true }),
  getEvent: op('Querying a single event', 'GET', '/events/{id}'),
  updateEvent: op('Editing an existing event', 'PATCH', '/events/{id}', { answer: 'none' }),
  registerEvent: op('Registering an event', 'POST', '/events'),
  eventsTraffic: op('Querying traffic for several events', 'POST', '/events/traffic/query', {
    query: 'events',
    answer: 'bytes',
  }),
  eventTraffic: op('Querying traffic for a single event', 'GET', '/events/{id}/traffic', { answer: 'bytes' }),
  eventTypes: op('Getting a list of event types', 'GET', '/event-types'),
  getEventType: op('Getting one event type', 'GET', '/event-types/{id}'),
  license: op('Getting information about the added license key', 'GET', '/license'),
  monitoringPoints: op('Querying a dictionary with monitoring points', 'GET', '/monitoring-points'),
  getMonitoringPoint: op('Querying a single monitoring point', 'GET', '/monitoring-points/{id}'),
  protocolStacks: op('Querying a dictionary with protocol stacks', 'GET', '/protocol-stacks'),
  getProtocolStack: op('Querying a single protocol stack', 'GET', '/protocol-stacks/{id}'),
  locale: op(
    'Querying information about the locale used by the application',
    'GET',
    '/server-settings/locale',
  ),
  queryTags: op('Querying several tags', 'POST', '/tags/query', { query: 'tags' }),
  getTag: op('Querying a single tag', 'GET', '/tags/{id}'),
  technologies: op('Getting information about the state of technologies', 'GET', '/technologies'),
  queryVulnerabilities: op('Querying several vulnerability entries', 'POST', '/vulnerabilities/query', {
    query: 'vulnerabilities',
  }),
  getVulnerability: op('Querying a single vulnerability', 'GET', '/vulnerabilities/{id}'),
} as const satisfies Record<string, KicsOperation>;

export type KicsOperationName = keyof typeof KICS_OPERATIONS;

/** The token endpoint below the auth base; `grant_type` travels in the query string, never the body (FACT). */
export const TOKEN_OPERATION = 'token';

/** Where the API and the token endpoint live when neither the package nor the caller says (spec §1). */
export const DEFAULT_API_PATH = '/kics/api/v3';
export const DEFAULT_AUTH_PATH = '/kics/api/auth/v3/token';

/**
 * One sort entry of a query argument. ColumnOrderDto's members are UNKNOWN (spec Q3); this is the PROPOSED shape,
 * kept here so that a correction is one line.
 */
export function sortEntry(column: string, descending: boolean): Record<string, string> {
  return { column, order: descending ? 'desc' : 'asc' };
}

/** The path of an operation for an id: ids are `integer <int64> >= 1` (seed). */
export function operationPath(operation: KicsOperation, id?: number | bigint): string {
  if (!operation.path.includes('{id}')) return operation.path;
  return operation.path.replace('{id}', String(id));
}
