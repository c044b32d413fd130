import type { Hono } from 'hono';
import {
  captureFileName,
  PCAP_CONTENT_TYPE,
  writeCapture,
  ZIP_CONTENT_TYPE,
  zipCaptures,
} from '../traffic/index.ts';
import { EVENTS, MAX_LIMIT } from '../query/index.ts';
import type { KicsEvent } from '../../../kics/model.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';
import { KicsApiError, notFound, parseId } from './errors.ts';
import { readQuery, scanPlanOf } from './paging.ts';

/**
 * Event traffic: one event's capture as a PCAP, several events' (filtered and paged like `events/query`) as a
 * ZIP of one PCAP each. Captures are written on request from each event's recipe; an event without stored
 * traffic is a 404 alone and absent from a ZIP (decision 0029).
 */
export function registerTrafficRoutes(api: Hono<KicsEnv>, deps: RouteDependencies): void {
  const { store } = deps;
  const read = deps.guard('read');

  api.post('/events/traffic/query', read, async (c) => {
    const query = await readQuery(c, EVENTS);
    // Without a limit a query means "all data"; a ZIP of a million captures is built in memory, so the emulator
    // caps it at the largest page a limit may ask for (decision 0029).
    const plan = scanPlanOf(query, EVENTS);
    const texts = await store.events.page({ ...plan, limit: plan.limit ?? MAX_LIMIT });
    const ids = texts.map((text) => (JSON.parse(text) as KicsEvent).id);
    const recipes = await store.trafficOfMany(ids);
    const files = ids.flatMap((id) => {
      const recipe = recipes.get(id);
      return recipe === undefined ? [] : [{ name: captureFileName(id), data: writeCapture(recipe) }];
    });
    return c.body(new Uint8Array(zipCaptures(files)), 200, {
      'Content-Type': ZIP_CONTENT_TYPE,
      'Content-Disposition': 'attachment; filename="events_traffic.zip"',
    });
  });

  api.get('/events/:id/traffic', read, async (c) => {
    const id = parseId(c.req.param('id'));
    const recipe = await store.trafficOf(id);
    if (recipe === undefined) throw notFound('Event', id);
    if (recipe === null)
      throw new KicsApiError(404, { errorMessage: `No traffic is stored for event ${id}` });
    return c.body(new Uint8Array(writeCapture(recipe)), 200, {
      'Content-Type': PCAP_CONTENT_TYPE,
      'Content-Disposition': `attachment; filename="${captureFileName(id)}"`,
    });
  });
}
