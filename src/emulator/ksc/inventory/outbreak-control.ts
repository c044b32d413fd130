import type { Hono } from 'hono';
import { z } from 'zod';
import { readJson } from '../../core/control.ts';
import type { EmulatorEnv } from '../../core/server.ts';
import type { KscWorld } from '../world.ts';
import {
  declareOutbreak,
  endOutbreak,
  OUTBREAK_TYPES,
  outbreaksInProgress,
  type OutbreakType,
} from './outbreaks.ts';

const outbreakType = z.enum(Object.keys(OUTBREAK_TYPES) as [OutbreakType, ...OutbreakType[]]);

const declareBody = z.strictObject({
  type: outbreakType,
  /** Virtual server by name; the main server when absent. */
  vserver: z.string().max(256).optional(),
});

const endBody = declareBody.extend({
  /** Put back the policies the outbreaks switched once none is left; KSC itself leaves that to the administrator. */
  revert: z.boolean().default(false),
});

/**
 * Control routes of outbreaks (docs/decisions/0076): nothing in the emulator counts detections against the
 * outbreak thresholds, so a test declares an outbreak here and ends it, and sees the outbreak policies
 * (`Policy.SetOutbreakPolicies`) take over their groups through `Policy.GetPolicyData` / `GetPoliciesForGroup`.
 */
export function mountOutbreakControl(control: Hono<EmulatorEnv>, world: KscWorld): void {
  const vserverOf = (name: string | undefined): number | undefined =>
    name === undefined || name === '' ? 0 : world.vserverByName(name)?.id;
  const noServer = { error: 'vserver: no such virtual server' };

  control.get('/outbreaks', async (c) => {
    const vserverId = vserverOf(c.req.query('vserver'));
    if (vserverId === undefined) return c.json(noServer, 400);
    return c.json({ inProgress: await outbreaksInProgress(world, vserverId) });
  });

  control.post('/outbreaks', async (c) => {
    const body = await readJson(c.req.raw, declareBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const vserverId = vserverOf(body.value.vserver);
    if (vserverId === undefined) return c.json(noServer, 400);
    const change = await declareOutbreak(world, vserverId, body.value.type);
    return c.json({ ...change, inProgress: await outbreaksInProgress(world, vserverId) });
  });

  control.post('/outbreaks/end', async (c) => {
    const body = await readJson(c.req.raw, endBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const vserverId = vserverOf(body.value.vserver);
    if (vserverId === undefined) return c.json(noServer, 400);
    const ended = await endOutbreak(world, vserverId, body.value.type, body.value.revert);
    if (ended === undefined)
      return c.json({ error: `type: no ${body.value.type} outbreak in progress` }, 409);
    return c.json({ ...ended, inProgress: await outbreaksInProgress(world, vserverId) });
  });
}
