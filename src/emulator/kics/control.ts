import type { Socket } from 'node:net';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorClock } from '../core/clock.ts';
import { createControlApi, readJson } from '../core/control.ts';
import type { FaultInjector } from '../core/fault-injection.ts';
import type { EmulatorEnv } from '../core/server.ts';
import type { KicsAuth } from './auth/kics-auth.ts';
import type { KicsStore } from './store/kics-store.ts';

export interface KicsControlDependencies {
  readonly store: KicsStore;
  readonly auth: KicsAuth;
  readonly clock: EmulatorClock;
  readonly faults: FaultInjector;
  readonly token: string;
  readonly clockChanged?: () => Promise<void>;
  /** Adds `count` new events as live mode would; returns the ids stored. */
  readonly addEvents: (count: number) => Promise<number[]>;
  /** Adds `count` unauthorized devices as live mode would; returns their ids. */
  readonly addDevices: (count: number) => Promise<number[]>;
  readonly rotateCertificate: (keep?: Socket) => Promise<void>;
}

const countBody = z.strictObject({ count: z.number().int().min(1).max(100_000).default(1) });
const tokenBody = z.strictObject({ connector: z.string().min(1).max(256).default('kconnect') });
const userBody = z.strictObject({ blocked: z.boolean().default(true) });

/**
 * The KICS emulator's control API: the core skeleton (token, clock, faults, certificate rotation) plus what belongs
 * to KICS — add events and devices, mint a token without mutual TLS (plain-HTTP mode), expire every access token, block or delete the user
 * behind a connector, end every token, reset the world. Mount it under `CONTROL_PREFIX`.
 */
export function createKicsControlApi(deps: KicsControlDependencies): Hono<EmulatorEnv> {
  const { store, auth } = deps;
  const control = createControlApi({
    token: deps.token,
    clock: deps.clock,
    faults: deps.faults,
    rotateCertificate: deps.rotateCertificate,
    ...(deps.clockChanged === undefined ? {} : { clockChanged: deps.clockChanged }),
  });

  control.get('/world', async (c) =>
    c.json({
      devices: await store.devices.count(),
      events: await store.events.count(),
      connectors: (await auth.connectors.list()).map((connector) => ({
        id: connector.id,
        name: connector.name,
        user: connector.user,
        state: connector.state,
      })),
      users: await auth.users.list(),
    }),
  );

  control.post('/events', async (c) => {
    const body = await readJson(c.req.raw, countBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const ids = await deps.addEvents(body.value.count);
    return c.json({ added: ids.length, ids });
  });

  control.post('/devices', async (c) => {
    const body = await readJson(c.req.raw, countBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const ids = await deps.addDevices(body.value.count);
    return c.json({ added: ids.length, ids });
  });

  control.post('/tokens', async (c) => {
    const body = await readJson(c.req.raw, tokenBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const connector = await auth.connectors.findActiveByName(body.value.connector);
    if (connector === undefined)
      return c.json({ error: `connector: no active connector ${body.value.connector}` }, 404);
    return c.json(await auth.tokens.mintForConnector(connector.id));
  });

  // The token-expiry fault: every access token issued so far fails as expired; refresh tokens still work.
  control.post('/tokens/expire', (c) => c.json({ expired: auth.tokens.expireAccessTokens() }));

  control.post('/users/:name', async (c) => {
    const body = await readJson(c.req.raw, userBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const name = c.req.param('name');
    if ((await auth.users.get(name)) === undefined) return c.json({ error: `name: no user ${name}` }, 404);
    if (body.value.blocked) await auth.users.block(name);
    else await auth.users.unblock(name);
    return c.json({ user: await auth.users.get(name) });
  });

  control.delete('/users/:name', async (c) => {
    const name = c.req.param('name');
    if ((await auth.users.get(name)) === undefined) return c.json({ error: `name: no user ${name}` }, 404);
    await auth.users.delete(name);
    return c.json({ deleted: name });
  });

  control.post('/reset', async (c) => {
    deps.faults.clear();
    await store.reset();
    return c.json({ devices: await store.devices.count(), events: await store.events.count() });
  });

  return control;
}
