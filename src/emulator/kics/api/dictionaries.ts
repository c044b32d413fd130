import type { Hono } from 'hono';
import type { KicsDictionaries } from '../../../kics/model.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';
import { notFound, parseId } from './errors.ts';

/**
 * The server's fixed documents: product information, license, locale, the connector's configuration, the state
 * of technologies, and the dictionaries of event types, monitoring points and protocol stacks with their single
 * items. Lists are bare JSON arrays (spec §3: the seed renders their items as bare `{` bullets).
 */
export function registerDictionaryRoutes(api: Hono<KicsEnv>, deps: RouteDependencies): void {
  const read = deps.guard('read');
  const dictionary = <K extends keyof KicsDictionaries>(path: string, name: K): void => {
    api.get(path, read, async (c) => c.json((await deps.store.dictionaries())[name]));
  };
  dictionary('/about', 'about');
  dictionary('/license', 'license');
  dictionary('/server-settings/locale', 'locale');
  dictionary('/configuration', 'configuration');
  dictionary('/technologies', 'technologies');
  dictionary('/event-types', 'eventTypes');
  dictionary('/monitoring-points', 'monitoringPoints');
  dictionary('/protocol-stacks', 'protocolStacks');

  api.get('/event-types/:id', read, async (c) => {
    const id = parseId(c.req.param('id'));
    const found = (await deps.store.dictionaries()).eventTypes.find((type) => type.eventTypeId === id);
    if (found === undefined) throw notFound('Event type', id);
    return c.json(found);
  });
  api.get('/monitoring-points/:id', read, async (c) => {
    const id = parseId(c.req.param('id'));
    const found = (await deps.store.dictionaries()).monitoringPoints.find((point) => point.mpId === id);
    if (found === undefined) throw notFound('Monitoring point', id);
    return c.json(found);
  });
  api.get('/protocol-stacks/:id', read, async (c) => {
    const id = parseId(c.req.param('id'));
    const found = (await deps.store.dictionaries()).protocolStacks.find(
      (stack) => stack.protocolStackId === id,
    );
    if (found === undefined) throw notFound('Protocol stack', id);
    return c.json(found);
  });
}
