import { z } from 'zod';
import { kconnectVersion } from '../../version.ts';
import {
  KICS_ROLES,
  commandOutputSchema,
  isStreamingCommand,
  type CommandDefinition,
} from '../../commands/index.ts';
import { fileContentTypes, producesFile } from '../../commands/core/files.ts';
import { SUBJECT_NAMES, SUBJECTS, type Subject } from '../../commands/core/vendors.ts';
import { FAILED_ITEMS_HEADER, STATUS_HEADER } from './file-response.ts';
import { requiredScope, SCOPES } from './auth.ts';
import { MAX_DIRECTORY_BATCH, MAX_DIRECTORY_BODY_BYTES } from './directory-routes.ts';
import { DIRECTORY_EVENT_TYPES } from '../../directory/types.ts';

/** A JSON value of the document (plain JSON: the document is served with `JSON.stringify`). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface OpenApiOptions {
  readonly title?: string;
  readonly version?: string;
}

/** The header that selects a KSC connection (the `connection` query parameter does the same). */
export const CONNECTION_HEADER = 'Kconnect-Connection';
export const REQUEST_ID_HEADER = 'X-Request-Id';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** `list_hosts` → `ListHosts`: component names in the style most generators turn into type names. */
export function pascalCase(name: string): string {
  return name
    .split(/[_\W]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

// Schemas of the routes other than the commands; the same objects validate nothing at run time, they only
// document what the handlers write.
const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  requestId: z.string(),
});
const catalog = z.object({
  commands: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      description: z.string(),
      path: z.string(),
      readOnly: z.boolean(),
      destructive: z.boolean(),
      idempotent: z.boolean(),
      scope: z.enum(SCOPES),
      vendor: z
        .enum(SUBJECT_NAMES as [Subject, ...Subject[]])
        .describe(
          "The product the command talks to (`directory`: kconnect's own IAM directory, no connection)",
        ),
      operations: z.array(z.string()).describe('The vendor API operations it calls, in order'),
      kscMethods: z
        .array(z.string())
        .optional()
        .describe('KSC commands: the same list, under its earlier name'),
      rights: z
        .array(
          z.object({
            product: z.string(),
            feature: z.string(),
            operations: z.array(z.string()),
          }),
        )
        .optional()
        .describe(
          'KSC commands: the rights its account needs, in seed 001’s words (product › feature › operations)',
        ),
      roles: z
        .array(z.enum(KICS_ROLES))
        .optional()
        .describe('KICS commands: the roles of the connector’s user account that may run it, least first'),
      example: z.unknown(),
      input: z
        .record(z.string(), z.unknown())
        .describe(
          'The JSON Schema (draft 2020-12) of the input, self-contained; the same as the request body schema of ' +
            'the command’s route',
        ),
      hints: z
        .object({
          cliAliases: z.record(z.string(), z.string()).optional(),
          targetFields: z.array(z.string()).optional(),
          waitField: z.string().optional(),
        })
        .optional()
        .describe(
          'Hints for surfaces, when the command has any: short CLI option names by field, the fields naming ' +
            'the hosts it acts on, the field bounding its wait in seconds',
        ),
    }),
  ),
});
const auditEntries = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: z.string().describe('ISO 8601 time the call started'),
      requestId: z.string(),
      replica: z.string(),
      token: z.object({ id: z.string(), name: z.string() }).nullable().describe('Null when unauthenticated'),
      command: z.string(),
      connection: z.string(),
      hosts: z.array(z.string()),
      idempotencyKey: z.string().nullable(),
      outcome: z.enum([
        'Successful',
        'Partially Successful',
        'Failed',
        'unauthenticated',
        'denied',
        'invalid',
        'rate_limited',
        'unavailable',
      ]),
      statusCode: z.number().int(),
      errorCode: z.string().nullable(),
      message: z.string().nullable(),
      durationMs: z.number().int(),
    }),
  ),
  next: z.string().nullable().describe('The query of the next (older) page, or null'),
});
const readiness = z.object({
  ready: z.boolean(),
  checks: z.array(
    z.object({ name: z.string(), ok: z.boolean(), error: z.string().optional(), durationMs: z.number() }),
  ),
});

/** Longs beyond 2^53 travel as exact JSON integers (the writer is lossless), not as anything. */
const longsAsIntegers: NonNullable<z.core.ToJSONSchemaParams['override']> = (ctx) => {
  if (ctx.zodSchema._zod.def.type === 'bigint') ctx.jsonSchema.type = 'integer';
};

