import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Hono } from 'hono';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import type { EmulatorClock } from './clock.ts';
import type { KscServerState } from './server.ts';
import type { KscWorld } from './world.ts';

export interface ControlDependencies {
  readonly world: KscWorld;
  readonly clock: EmulatorClock;
  readonly state: KscServerState;
  readonly token: string;
  /** Adds `count` new events as live mode would; returns the number stored. */
  readonly addEvents: (count: number, hostId?: string) => Promise<number>;
  /**
   * Switches to the reserve TLS certificate and drops open connections but `keep` (the caller's own, which
   * closes after its answer); throws on plain HTTP.
   */
  readonly rotateCertificate: (keep?: Socket) => Promise<void>;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') === true ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

const advanceBody = z.object({
  ms: z.number().nonnegative().optional(),
  seconds: z.number().nonnegative().optional(),
});
const freezeBody = z.object({ frozen: z.boolean().default(true) });
const faultsBody = z.object({
  latencyMs: z.number().nonnegative().optional(),
  resetRate: z.number().min(0).max(1).optional(),
  resetPhase: z.enum(['before', 'after']).optional(),
  seed: z.number().int().optional(),
});
const eventsBody = z.object({
  count: z.number().int().min(1).max(100_000).default(1),
  hostId: z.string().optional(),
});

async function readJson<T>(
  request: Request,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let raw: unknown = {};
  const text = await request.text();
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, error: 'body: not JSON' };
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
}

/**
 * The control API under `/__emulator/` (DESIGN: off unless enabled, token-protected): move the clock, inject
 * faults, add events, reset the world. Tests and demos drive the emulator through it; KSC clients never see it.
 */
export function mountControlApi(app: Hono<never>, deps: ControlDependencies): void {
  app.use('/__emulator/*', async (c, next) => {
    if (!tokenMatches(c.req.header('Authorization'), deps.token)) {
      return c.json({ error: 'control API: missing or wrong bearer token' }, 401);
    }
    await next();
    return undefined;
  });

  app.get('/__emulator/state', (c) =>
    c.json({
      now: new Date(deps.clock.now()).toISOString(),
      hosts: deps.world.hosts.size,
      groups: deps.world.groups.size,
      events: deps.world.eventCount,
      sessions: deps.state.sessions.size,
      iterators: deps.state.iterators.size,
      faults: deps.state.faults.current(),
      counters: deps.state.faults.counters,
      agents: { failures: deps.state.agents.failures, lastFailure: deps.state.agents.lastFailure ?? null },
    }),
  );

  app.post('/__emulator/clock/advance', async (c) => {
    const body = await readJson(c.req.raw, advanceBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const ms = (body.value.ms ?? 0) + (body.value.seconds ?? 0) * 1000;
    const now = deps.clock.advance(ms);
    // Agents that synced in the skipped time have done their work by the time the call returns.
    const work = await deps.state.agents.runDue();
    return c.json({ now: new Date(now).toISOString(), work });
  });

  app.post('/__emulator/clock/freeze', async (c) => {
    const body = await readJson(c.req.raw, freezeBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    if (body.value.frozen) deps.clock.freeze();
    else deps.clock.resume();
    return c.json({ now: new Date(deps.clock.now()).toISOString(), frozen: deps.clock.frozen });
  });

  app.get('/__emulator/agents/work', async (c) => {
    const host = c.req.query('hostId');
    const pending = await deps.state.agents.pending(host);
    return c.json({
      pending: pending.map((w) => ({ ...w, dueAt: new Date(w.dueAt).toISOString() })),
    });
  });

  app.post('/__emulator/faults', async (c) => {
    const body = await readJson(c.req.raw, faultsBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    deps.state.faults.configure(body.value);
    return c.json({ faults: deps.state.faults.current() });
  });

  app.delete('/__emulator/faults', (c) => {
    deps.state.faults.clear();
    return c.json({ faults: {} });
  });

  app.post('/__emulator/sessions/expire', (c) => c.json({ ended: deps.state.sessions.endAll() }));

  app.post('/__emulator/tls/rotate', async (c) => {
    const socket = (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;
    try {
      await deps.rotateCertificate(socket);
    } catch (error) {
      if (error instanceof KconnectError) return c.json({ error: error.message }, 409);
      throw error;
    }
    return c.json({ rotated: true }, 200, { Connection: 'close' });
  });

  app.post('/__emulator/iterators/expire', (c) => c.json({ destroyed: deps.state.iterators.expireAll() }));

  app.post('/__emulator/events', async (c) => {
    const body = await readJson(c.req.raw, eventsBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    if (body.value.hostId !== undefined && !deps.world.hosts.has(body.value.hostId)) {
      return c.json({ error: `hostId: no host ${body.value.hostId}` }, 400);
    }
    const added = await deps.addEvents(body.value.count, body.value.hostId);
    return c.json({ added, events: deps.world.eventCount });
  });

  app.post('/__emulator/reset', async (c) => {
    deps.state.sessions.endAll();
    deps.state.iterators.expireAll();
    deps.state.faults.clear();
    await deps.world.reset();
    return c.json({ hosts: deps.world.hosts.size, events: deps.world.eventCount });
  });
}
