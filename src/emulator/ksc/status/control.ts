import type { Hono } from 'hono';
import { z } from 'zod';
import type { KlParams } from '../../../ksc/values.ts';
import { readJson } from '../../core/control.ts';
import type { EmulatorEnv } from '../../core/server.ts';
import type { KscWorld } from '../world.ts';
import { activeEventsReasons } from './events-status.ts';
import { EVENTS_REASONS, EVENTS_STATUS, type ReasonParamType, type StatusReason } from './reasons.ts';
import { conditions, setCondition } from './store.ts';

/** A reason's output parameter as the control API takes it: plain JSON, typed by the reason. */
const paramValue = z.union([z.number().int(), z.string(), z.array(z.string())]);

const reasonsBody = z.strictObject({
  /** Bits of seed 000 to switch; `"all"` is every reason but 0 ("nothing to report"). */
  bits: z.union([z.literal('all'), z.array(z.number().int().positive()).min(1).max(64)]),
  /** `false` switches them off again (only what was switched on here; the world's own reasons stay). */
  on: z.boolean().default(true),
  /** Output parameters by name; a reason's parameters not given get a plausible value. */
  params: z.record(z.string(), paramValue).default({}),
  /** Virtual server by name; the main server when absent. */
  vserver: z.string().max(256).optional(),
});

/** A value for a parameter nobody gave: one item, so a client that prints the counter prints something. */
function defaultValue(type: ReasonParamType, name: string): KlParams[string] {
  if (type === 'int') return 1;
  if (type === 'string') return name.endsWith('StrId') ? '1' : `Emulated ${name}`;
  return [`Emulated ${name}`];
}

function reasonParams(reason: StatusReason, given: Readonly<Record<string, unknown>>): KlParams {
  return Object.fromEntries(
    Object.entries(reason.params).map(([name, type]) => {
      const value = given[name];
      return [name, value === undefined ? defaultValue(type, name) : (value as KlParams[string])];
    }),
  );
}

/**
 * Control routes of the general status (`KLSTS_Events`, seed 000): switch any reason on or off, so a client's
 * handling of every reason can be tested, including the server conditions nothing in the world drives
 * (patches, plug-ins, KSN agreement, OAuth2 clients…). `GET /status/reasons` lists what holds now.
 */
export function mountStatusControl(control: Hono<EmulatorEnv>, world: KscWorld): void {
  const vserverOf = (name: string | undefined): number | undefined =>
    name === undefined || name === '' ? 0 : world.vserverByName(name)?.id;

  control.get('/status/reasons', async (c) => {
    const vserverId = vserverOf(c.req.query('vserver'));
    if (vserverId === undefined) return c.json({ error: 'vserver: no such virtual server' }, 400);
    const active = await activeEventsReasons(world, vserverId);
    const set = await conditions(world, vserverId, EVENTS_STATUS);
    return c.json({
      active: active.map((a) => ({ bit: a.bit, params: a.params })),
      switchedOn: [...set.keys()].sort((a, b) => a - b),
    });
  });

  control.post('/status/reasons', async (c) => {
    const body = await readJson(c.req.raw, reasonsBody);
    if (!body.ok) return c.json({ error: body.error }, 400);
    const { bits, on, params, vserver } = body.value;
    const vserverId = vserverOf(vserver);
    if (vserverId === undefined) return c.json({ error: 'vserver: no such virtual server' }, 400);
    const reasons =
      bits === 'all'
        ? EVENTS_REASONS.filter((r) => r.bit !== 0)
        : bits.map((bit) => EVENTS_REASONS.find((r) => r.bit === bit));
    const unknown = bits === 'all' ? [] : bits.filter((_, i) => reasons[i] === undefined);
    if (unknown.length > 0)
      return c.json({ error: `bits: not a reason of seed 000: ${unknown.join(', ')}` }, 400);
    for (const reason of reasons as StatusReason[]) {
      await setCondition(
        world,
        vserverId,
        EVENTS_STATUS,
        reason.bit,
        on ? reasonParams(reason, params) : null,
      );
    }
    const active = await activeEventsReasons(world, vserverId);
    return c.json({ mask: active.reduce((mask, a) => mask | a.bit, 0) });
  });
}