/**
 * The JSON Schema of a command's input on its own (draft 2020-12, no references outside it), for clients that
 * read one command at a time: the catalog route serves it, and the console builds its forms from it.
 */
export function inputJsonSchema(input: z.ZodType): JsonObject {
  return z.toJSONSchema(input, {
    io: 'input',
    unrepresentable: 'any',
    override: longsAsIntegers,
  }) as JsonObject;
}

/** Zod's JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) of a registry, with references into components. */
function componentSchemas(
  entries: ReadonlyArray<readonly [string, z.ZodType]>,
  io: 'input' | 'output',
  shared: ReadonlyArray<readonly [string, z.ZodType]>,
): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of [...shared, ...entries]) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, {
    io,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
    override: longsAsIntegers,
  }) as { schemas: Record<string, JsonObject> };
  const schemas: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema;
    schemas[id] = rest;
  }
  return hoistShared(schemas);
}

/**
 * Zod puts schemas used by several components but registered under no id into `__shared`, referenced as
 * `…/__shared#/$defs/x`; a single OpenAPI document wants each as a component of its own.
 */
function hoistShared(schemas: Record<string, JsonObject>): Record<string, JsonObject> {
  const shared = schemas['__shared'];
  if (shared === undefined) return schemas;
  const { __shared: _omit, ...rest } = schemas;
  const defs = (shared['$defs'] ?? {}) as Record<string, JsonObject>;
  for (const [name, schema] of Object.entries(defs)) rest[`Shared${pascalCase(name)}`] = schema;
  const text = JSON.stringify(rest).replace(
    /#\/components\/schemas\/__shared#\/\$defs\/([A-Za-z0-9_]+)/g,
    (_whole, name: string) => `#/components/schemas/Shared${pascalCase(name)}`,
  );
  return JSON.parse(text) as Record<string, JsonObject>;
}

const failure = (description: string, extra: JsonObject = {}): JsonObject => ({
  description,
  ...extra,
  content: { 'application/json': { schema: ref('CommandFailure') } },
});

/** What a line of a streamed answer is, for the 200 response of the commands that stream. */
const NDJSON_DESCRIPTION =
  'With `Accept: application/x-ndjson`: the records of `context`, one JSON object per line (UTF-8, `\\n` after ' +
  'each), in the order the JSON answer lists them, written as KSC returns its pages. A failure after the first ' +
  'record ends the body with one final line `{"error": {...}}` (an object whose only member is `error`, an ' +
  'entry of `errors`: see `StreamErrorLine`); a body without it that ends is complete. A failure before the ' +
  'first record is answered as without the header: the JSON result with its status. `limit` bounds both answers.';

const ndjsonContent = (): JsonObject => ({
  'application/x-ndjson': {
    schema: { type: 'string', description: NDJSON_DESCRIPTION },
    'x-kconnect-line': {
      oneOf: [{ type: 'object', description: 'A record of context' }, ref('StreamErrorLine')],
    },
  },
});

/** The final line of a streamed answer that failed mid-stream. */
const STREAM_ERROR_LINE: JsonObject = {
  type: 'object',
  description: 'The final line of a streamed answer that failed after its first record',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['failureIndicator', 'statusCode', 'code', 'message'],
      properties: {
        failureIndicator: { type: 'string' },
        statusCode: { type: 'integer' },
        code: { type: 'string' },
        message: { type: 'string' },
        item: { type: 'string' },
      },
    },
  },
};

/**
 * The 200 of a command that produces a file: the file itself, in one of its media types, named by
 * `Content-Disposition`, with the command's status in a header; the JSON result only when asked for alone.
 */
