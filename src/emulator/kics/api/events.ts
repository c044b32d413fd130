import type { Context, Hono } from 'hono';
import type { KicsEvent } from '../../../kics/model.ts';
import { EVENTS } from '../query/index.ts';
import { utcTime } from '../times.ts';
import { auditChange } from './audit.ts';
import { readJsonObject } from './body.ts';
import { registerReadRoutes } from './documents.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';
import { notFound, parseId } from './errors.ts';
import { checkEventEdit, checkEventRegistration, type EventRegistration } from './event-input.ts';

function registeredEvent(
  id: number,
  input: EventRegistration,
  eventType: number,
  monitoringPoint: string,
  now: number,
): KicsEvent {
  const start = input.startTime ?? now;
  return {
    id,
    eventType,
    title: input.title,
    severity: input.severity,
    startTime: utcTime(start),
    lastSeenTime: utcTime(input.lastSeenTime ?? start),
    endTime: input.endTime === undefined ? null : utcTime(input.endTime),
    protocol: '',
    communications: [],
    technology: 'External',
    totalAppearances: input.totalAppearances ?? 1,
    status: 'Proposed',
    description: input.description ?? '',
    triggeredRule: input.triggeredRuleName ?? '',
    triggeredRuleId: 0,
    monitoringPoint,
    monitoringPointId: input.monitoringPointId ?? 0,
    monitoringPointDeletedTime: null,
    mark: input.mark ?? 0,
    origin: input.origin,
    childrenCount: 0,
    assets: [],
    params: input.params,
    vulnerabilities: [],
  };
}

/**
 * Events: query, read one, edit its status or mark (PATCH; PUT too, the verb is not known), register one from
 * outside. A registered event gets the event type of external events and answers `{eventId}` (seed 002 shows only
 * the error body; decision 0027).
 */
export function registerEventRoutes(api: Hono<KicsEnv>, deps: RouteDependencies): void {
  const { store, clock } = deps;
  registerReadRoutes(api, deps, {
    path: '/events',
    what: 'Event',
    table: store.events,
    resource: EVENTS,
    single: true,
  });

  const edit = async (c: Context<KicsEnv>): Promise<Response> => {
    const id = parseId(c.req.param('id') ?? '');
    const change = checkEventEdit(await readJsonObject(c));
    const found = await store.exclusively(async () => {
      const event = await store.events.get(id);
      if (event === undefined) return false;
      const resolvedNow = change.status === 'Resolved' && event.status !== 'Resolved';
      await store.events.update(id, {
        ...event,
        ...(change.status === undefined ? {} : { status: change.status }),
        ...(change.mark === undefined ? {} : { mark: change.mark ?? 0 }),
        // Seed 002: endTime is "the date and time when the Resolved status was assigned".
        ...(resolvedNow ? { endTime: utcTime(clock.now()) } : {}),
      });
      return true;
    });
    if (!found) throw notFound('Event', id);
    const what = [
      change.status === undefined ? '' : `status ${change.status}`,
      change.mark === undefined ? '' : `mark ${change.mark}`,
    ]
      .filter((part) => part !== '')
      .join(', ');
    await auditChange(c, store, 'Edit event', `Event ${id}: ${what}`);
    return c.body(null, 200);
  };
  api.patch('/events/:id', deps.guard('write'), edit);
  api.put('/events/:id', deps.guard('write'), edit);

  api.post('/events', deps.guard('write'), async (c) => {
    const input = checkEventRegistration(await readJsonObject(c));
    const { eventTypes, monitoringPoints } = await store.dictionaries();
    const external = eventTypes.find((type) => type.technology === 'External');
    const point = monitoringPoints.find((mp) => mp.mpId === input.monitoringPointId);
    const id = await store.exclusively(async () => {
      const next = (await store.events.maxId()) + 1;
      await store.insertEvent(
        registeredEvent(next, input, external?.eventTypeId ?? 0, point?.name ?? '', clock.now()),
        null,
      );
      return next;
    });
    await auditChange(c, store, 'Register event', `Event ${id} registered: ${input.title}`);
    return c.json({ eventId: id });
  });
}
