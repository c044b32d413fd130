import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { Hono } from 'hono';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import { MAX_ADVANCE_MS, type EmulatorClock } from './clock.ts';
import { limitBody } from './body-limit.ts';
import type { FaultInjector } from './fault-injection.ts';
import type { EmulatorEnv } from './server.ts';

/** Where an emulator mounts its control API. */
export const CONTROL_PREFIX = '/__emulator';

export interface ControlApiOptions {
  /** The bearer token every control call must carry. */
  readonly token: string;
  readonly clock: EmulatorClock;
  readonly faults: FaultInjector;
  /**
   * Runs after the clock was advanced, before the call answers (work that fell due in the skipped time); its
   * result's members join the answer beside `now`.
   */
  readonly afterAdvance?: () => Promise<Readonly<Record<string, unknown>>>;
  /** Runs after every change of the clock through this API (an emulator persists the clock's offset). */
  readonly clockChanged?: () => Promise<void>;
  /** The emulator's own members of `GET /state`, between `now` and the fault settings. */
  readonly state?: () => Readonly<Record<string, unknown>>;
  /** Switches to the reserve TLS certificate, dropping connections but `keep`; throws a KconnectError on plain HTTP. */
  readonly rotateCertificate: (keep?: Socket) => Promise<void>;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') === true ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

const MAX_ADVANCE_SECONDS = MAX_ADVANCE_MS / 1000;
/** The longest latency fault: a minute is slow enough to test any timeout, short enough not to wedge a test run. */
const MAX_LATENCY_MS = 60_000;
/** Control bodies are a few fields; anything larger is a mistake or an attack. */
export const CONTROL_MAX_BODY_BYTES = 64 * 1024;

// Strict objects: a misspelt field (`second`) is an error naming it, not a silent no-op.
const advanceBody = z
  .strictObject({
    ms: z.number().min(0).max(MAX_ADVANCE_MS).optional(),
    seconds: z.number().min(0).max(MAX_ADVANCE_SECONDS).optional(),
  })
  .refine((body) => (body.ms ?? 0) + (body.seconds ?? 0) * 1000 <= MAX_ADVANCE_MS, {
    message: 'ms and seconds together: at most ten years',
    path: ['seconds'],
  });
const freezeBody = z.strictObject({ frozen: z.boolean().default(true) });
const faultsBody = z.strictObject({
  latencyMs: z.number().min(0).max(MAX_LATENCY_MS).optional(),
  responseTimeMs: z.number().min(0).max(MAX_LATENCY_MS).optional(),
  resetRate: z.number().min(0).max(1).optional(),
  resetPhase: z.enum(['before', 'after']).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  errorStatus: z.number().int().min(500).max(599).optional(),
  slowBodyBytesPerSecond: z.number().min(0).max(1_000_000_000).optional(),
  seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** A control call's JSON body checked against `schema`; an empty body is `{}`. */
export async function readJson<T>(
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
 * The skeleton of an emulator's control API (DESIGN: off unless enabled, token-protected): the token check, the
 * state, the clock, fault injection and certificate rotation. An emulator adds its own routes (reset its world,
 * add events, expire sessions) to the returned app, then mounts it under {@link CONTROL_PREFIX}. Clients of the
 * emulated API never see it.
 */
export function createControlApi(options: ControlApiOptions): Hono<EmulatorEnv> {
  const control = new Hono<EmulatorEnv>();
  control.use('*', async (c, next) => {
    if (!tokenMatches(c.req.header('Authorization'), options.token)) {
      return c.json({ error: 'control API: missing or wrong bearer token' }, 401);
    }
    await next();
    return undefined;
  });
  control.use(
    '*',
    limitBody(CONTROL_MAX_BODY_BYTES, (c, message) => c.json({ error: message }, 413)),
  );

  control.get('/state', (c) =>
    c.json({
      now: new Date(options.clock.now()).toISOString(),
      ...options.state?.(),
      faults: options.faults.current(),
      counters: options.faults.counters,
    }),
  );

  control.post('/clock/advance', async (c) => {
    const body = await readJson(c.req.raw, advanceBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const ms = (body.value.ms ?? 0) + (body.value.seconds ?? 0) * 1000;
    let now: number;
    try {
      now = options.clock.advance(ms);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const field = body.value.seconds !== undefined ? 'seconds' : 'ms';
      return c.json({ error: `${field}: ${error.message}` }, 400);
    }
    await options.clockChanged?.();
    const after = await options.afterAdvance?.();
    return c.json({ now: new Date(now).toISOString(), ...after });
  });

  control.post('/clock/freeze', async (c) => {
    const body = await readJson(c.req.raw, freezeBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    if (body.value.frozen) options.clock.freeze();
    else options.clock.resume();
    await options.clockChanged?.();
    return c.json({ now: new Date(options.clock.now()).toISOString(), frozen: options.clock.frozen });
  });

  control.post('/faults', async (c) => {
    const body = await readJson(c.req.raw, faultsBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    options.faults.configure(body.value);
    return c.json({ faults: options.faults.current() });
  });

  control.delete('/faults', (c) => {
    options.faults.clear();
    return c.json({ faults: {} });
  });

  control.post('/tls/rotate', async (c) => {
    const socket = c.env?.incoming?.socket;
    try {
      await options.rotateCertificate(socket);
    } catch (error) {
      if (error instanceof KconnectError) return c.json({ error: error.message }, 409);
      throw error;
    }
    return c.json({ rotated: true }, 200, { Connection: 'close' });
  });

  return control;
}