function fileAnswer(command: CommandDefinition, name: string): JsonObject {
  const binary = { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' };
  const types = Object.fromEntries(
    fileContentTypes(command).map((type) => [type, { schema: { ...binary, contentMediaType: type } }]),
  );
  return {
    description:
      'The command ran and produced its file: the body is the file itself (one of the binary media types ' +
      'below), `Content-Disposition: attachment; filename="…"` names it and `Content-Length` gives its size; ' +
      `\`${STATUS_HEADER}\` says \`Successful\` or \`Partially Successful\`, with the items that failed in ` +
      `\`${FAILED_ITEMS_HEADER}\`. Only a request whose \`Accept\` asks for \`application/json\` and none of the ` +
      'file’s types gets the JSON result instead (the file is then not sent). A failure is the JSON result with ' +
      'its status code, as for every command.',
    headers: {
      [REQUEST_ID_HEADER]: { $ref: '#/components/headers/requestId' },
      'Content-Disposition': {
        description: 'attachment; filename="<a plain file name>"',
        schema: { type: 'string' },
      },
      [STATUS_HEADER]: {
        description: 'The command’s status',
        schema: { type: 'string', enum: ['Successful', 'Partially Successful'] },
      },
      [FAILED_ITEMS_HEADER]: {
        description: 'With `Partially Successful`: the items of the input that failed, comma-separated',
        schema: { type: 'string' },
      },
    },
    content: { ...types, 'application/json': { schema: ref(`${name}Result`) } },
  };
}

const nullable = (schema: JsonObject): JsonObject => ({ oneOf: [schema, { type: 'null' }] });
const count = { type: 'integer', minimum: 0 };
const isoTime = { type: 'string', format: 'date-time' };
const pipelineError: JsonObject = {
  type: 'object',
  properties: {
    at: isoTime,
    stage: {
      type: 'string',
      enum: ['checkpoint-read', 'sink-open', 'source', 'sink-write', 'checkpoint-commit', 'close'],
    },
    message: { type: 'string' },
    name: { type: 'string' },
    code: { type: 'string' },
    retryable: { type: 'boolean', description: 'Retried in the run (transient), or it stopped the run' },
  },
};

/** The intake pipelines' answers (`/v1/pipelines`). */
const PIPELINE_SCHEMAS: Readonly<Record<string, JsonObject>> = {
  PipelineStatus: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      source: {
        type: 'object',
        properties: { type: { type: 'string' }, connection: { type: ['string', 'null'] } },
      },
      mapping: { type: 'string', enum: ['raw', 'd3', 'ecs', 'ocsf'] },
      sink: { type: 'object', properties: { type: { type: 'string' }, target: { type: 'string' } } },
      state: {
        type: 'string',
        enum: ['starting', 'backfill', 'following', 'retrying', 'stopping', 'stopped', 'failed'],
      },
      generation: { ...count, description: 'The committed checkpoint generation' },
      lagSeconds: {
        type: ['number', 'null'],
        description: 'Seconds between the newest record read and its commit; 0 at the head',
      },
      behind: nullable({
        type: 'object',
        description: 'How far behind the head the last batch was, when the source knows',
        properties: { records: count, seconds: { type: 'number' } },
      }),
      lastBatch: nullable({
        type: 'object',
        properties: { records: count, documents: count, gaps: count, durationMs: count, at: isoTime },
      }),
      totals: {
        type: 'object',
        description: 'Since the pipeline started from scratch (committed)',
        properties: { records: count, documents: count, gaps: count },
      },
      startedAt: isoTime,
      restarts: { ...count, description: 'Restarts after a failure since the service started' },
      restartAt: { ...nullable(isoTime), description: 'When a failed pipeline restarts' },
      lastFailure: { ...nullable(pipelineError), description: 'Why the last run failed' },
      errors: { type: 'array', items: pipelineError, description: 'The most recent errors, oldest first' },
      gaps: {
        type: 'array',
        description:
          'The most recent gaps the source reported (records the vendor deleted unread), oldest first',
        items: {
          type: 'object',
          properties: { key: { type: 'string' }, time: isoTime, data: { type: 'object' } },
        },
      },
    },
  },
  PipelineDetail: {
    allOf: [
      ref('PipelineStatus'),
      {
        type: 'object',
        properties: {
          history: {
            type: 'array',
            description: 'Samples, oldest first, at most one a second',
            items: {
              type: 'object',
              properties: {
                at: isoTime,
                records: count,
                documents: count,
                gaps: count,
                lagSeconds: { type: ['number', 'null'] },
              },
            },
          },
        },
      },
    ],
  },
};

