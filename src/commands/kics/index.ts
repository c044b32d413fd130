import type { CommandDefinition } from '../core/types.ts';
import { kicsCreateDevice } from './create-device.ts';
import { kicsDeleteDevice } from './delete-device.ts';
import { kicsGetAbout } from './get-about.ts';
import { kicsGetDevice } from './get-device.ts';
import { kicsGetEvent } from './get-event.ts';
import { kicsListDevices } from './list-devices.ts';
import { kicsListEvents } from './list-events.ts';
import { kicsSetDeviceStatus } from './set-device-status.ts';
import { kicsTestConnection } from './test-connection.ts';
import { kicsUpdateDevice } from './update-device.ts';

/**
 * The KICS for Networks commands, in the order of the reference. Adding a command is its file and one line here.
 */
export const KICS_COMMANDS: readonly CommandDefinition[] = [
  kicsTestConnection,
  kicsGetAbout,
  kicsListDevices,
  kicsGetDevice,
  kicsListEvents,
  kicsGetEvent,
  kicsSetDeviceStatus,
  kicsUpdateDevice,
  kicsCreateDevice,
  kicsDeleteDevice,
];
