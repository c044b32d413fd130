import type { Socket } from 'node:net';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorClock } from '../core/clock.ts';
import { createControlApi, readJson } from '../core/control.ts';
import type { EmulatorEnv } from '../core/server.ts';
import { mountDirectoryControl } from './directory/control.ts';
import type { DirectoryPublisher } from './directory/publisher.ts';
import { mountStatusControl } from './status/control.ts';
import { mountMailControl } from './mail/outbox.ts';
import { mountOutbreakControl } from './inventory/outbreak-control.ts';
import { isEmulatedMethodName } from './catalogue.ts';
import { MALFORMED_KINDS } from './malformed-answers.ts';
import type { KscServerState } from './server.ts';
import type { KscWorld } from './world.ts';

export interface ControlDependencies {
  readonly world: KscWorld;
  readonly clock: EmulatorClock;
  readonly state: KscServerState;
  readonly token: string;
  /** Saves the clock's offset after the control API moved or froze it. */
  readonly clockChanged?: () => Promise<void>;
  /**
   * Adds `count` new events as live mode would, risen at `riseTime` (ms) when given (an event KSC indexes late:
   * a new `event_db_id` with an earlier rise time, R14); returns the number stored.
   */
  readonly addEvents: (count: number, hostId?: string, riseTime?: number) => Promise<number>;
  /**
   * Switches to the reserve TLS certificate and drops open connections but `keep` (the caller's own, which
   * closes after its answer); throws on plain HTTP.
   */
  readonly rotateCertificate: (keep?: Socket) => Promise<void>;
  /** The directory publisher, when `--directory-publish` is on: its routes join the API. */
  readonly directory?: DirectoryPublisher;
}

const eventsBody = z.strictObject({
  count: z.number().int().min(1).max(100_000).default(1),
  hostId: z.string().max(256).optional(),
  /** Seconds before the emulator's now at which the events rose: an event indexed late (R14). */
  riseSecondsAgo: z
    .number()
    .min(0)
    .max(86_400 * 365)
    .optional(),
});

const malformedBody = z.strictObject({
  /** `Class.Method` as the API path names it. */
  method: z.string().refine(isEmulatedMethodName, 'not a method of the catalogue'),
  kind: z.enum(MALFORMED_KINDS),
  count: z.number().int().min(1).max(10_000).default(1),
  /** Length of a `huge-string` answer's string; at most 64 MiB so the emulator itself stays up. */
  hugeLength: z
    .number()
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .optional(),
});

/**
 * The KSC emulator's control API: the core skeleton (token, clock, faults, certificates) plus what belongs to
 * KSC — expire sessions and iterators, see the agents' pending work, add events, reset the world. Mount it under
 * `CONTROL_PREFIX`.
 */
export function createKscControlApi(deps: ControlDependencies): Hono<EmulatorEnv> {
  const { world, state } = deps;
  const control = createControlApi({
    token: deps.token,
    clock: deps.clock,
    faults: state.faults,
    rotateCertificate: deps.rotateCertificate,
    ...(deps.clockChanged === undefined ? {} : { clockChanged: deps.clockChanged }),
    // Agents that synced in the skipped time have done their work by the time the call returns.
    // So do the directory's live changes: they are made before the call answers.
    afterAdvance: async () => ({
      work: await state.agents.runDue(),
      ...(deps.directory === undefined ? {} : { directoryChanges: deps.directory.tick() }),
    }),
    state: () => ({
      hosts: world.hosts.size,
      groups: world.groups.size,
      events: world.eventCount,
      sessions: state.sessions.size,
      iterators: state.iterators.size,
      malformed: { armed: state.malformed.current(), sent: state.malformed.sent },
      agents: { failures: state.agents.failures, lastFailure: state.agents.lastFailure ?? null },
    }),
  });

  if (deps.directory !== undefined) mountDirectoryControl(control, deps.directory);
  mountStatusControl(control, world);
  mountMailControl(control, world);
  mountOutbreakControl(control, world);

  control.get('/agents/work', async (c) => {
    const host = c.req.query('hostId');
    const pending = await state.agents.pending(host);
    return c.json({
      pending: pending.map((w) => ({ ...w, dueAt: new Date(w.dueAt).toISOString() })),
    });
  });

  control.post('/sessions/expire', (c) => c.json({ ended: state.sessions.endAll() }));

  control.post('/iterators/expire', (c) => c.json({ destroyed: state.iterators.expireAll() }));

  // R22: the next answers of one method arrive broken (docs/decisions/0068).
  control.post('/faults/malformed', async (c) => {
    const body = await readJson(c.req.raw, malformedBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    state.malformed.arm(body.value);
    return c.json({ armed: state.malformed.current() });
  });

  control.delete('/faults/malformed', (c) => {
    state.malformed.clear();
    return c.json({ armed: [] });
  });

  control.post('/events', async (c) => {
    const body = await readJson(c.req.raw, eventsBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    if (body.value.hostId !== undefined && !world.hosts.has(body.value.hostId)) {
      return c.json({ error: `hostId: no host ${body.value.hostId}` }, 400);
    }
    const { count, hostId, riseSecondsAgo } = body.value;
    const riseTime = riseSecondsAgo === undefined ? undefined : deps.clock.now() - riseSecondsAgo * 1000;
    const added = await deps.addEvents(count, hostId, riseTime);
    return c.json({ added, events: world.eventCount });
  });

  control.post('/reset', async (c) => {
    state.sessions.endAll();
    state.iterators.expireAll();
    state.faults.clear();
    state.malformed.clear();
    await world.reset();
    return c.json({ hosts: world.hosts.size, events: world.eventCount });
  });

  return control;
}