/** The directory receiver's events and answers (`POST /v1/directory/events`). */
const DIRECTORY_SCHEMAS: Readonly<Record<string, JsonObject>> = {
  DirectoryCloudEvent: {
    type: 'object',
    description:
      'A CloudEvent 1.0 of seed 003: `source` `osmp-ds-info-provider`, one of the nine types, an RFC 3339 ' +
      '`time`, and `data` with the attributes its type requires (docs/directory.md lists them)',
    required: ['specversion', 'id', 'source', 'type', 'time', 'data'],
    properties: {
      specversion: { const: '1.0' },
      id: { type: 'string', minLength: 1 },
      source: { const: 'osmp-ds-info-provider' },
      type: { type: 'string', enum: [...DIRECTORY_EVENT_TYPES] },
      time: isoTime,
      datacontenttype: { type: 'string' },
      data: { type: 'object' },
    },
  },
  DirectoryEventErrorBody: {
    type: 'object',
    required: ['error', 'requestId'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'eventId', 'eventType', 'attribute'],
        properties: {
          code: { type: 'string' },
          message: { type: 'string', description: '`attribute: reason`' },
          eventId: { type: ['string', 'null'] },
          eventType: { type: ['string', 'null'] },
          attribute: {
            type: 'string',
            description: 'Where the event failed: `type`, `data.ds_ids.uid`, `data.ds_ids_chunk[3]` …',
          },
        },
      },
      requestId: { type: 'string' },
    },
  },
  DirectoryBatchReport: {
    type: 'object',
    required: ['accepted', 'rejected', 'results'],
    properties: {
      accepted: count,
      rejected: count,
      results: {
        type: 'array',
        description: 'One per event of the batch, in its order',
        items: {
          type: 'object',
          properties: {
            id: { type: ['string', 'null'] },
            type: { type: ['string', 'null'] },
            outcome: { type: 'string', enum: ['applied', 'duplicate', 'stale'] },
            error: { $ref: '#/components/schemas/DirectoryEventErrorBody/properties/error' },
          },
        },
      },
    },
  },
};

const DIRECTORY_EVENTS_OPERATION: JsonObject = {
  operationId: 'directory_events',
  summary: 'Receive directory events (seed 003)',
  description:
    'CloudEvents from `osmp-ds-info-provider` in any HTTP content mode: structured ' +
    '(`application/cloudevents+json`), batched (`application/cloudevents-batch+json`, at most ' +
    `${MAX_DIRECTORY_BATCH} events) or binary (\`ce-*\` headers, \`data\` as the body). Bodies up to ` +
    `${MAX_DIRECTORY_BODY_BYTES} bytes. Each event is checked against seed 003 and applied whole or not at all; a ` +
    'redelivered event (same source and id) is a `duplicate`, an older one than the directory knows is `stale`. ' +
    'Needs the `ingest` scope.',
  tags: ['ingest'],
  requestBody: {
    required: true,
    content: {
      'application/cloudevents+json': { schema: ref('DirectoryCloudEvent') },
      'application/cloudevents-batch+json': { schema: { type: 'array', items: ref('DirectoryCloudEvent') } },
      'application/json': { schema: { type: 'object', description: 'Binary mode: the event’s `data`' } },
    },
  },
  responses: {
    '200': {
      description: 'A batch: what became of each event (valid ones applied, invalid ones reported)',
      content: { 'application/json': { schema: ref('DirectoryBatchReport') } },
    },
    '202': {
      description: 'One event, applied (or recognised as a duplicate or stale)',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              outcome: { type: 'string', enum: ['applied', 'duplicate', 'stale'] },
            },
          },
        },
      },
    },
    '400': {
      description: 'The event is not a valid directory event: named by id, type and attribute',
      content: { 'application/json': { schema: ref('DirectoryEventErrorBody') } },
    },
    '401': {
      description: 'No token, or an unknown or revoked one',
      content: { 'application/json': { schema: ref('ErrorBody') } },
    },
    '403': {
      description: 'The token lacks the `ingest` scope',
      content: { 'application/json': { schema: ref('ErrorBody') } },
    },
    '413': {
      description: `A body over ${MAX_DIRECTORY_BODY_BYTES} bytes, or a batch of more than ${MAX_DIRECTORY_BATCH} events`,
      content: {
        'application/json': { schema: { oneOf: [ref('ErrorBody'), ref('DirectoryEventErrorBody')] } },
      },
    },
    '503': {
      description: 'No directory store configured, or the store failed (retry: redelivery is safe)',
      content: { 'application/json': { schema: ref('ErrorBody') } },
    },
  },
  'x-kconnect-scope': 'ingest',
  'x-kconnect-max-body-bytes': MAX_DIRECTORY_BODY_BYTES,
  'x-kconnect-max-batch': MAX_DIRECTORY_BATCH,
};

