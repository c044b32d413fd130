import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { COMMANDS } from '../../../src/commands/index.ts';
import { pascalCase } from '../../../src/adapters/http/openapi.ts';
import { startServiceHarness, type ServiceHarness } from './support.ts';

const CONSOLE_FOLDER = path.resolve('src/adapters/http/console');
const HTML_SINKS =
  /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/;

/** Every script of the console, by its path under `/console/`. */
const consoleModules = (): string[] =>
  readdirSync(CONSOLE_FOLDER, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();

/**
 * A GET with the path sent exactly as written: `fetch` would resolve `..` and `%2e%2e` segments before sending,
 * and the point is to see what the server does with them.
 */
function rawGet(base: string, rawPath: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: rawPath, method: 'GET' },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

interface CatalogueEntry {
  name: string;
  title: string;
  description: string;
  vendor: string;
  path: string;
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
  scope: string;
  example: unknown;
  input: { type: string; properties: Record<string, Record<string, unknown>>; required?: string[] };
}

interface EventRow {
  event_id: number;
  rise_time: string;
  severityName: string;
  GNRL_EA_SEVERITY: number;
}

/** The routes the web console reads besides the commands, over real HTTP. */
describe('console routes', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startServiceHarness({
      service: { connections: ['default', 'branch', 'nowhere'], readiness: { timeoutMs: 2000 } },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('serves the console page, its script and style with a strict content security policy', async () => {
    const page = await h.get('/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('<script type="module" src="/console/console.js">');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const script = await h.get('/console/console.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    // Texts from answers go in as text: the script never assigns HTML.
    expect(script.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect((await h.get('/console/console.css')).status).toBe(200);
    const root = await fetch(new URL('/', h.service.url), { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console');
  });

  it('serves every module of the console as JavaScript under the same policy, none with an HTML sink', async () => {
    const modules = consoleModules();
    expect(modules).toEqual(
      expect.arrayContaining(['console.js', 'lib/api.js', 'lib/dom.js', 'pages/run.js']),
    );
    for (const module of modules) {
      const answer = await h.get(`/console/${module}`);
      expect(answer.status, module).toBe(200);
      expect(answer.headers.get('content-type'), module).toBe('text/javascript; charset=utf-8');
      expect(answer.headers.get('content-security-policy'), module).toContain("script-src 'self'");
      expect(answer.headers.get('x-content-type-options'), module).toBe('nosniff');
      expect(answer.text, module).not.toMatch(HTML_SINKS);
      expect(answer.text.startsWith('// @ts-check'), `${module} is type-checked`).toBe(true);
      // Every module it imports is served too: the browser loads the whole graph or none of the page.
      for (const [, specifier] of answer.text.matchAll(/^import [^;]*? from '([^']+)';$/gms)) {
        const target = new URL(specifier!, `http://x/console/${module}`).pathname;
        expect((await h.get(target)).status, `${module} imports ${specifier}`).toBe(200);
      }
    }
  });

  it('serves only the files of the console folder: no path leads out of it', async () => {
    const url = h.service.url;
    for (const attempt of [
      '/console/../app.ts',
      '/console/%2e%2e/app.ts',
      '/console/%2E%2E/console-routes.ts',
      '/console/..%2fapp.ts',
      '/console/%2e%2e%2f%2e%2e%2fapp.ts',
      '/console/lib/../../app.ts',
      '/console/lib/%2e%2e/%2e%2e/console-routes.ts',
      '/console//etc/passwd',
      '/console/tsconfig.json',
      '/console/index.html',
      '/console/no-such-module.js',
      '/console/lib/',
    ]) {
      expect(await rawGet(url, attempt), attempt).toBe(404);
    }
    expect(await rawGet(url, '/console/lib/api.js')).toBe(200);
  });

  it('serves the command catalogue the console builds on: every command of the registry with its input schema', async () => {
    const answer = await h.get('/v1/commands', h.tokens.read);
    expect(answer.status).toBe(200);
    const { commands } = JSON.parse(answer.text) as { commands: CatalogueEntry[] };
    expect(commands.map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    const doc = JSON.parse((await h.get('/openapi.json')).text) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    for (const [i, command] of COMMANDS.entries()) {
      const entry = commands[i]!;
      expect(entry).toMatchObject({
        name: command.name,
        title: command.title,
        description: command.description,
        vendor: command.vendor,
        path: `/v1/commands/${command.name}`,
        readOnly: command.readOnly,
        destructive: command.destructive,
        idempotent: command.idempotent,
        scope: command.readOnly ? 'read' : 'respond',
      });
      expect(entry.example).toEqual(JSON.parse(JSON.stringify(command.example)));
      // The schema is the command's own: its example is valid input, and it names the fields the zod schema
      // and the OpenAPI document name, with the same required ones.
      expect(entry.input.type, command.name).toBe('object');
      expect(command.input.safeParse(entry.example).success, `${command.name} example`).toBe(true);
      const documented = doc.components.schemas[`${pascalCase(command.name)}Input`]!;
      expect(Object.keys(entry.input.properties), command.name).toEqual(
        Object.keys(documented.properties ?? {}),
      );
      expect(entry.input.required ?? [], command.name).toEqual(documented.required ?? []);
      expect(JSON.stringify(entry.input), command.name).not.toContain('#/components/');
    }
    const byName = new Map(commands.map((c) => [c.name, c]));
    expect(byName.get('list_hosts')!.input.properties['limit']).toMatchObject({
      type: 'integer',
      minimum: 1,
      default: 1000,
    });
    const scanHosts = COMMANDS.find((c) => c.name === 'scan_hosts')!;
    const scanType = (scanHosts.input as z.ZodObject<{ scanType: z.ZodEnum }>).shape.scanType.options;
    expect(byName.get('scan_hosts')!.input.properties['scanType']!['enum']).toEqual(scanType);
    expect(byName.get('isolate_hosts')!.input.required).toEqual(['hostIds']);

    const catalog = doc.components.schemas['CommandCatalog'] as unknown as {
      properties: { commands: { items: { properties: Record<string, unknown>; required: string[] } } };
    };
    expect(Object.keys(catalog.properties.commands.items.properties)).toEqual(
      expect.arrayContaining(['vendor', 'input', 'hints']),
    );
    expect(catalog.properties.commands.items.required).toEqual(expect.arrayContaining(['vendor', 'input']));
  });

  it('tells a caller who it is, and refuses one without a valid token', async () => {
    const me = await h.get('/v1/me', h.tokens.respond);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ name: 'soar-responder', scopes: ['read', 'respond'] });
    const refused = await h.get('/v1/me');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('lists the connections with their health, naming the one that does not answer', async () => {
    const answer = await h.get('/v1/connections', h.tokens.read);
    expect(answer.status).toBe(200);
    const { connections } = answer.json as unknown as {
      connections: Array<{ name: string; default: boolean; ok: boolean; error: string | null }>;
    };
    expect(connections.map((c) => [c.name, c.default, c.ok])).toEqual([
      ['default', true, true],
      ['branch', false, true],
      ['nowhere', false, false],
    ]);
    expect(connections[2]!.error).toContain('nowhere');
    expect((await h.get('/v1/connections', h.tokens.admin)).status).toBe(403);
  });

  it('answers the newest events first, since a time, and only those', async () => {
    const first = await h.get('/v1/events?limit=20', h.tokens.read);
    expect(first.status).toBe(200);
    const events = (first.json as unknown as { events: EventRow[] }).events;
    expect(events).toHaveLength(20);
    const times = events.map((e) => Date.parse(e.rise_time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(events[0]!.severityName).toMatch(/^(Info|Warning|Error|Critical|Information)/);

    const newest = events[0]!.rise_time;
    const { added } = (await h.emu.control('POST', '/__emulator/events', { count: 5 })).body as {
      added: number;
    };
    expect(added).toBeGreaterThan(0);
    const later = await h.get(`/v1/events?since=${encodeURIComponent(newest)}`, h.tokens.read);
    expect(later.status).toBe(200);
    const fresh = (later.json as unknown as { events: EventRow[] }).events;
    // Some of the new events belong to hosts of the virtual server, which this connection does not see.
    expect(fresh.filter((e) => e.event_id > events[0]!.event_id).length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThanOrEqual(added + events.filter((e) => e.rise_time === newest).length);
    for (const e of fresh) expect(Date.parse(e.rise_time)).toBeGreaterThanOrEqual(Date.parse(newest));
  });

  it('names the bad parameter, and keeps to the scopes and connections', async () => {
    const bad = await h.get('/v1/events?limit=0', h.tokens.read);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(bad.text).toContain('limit');
    const since = await h.get('/v1/events?since=yesterday', h.tokens.read);
    expect(since.status).toBe(400);
    expect(since.text).toContain('since');
    const unknown = await h.get('/v1/events?connection=elsewhere', h.tokens.read);
    expect(unknown.status).toBe(404);
    expect((await h.get('/v1/events', h.tokens.admin)).status).toBe(403);
    expect((await h.get('/v1/events')).status).toBe(401);
  });
});
