import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHarness, type ServiceHarness } from './support.ts';

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