const jsonResponse = (description: string, schema: string): JsonObject => ({
  description,
  content: { 'application/json': { schema: ref(schema) } },
});

function commandOperation(command: CommandDefinition): JsonObject {
  const name = pascalCase(command.name);
  const scope = requiredScope(command);
  const flags = [
    command.readOnly ? 'read-only' : 'changes KSC',
    command.destructive ? 'destructive' : undefined,
    command.idempotent ? 'idempotent' : 'not idempotent',
  ].filter(Boolean);
  return {
    operationId: command.name,
    summary: command.title,
    description: `${command.description}\n\nNeeds the \`${scope}\` scope (${flags.join(', ')}). ${SUBJECTS[command.vendor].operationsLabel}: ${command.api.operations.join(', ') || 'none'}.`,
    tags: [command.vendor, scope],
    parameters: [
      { $ref: '#/components/parameters/connection' },
      { $ref: '#/components/parameters/connectionHeader' },
    ],
    requestBody: {
      required: false,
      description: 'The command input as JSON; an empty body is `{}`.',
      content: {
        'application/json': { schema: ref(`${name}Input`), example: command.example as Json },
      },
    },
    responses: {
      '200': producesFile(command)
        ? fileAnswer(command, name)
        : {
            description:
              'The command ran: `Successful`, or `Partially Successful` with the failed items in `errors`',
            headers: { [REQUEST_ID_HEADER]: { $ref: '#/components/headers/requestId' } },
            content: {
              'application/json': { schema: ref(`${name}Result`) },
              ...(isStreamingCommand(command) ? ndjsonContent() : {}),
            },
          },
      '400': { $ref: '#/components/responses/BadInput' },
      '401': { $ref: '#/components/responses/Unauthenticated' },
      '403': { $ref: '#/components/responses/Forbidden' },
      '404': { $ref: '#/components/responses/NotFound' },
      '409': { $ref: '#/components/responses/Conflict' },
      '429': { $ref: '#/components/responses/TooManyRequests' },
      '500': { $ref: '#/components/responses/Internal' },
      '502': { $ref: '#/components/responses/UpstreamError' },
      '503': { $ref: '#/components/responses/Unavailable' },
      '504': { $ref: '#/components/responses/Timeout' },
    },
    'x-kconnect-scope': scope,
    'x-kconnect-streams': isStreamingCommand(command),
    'x-kconnect-produces-file': producesFile(command),
    'x-kconnect-flags': {
      readOnly: command.readOnly,
      destructive: command.destructive,
      idempotent: command.idempotent,
    },
  };
}

const publicRoute = (summary: string, responses: JsonObject, extra: JsonObject = {}): JsonObject => ({
  get: { summary, security: [], tags: ['service'], ...extra, responses },
});

/**
 * The OpenAPI 3.1 document of the service: one `POST /v1/commands/<name>` per command with its input and
 * result schemas (from the same zod schemas that validate them), and the service's own routes.
 */
