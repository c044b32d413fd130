import type { Device, DeviceProtocol, KicsEvent } from '../../../kics/model.ts';
import { Random } from '../../core/random.ts';
import { formatIpv4 } from '../../ksc/world/ipv4.ts';
import { stableMacAddress } from '../../core/mac.ts';
import { EventFactory, type EventEntry } from './events.ts';
import type { KicsWorldSummary } from './generate.ts';
import type { Cell } from './site.ts';
import { newDeviceRecord } from './new-device.ts';
import { utcTime, wholeSeconds, zonelessTime } from '../times.ts';

/**
 * Live mode: new events among the known devices, unauthorized devices that appear, `lastSeen` that moves, and
 * events that recur (`lastSeenTime`, `totalAppearances`). Pure functions of the world summary and a stream seeded
 * by `seed` (`kics/live`); the emulator stores what they return.
 */

/** Addresses from here up in each cell's /22 are left to devices that appear while the emulator runs. */
const LIVE_HOST_OFFSET = 600;

export interface LiveKicsGenerator {
  /** `count` new events risen at `now`, ids from `firstId`. */
  nextEvents(count: number, now: number, firstId: number): EventEntry[];
  /** A device never seen before, status Unauthorized, first seen at `now`, with id `id`. */
  newUnauthorizedDevice(now: number, id: number): { device: Device; protocols: DeviceProtocol[] };
  /** The event once more: seen again at `now`. */
  recurEvent(event: KicsEvent, now: number): KicsEvent;
  /** The device seen at `now`. */
  touchDevice(device: Device, now: number): Device;
}

export function createLiveKicsGenerator(summary: KicsWorldSummary, seed: number): LiveKicsGenerator {
  const rng = Random.derive(seed, 'kics/live');
  let appeared = 0;
  return {
    nextEvents(count: number, now: number, firstId: number): EventEntry[] {
      const time = wholeSeconds(now);
      const factory = new EventFactory(summary, rng, time);
      const out: EventEntry[] = [];
      for (let i = 0; i < count; i++) out.push(factory.live(firstId + i, time));
      return out;
    },

    newUnauthorizedDevice(now: number, id: number): { device: Device; protocols: DeviceProtocol[] } {
      const cells = summary.site.cells;
      const cell = cells[rng.int(0, cells.length - 1)] as Cell;
      const host = LIVE_HOST_OFFSET + (appeared % 400);
      appeared += 1;
      const ip = formatIpv4((cell.base + host) >>> 0);
      const mac = stableMacAddress(`kics-live:${seed}:${id}`);
      const seen = zonelessTime(wholeSeconds(now));
      return {
        device: {
          ...newDeviceRecord(id, `Device ${ip}`, seen),
          status: 'Unauthorized',
          addressInformation: [{ macAddress: mac, ipAddresses: [{ ip }] }],
          group: cell.group,
          securityState: 'UnknownAssetSecurityStatus',
          networkName: cell.networkName,
        },
        protocols: [],
      };
    },

    recurEvent(event: KicsEvent, now: number): KicsEvent {
      return {
        ...event,
        lastSeenTime: utcTime(wholeSeconds(now)),
        totalAppearances: event.totalAppearances + 1,
        endTime: event.status === 'Resolved' ? event.endTime : null,
      };
    },

    touchDevice(device: Device, now: number): Device {
      return { ...device, lastSeen: zonelessTime(wholeSeconds(now)) };
    },
  };
}
