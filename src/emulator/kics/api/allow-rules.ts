import type { Context, Hono } from 'hono';
import { ALLOW_RULES } from '../query/index.ts';
import { zonelessTime } from '../times.ts';
import { auditChange } from './audit.ts';
import { readJsonObject } from './body.ts';
import { registerReadRoutes } from './documents.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';
import { incorrectParameters, notFound, parseId } from './errors.ts';

/**
 * Allowing rules: read one, query several, switch one on or off (the only editable field, `isActive`), remove
 * one. The edit verb is not known (spec §3): PATCH and PUT both work.
 */
export function registerAllowRuleRoutes(api: Hono<KicsEnv>, deps: RouteDependencies): void {
  const { store } = deps;
  registerReadRoutes(api, deps, {
    path: '/allow-rules',
    what: 'Allowing rule',
    table: store.allowRules,
    resource: ALLOW_RULES,
    single: true,
  });

  const edit = async (c: Context<KicsEnv>): Promise<Response> => {
    const id = parseId(c.req.param('id') ?? '');
    const body = await readJsonObject(c);
    // Seed 002 lists the field as `IsActive`; ASP.NET binds names without regard to case.
    const key = Object.keys(body).find((name) => name.toLowerCase() === 'isactive');
    const isActive = key === undefined ? undefined : body[key];
    if (typeof isActive !== 'boolean') throw incorrectParameters('isActive', isActive ?? '(missing)');
    const changed = await store.exclusively(async () => {
      const rule = await store.allowRules.get(id);
      if (rule === undefined) return undefined;
      const next = { ...rule, isActive, timestampModified: zonelessTime(deps.clock.now()) };
      await store.allowRules.update(id, next);
      return next;
    });
    if (changed === undefined) throw notFound('Allowing rule', id);
    await auditChange(
      c,
      store,
      'Edit allowing rule',
      `Allowing rule ${id} ${isActive ? 'enabled' : 'disabled'}`,
    );
    return c.body(null, 200);
  };
  api.patch('/allow-rules/:id', deps.guard('write'), edit);
  api.put('/allow-rules/:id', deps.guard('write'), edit);

  api.delete('/allow-rules/:id', deps.guard('write'), async (c) => {
    const id = parseId(c.req.param('id'));
    if (!(await store.exclusively(() => store.allowRules.delete(id)))) throw notFound('Allowing rule', id);
    await auditChange(c, store, 'Remove allowing rule', `Allowing rule ${id} removed`);
    return c.body(null, 200);
  });
}
