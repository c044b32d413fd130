import { makeServerActionEvent, SEVERITY } from '../world/index.ts';
import type { KscWorld } from '../world.ts';
import type { OutbreakType } from './outbreaks.ts';

/** The event KSC publishes when it detects an outbreak (KSC 13 help, "Administration Server critical events"). */
export const VIRUS_OUTBREAK_EVENT = 'GNRL_EV_VIRUS_OUTBREAK';

/**
 * One event type, three type ids: the help lists "Virus outbreak" as 26 for File Threat Protection, 27 for Mail
 * Threat Protection and 28 for the firewall — the three thresholds the outbreak types stand for.
 */
const OUTBREAK_EVENTS: Readonly<Record<OutbreakType, { typeId: number; component: string }>> = {
  virus: { typeId: 26, component: 'File Threat Protection' },
  mail: { typeId: 27, component: 'Mail Threat Protection' },
  'network-attack': { typeId: 28, component: 'Firewall' },
};

/** Publishes the Administration Server's critical "Virus outbreak" event for a newly declared outbreak. */
export async function publishOutbreakEvent(
  world: KscWorld,
  vserverId: number,
  type: OutbreakType,
): Promise<void> {
  const { typeId, component } = OUTBREAK_EVENTS[type];
  const id = world.nextEventId();
  const event = makeServerActionEvent(vserverId, id, world.clock.now(), {
    type: VIRUS_OUTBREAK_EVENT,
    displayName: 'Virus outbreak',
    severity: SEVERITY.CRITICAL,
    description:
      `Virus outbreak (${component}): the number of malicious objects detected on managed devices ` +
      'exceeded the threshold within the monitored period.',
    attributes: { event_type_id: typeId, GNRL_EA_PARAM_1: component },
  });
  await world.insertEvents([event]);
}
