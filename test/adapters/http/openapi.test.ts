import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { COMMANDS, type CommandDefinition } from '../../../src/commands/index.ts';
import { KscClient } from '../../../src/ksc/index.ts';
import { pascalCase } from '../../../src/adapters/http/openapi.ts';
import {
  request,
  resultOf,
  startServiceHarness,
  testServiceDatabase,
  type ServiceHarness,
} from './support.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Record<string, Json>>>;
  components: Record<string, Record<string, Json>>;
};

/** Every `$ref` in the document, with where it was found. */
function refs(value: Json, at = '#', found: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(value)) value.forEach((v, i) => refs(v, `${at}/${i}`, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push([at, v]);
      else refs(v, `${at}/${key}`, found);
    }
  }
  return found;
}

function resolvePointer(doc: Json, pointer: string): Json | undefined {
  if (!pointer.startsWith('#/')) return undefined;
  let node: Json | undefined = doc;
  for (const part of pointer.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

describe('GET /openapi.json and /docs', () => {
  let h: ServiceHarness;
  let doc: Doc;
  beforeAll(async () => {
    h = await startServiceHarness();
    const answer = await h.get('/openapi.json');
    expect(answer.status).toBe(200);
    doc = JSON.parse(answer.text) as Doc;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is an OpenAPI 3.1 document whose references all resolve', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    const all = refs(doc as unknown as Json);
    expect(all.length).toBeGreaterThan(COMMANDS.length * 2);
    for (const [at, target] of all) {
      expect(resolvePointer(doc as unknown as Json, target), `${target} at ${at}`).toBeDefined();
    }
    // No JSON-Schema-only identifiers left from the generator.
    expect(JSON.stringify(doc)).not.toMatch(/"\$schema"|"\$id"|__shared/);
  });

  it('has one POST operation per command with its request schema, example, scope and responses', () => {
    const operationIds = new Set<string>();
    for (const command of COMMANDS) {
      const op = doc.paths[`/v1/commands/${command.name}`]?.['post'];
      expect(op, command.name).toBeDefined();
      operationIds.add(op!['operationId'] as string);
      expect(op!['summary']).toBe(command.title);
      const body = op!['requestBody'] as {
        content: { 'application/json': { schema: { $ref: string }; example: Json } };
      };
      const schemaRef = body.content['application/json'].schema.$ref;
      expect(schemaRef).toBe(`#/components/schemas/${pascalCase(command.name)}Input`);
      const schema = resolvePointer(doc as unknown as Json, schemaRef) as {
        type: string;
        properties?: Record<string, Json>;
      };
      expect(schema.type).toBe('object');
      const inputShape = Object.keys((command.input as unknown as z.ZodObject).shape);
      expect(Object.keys(schema.properties ?? {}).sort()).toEqual(inputShape.sort());
      expect(body.content['application/json'].example).toEqual(command.example as Json);
      expect(op!['x-kconnect-scope']).toBe(command.readOnly ? 'read' : 'respond');
      const responses = op!['responses'] as Record<string, Json>;
      expect(Object.keys(responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '409', '429', '502', '503', '504']),
      );
      const ok = responses['200'] as { content: { 'application/json': { schema: { $ref: string } } } };
      expect(ok.content['application/json'].schema.$ref).toBe(
        `#/components/schemas/${pascalCase(command.name)}Result`,
      );
    }
    expect(operationIds.size).toBe(COMMANDS.length);
  });

  it('describes the input constraints the service enforces', () => {
    const listHosts = doc.components['schemas']!['ListHostsInput'] as {
      properties: { limit: { type: string; minimum: number; maximum: number; default: number } };
    };
    expect(listHosts.properties.limit).toMatchObject({ type: 'integer', minimum: 1, default: 1000 });
    const isolate = doc.components['schemas']!['IsolateHostsInput'] as { required: string[] };
    expect(isolate.required).toEqual(['hostIds']);
    const result = doc.components['schemas']!['IsolateHostsResult'] as {
      required: string[];
      properties: { raw: { $ref: string }; status: { enum: string[] } };
    };
    expect(result.required).toEqual(['status', 'raw', 'context', 'keyFields', 'result', 'errors']);
    expect(result.properties.raw.$ref).toBe('#/components/schemas/WireJson');
    expect(result.properties.status.enum).toEqual(['Successful', 'Partially Successful', 'Failed']);
  });

  it('documents the service routes, public ones without security', () => {
    for (const path of [
      '/v1/commands',
      '/v1/audit',
      '/openapi.json',
      '/docs',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(doc.paths[path]?.['get'], path).toBeDefined();
    }
    for (const path of ['/openapi.json', '/docs', '/healthz', '/readyz', '/metrics']) {
      expect(doc.paths[path]!['get']!['security']).toEqual([]);
    }
    expect(doc.components['securitySchemes']!['apiToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves /docs: a self-contained page with a try-it form, locked down by its CSP', async () => {
    const answer = await h.get('/docs');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = answer.text;
    expect(html).toContain("fetch('/openapi.json')");
    expect(html).toContain('Try it');
    // Nothing from elsewhere: no external scripts, styles, fonts or images.
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\/(?!json-schema)/);
    const csp = answer.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    // The script parses as JavaScript.
    expect(() => new Function(script)).not.toThrow();
  });
});

describe('lossless numbers', () => {
  let service: RunningService;
  let drop: () => Promise<void>;
  let token: string;
  // Never called: the command below answers without KSC.
  const idle = new KscClient({
    url: 'http://127.0.0.1:9',
    credentials: { user: 'u', password: 'unused-0004' },
  });
  const huge = 2n ** 63n - 1n;
  const bigInput = z.object({ echo: z.number().optional() });
  const bigRaw: CommandDefinition = {
    name: 'big_raw',
    title: 'Big Raw',
    description: 'Answers a long beyond 2^53 in raw.',
    input: bigInput,
    keyFields: z.object({}),
    readOnly: true,
    destructive: false,
    idempotent: true,
    vendor: 'ksc',
    api: { rights: [], operations: [] },
    example: {},
    run: (_ctx, input) =>
      Promise.resolve({
        status: 'Successful',
        raw: { EventId: huge, echoed: (input as z.output<typeof bigInput>).echo ?? null },
        context: null,
        keyFields: {},
        result: { title: 'Big Raw', columns: [], rows: [] },
        errors: [],
      }),
  };
  beforeAll(async () => {
    const database = await testServiceDatabase('sqlite');
    drop = database.drop;
    service = await startService({
      commands: [bigRaw],
      contexts: (connection) => {
        if (connection === 'broken') throw new Error('internal detail of a broken factory');
        return { ksc: idle, now: Date.now };
      },
      database: database.location,
      port: 0,
    });
    token = (await service.tokens.create('numbers', 'read')).token;
  });
  afterAll(async () => {
    await service?.close();
    await idle.close();
    await drop?.();
  });

  it('writes a bigint in raw as an exact JSON integer', async () => {
    const answer = await request(service.url, '/v1/commands/big_raw', { token, body: '{"echo": 7}' });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"EventId":9223372036854775807');
    expect((resultOf(answer).raw as { EventId: unknown }).EventId).toBe(huge);
  });

  it('reads an integer beyond 2^53 in the body exactly, and refuses it where a number is expected', async () => {
    const answer = await request(service.url, '/v1/commands/big_raw', {
      token,
      body: '{"echo": 9007199254740993}',
    });
    expect(answer.status).toBe(400);
    expect(resultOf(answer).errors[0]!.message).toMatch(/^The value for parameter \(echo\) is invalid/);
  });

  it('answers a context factory failure that is not a KconnectError with 500, without its text', async () => {
    const answer = await request(service.url, '/v1/commands/big_raw?connection=broken', {
      token,
      body: '{}',
    });
    expect(answer.status).toBe(500);
    expect(resultOf(answer).errors[0]!.message).toMatch(/^Internal error; the request id is /);
    expect(answer.text).not.toContain('internal detail');
  });
});