export function buildOpenApiDocument(
  commands: readonly CommandDefinition[],
  options: OpenApiOptions = {},
): JsonObject {
  const base = commandOutputSchema(z.object({}).strict());
  const shared: Array<readonly [string, z.ZodType]> = [
    ['WireJson', base.shape.raw],
    ['PlainJson', base.shape.context],
  ];
  const inputs = componentSchemas(
    commands.map((c) => [`${pascalCase(c.name)}Input`, c.input] as const),
    'input',
    shared,
  );
  const outputs = componentSchemas(
    [
      ...commands.map((c) => [`${pascalCase(c.name)}Result`, commandOutputSchema(c.keyFields)] as const),
      ['CommandFailure', base] as const,
      ['ErrorBody', errorBody] as const,
      ['CommandCatalog', catalog] as const,
      ['AuditEntries', auditEntries] as const,
      ['Readiness', readiness] as const,
    ],
    'output',
    shared,
  );
  const paths: JsonObject = {};
  for (const command of commands) paths[`/v1/commands/${command.name}`] = { post: commandOperation(command) };
  paths['/v1/commands'] = {
    get: {
      summary: 'The command catalog',
      description:
        'Every command with its vendor, flags, the scope it needs, an example and the JSON Schema of its input ' +
        '(what a client needs to build a form or check a call before making it). Any valid token may read it.',
      tags: ['service'],
      responses: {
        '200': jsonResponse('The catalog', 'CommandCatalog'),
        '401': jsonResponse('No token, or an unknown or revoked one', 'ErrorBody'),
      },
    },
  };
  paths['/v1/audit'] = {
    get: {
      summary: 'The audit log',
      description:
        'Command calls, newest first: who, which command, target hosts, idempotency key, outcome, duration and ' +
        'request id, refused calls included. Needs the `admin` scope.',
      tags: ['admin'],
      parameters: [
        {
          name: 'command',
          in: 'query',
          schema: { type: 'string' },
          description: 'Only calls of this command',
        },
        {
          name: 'since',
          in: 'query',
          schema: { type: 'string' },
          description: 'Only calls at or after this time: ISO 8601, or milliseconds since the epoch',
        },
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          description: 'How many entries at most',
        },
        {
          name: 'before',
          in: 'query',
          schema: { type: 'integer', minimum: 1 },
          description: 'Only entries with a smaller id (the next page)',
        },
      ],
      responses: {
        '200': jsonResponse('Audit entries, newest first', 'AuditEntries'),
        '400': jsonResponse('A bad query parameter, named', 'ErrorBody'),
        '401': jsonResponse('No token, or an unknown or revoked one', 'ErrorBody'),
        '403': jsonResponse('The token lacks the `admin` scope', 'ErrorBody'),
      },
    },
  };
  const problems = (scope: string) => ({
    '400': jsonResponse('A bad query parameter, named', 'ErrorBody'),
    '401': jsonResponse('No token, or an unknown or revoked one', 'ErrorBody'),
    '403': jsonResponse(`The token lacks the \`${scope}\` scope`, 'ErrorBody'),
  });
  const objectAnswer = (description: string, properties: JsonObject) => ({
    description,
    content: { 'application/json': { schema: { type: 'object', properties } } },
  });
  paths['/v1/me'] = {
    get: {
      summary: 'The caller',
      description:
        'The name, id and scopes of the token the request carries (the console shows what it allows).',
      tags: ['service'],
      responses: {
        '200': objectAnswer('The token', {
          tokenId: { type: 'string' },
          name: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
        }),
        '401': jsonResponse('No token, or an unknown or revoked one', 'ErrorBody'),
      },
    },
  };
  paths['/v1/connections'] = {
    get: {
      summary: 'The KSC connections and their health',
      description:
        'Every configured connection by name, which one is the default, and whether it answered the readiness ' +
        'check (the same check and cache as `/readyz`). Needs the `read` scope.',
      tags: ['service'],
      responses: {
        '200': objectAnswer('The connections', {
          connections: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                default: { type: 'boolean' },
                ok: { type: 'boolean' },
                error: { type: ['string', 'null'] },
                durationMs: { type: ['number', 'null'] },
              },
            },
          },
        }),
        ...problems('read'),
      },
    },
  };
  paths['/v1/events'] = {
    get: {
      summary: 'The newest events',
      description:
        'Events of the Administration Server, newest first (what a live view polls; Fetch Event reads oldest ' +
        'first for a reader that must not miss one). Not a command call: not audited. Needs the `read` scope.',
      tags: ['service'],
      parameters: [
        {
          name: 'connection',
          in: 'query',
          schema: { type: 'string' },
          description: 'Default: the default one',
        },
        {
          name: 'since',
          in: 'query',
          schema: { type: 'string' },
          description: 'Only events raised at or after this ISO 8601 time',
        },
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          description: 'How many events at most',
        },
      ],
      responses: {
        '200': objectAnswer('Events with their attributes and a severityName', {
          events: { type: 'array', items: { type: 'object' } },
        }),
        ...problems('read'),
        '404': jsonResponse('No such connection', 'ErrorBody'),
        '429': jsonResponse("The KSC server's queue is full; see Retry-After", 'ErrorBody'),
      },
    },
  };
  paths['/v1/pipelines'] = {
    get: {
      summary: 'The intake pipelines and their status',
      description:
        'Every pipeline the service runs (none when it runs none): what it reads, maps to and writes, its state, ' +
        'checkpoint generation, lag, last batch, totals, restarts, the recent errors and gaps. A token limited to ' +
        'some connections sees only the pipelines that read one of them. Needs the `read` scope.',
      tags: ['service'],
      responses: {
        '200': objectAnswer('The pipelines', {
          pipelines: { type: 'array', items: ref('PipelineStatus') },
        }),
        ...problems('read'),
      },
    },
  };
  paths['/v1/pipelines/{name}'] = {
    get: {
      summary: 'One intake pipeline, with its history',
      description:
        "The pipeline's status and its samples (totals and lag, at most one a second over the last hour), " +
        'oldest first: the throughput is the difference between samples. Needs the `read` scope.',
      tags: ['service'],
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': jsonResponse('The pipeline and its history', 'PipelineDetail'),
        ...problems('read'),
        '404': jsonResponse('No such pipeline, or one the token may not see', 'ErrorBody'),
      },
    },
  };
  paths['/v1/directory/events'] = { post: DIRECTORY_EVENTS_OPERATION };
  paths['/console'] = publicRoute('The web console (it asks for a token)', {
    '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
  });
  paths['/openapi.json'] = publicRoute('This document', {
    '200': { description: 'The OpenAPI 3.1 document' },
  });
  paths['/docs'] = publicRoute('The interactive reference', {
    '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
  });
  paths['/healthz'] = publicRoute('Liveness: the process serves HTTP', {
    '200': { description: 'Alive', content: { 'application/json': { schema: { type: 'object' } } } },
  });
  paths['/readyz'] = publicRoute('Readiness: the database and every KSC connection answer', {
    '200': jsonResponse('Ready', 'Readiness'),
    '503': jsonResponse('Not ready (a check failed, or the replica is shutting down)', 'Readiness'),
  });
  paths['/metrics'] = publicRoute('Prometheus metrics', {
    '200': { description: 'Text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
  });

  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'kconnect',
      version: options.version ?? kconnectVersion(),
      description:
        'Kaspersky Security Center commands over HTTP. Every command answers a CommandResult (status, raw, ' +
        'context, keyFields, result, errors): 200 for Successful and Partially Successful, otherwise the status ' +
        'code of its first error with the CommandResult as the body. Integers beyond 2^53 in `raw` are exact.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ apiToken: [] }],
    tags: [
      ...SUBJECT_NAMES.filter((vendor) => commands.some((c) => c.vendor === vendor)).map((vendor) => ({
        name: vendor,
        description: `${SUBJECTS[vendor].title} commands`,
      })),
      { name: 'read', description: 'Read-only commands: need the `read` scope' },
      { name: 'respond', description: 'Commands that change KSC: need the `respond` scope' },
      { name: 'admin', description: 'Service administration: needs the `admin` scope' },
      { name: 'ingest', description: 'Directory events from a publisher: need the `ingest` scope' },
      { name: 'service', description: 'The service itself' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'kc_…',
          description: 'An API token made with `kconnect token create --name … --scope read,respond`',
        },
      },
      parameters: {
        connection: {
          name: 'connection',
          in: 'query',
          required: false,
          schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          description: 'The KSC connection to run on (the default connection when omitted)',
        },
        connectionHeader: {
          name: CONNECTION_HEADER,
          in: 'header',
          required: false,
          schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          description: 'The KSC connection, as a header (the query parameter wins when both are given)',
        },
      },
      headers: {
        requestId: {
          description: 'The id of the request in logs and the audit log (the caller’s own when it sent one)',
          schema: { type: 'string' },
        },
        retryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
      },
      responses: {
        BadInput: failure('Bad input: each error names the field and the reason'),
        Unauthenticated: failure('No API token, or an unknown or revoked one; or KSC refused the login', {
          headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
        }),
        Forbidden: failure('The token lacks the scope the command needs, or KSC denied access'),
        NotFound: failure('No such command, connection or KSC object'),
        Conflict: failure('The request conflicts with the state in KSC, or names several objects'),
        TooManyRequests: failure('The KSC server’s queue is full', {
          headers: { 'Retry-After': { $ref: '#/components/headers/retryAfter' } },
        }),
        Internal: failure('A bug in kconnect'),
        UpstreamError: failure('KSC answered with an error kconnect cannot map'),
        Unavailable: failure('KSC cannot be reached, or this replica is shutting down', {
          headers: { 'Retry-After': { $ref: '#/components/headers/retryAfter' } },
        }),
        Timeout: failure('KSC did not answer in time'),
      },
      schemas: {
        ...inputs,
        ...outputs,
        StreamErrorLine: STREAM_ERROR_LINE,
        ...PIPELINE_SCHEMAS,
        ...DIRECTORY_SCHEMAS,
      },
    },
  };
}
