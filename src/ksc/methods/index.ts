import type { z } from 'zod';
import { admServerSettingsMethods } from './adm-server-settings.ts';
import { appCtrlApiMethods } from './app-ctrl-api.ts';
import { cgwHelperMethods } from './cgw-helper.ts';
import { asyncActionStateCheckerMethods } from './async-action-state-checker.ts';
import { chunkAccessorMethods } from './chunk-accessor.ts';
import { dataProtectionApiMethods } from './data-protection-api.ts';
import { eventNotificationPropertiesMethods } from './event-notification-properties.ts';
import { gatewayConnectionMethods } from './gateway-connection.ts';
import { eventProcessingFactoryMethods } from './event-processing-factory.ts';
import { eventProcessingMethods } from './event-processing.ts';
import { hostGroupMethods } from './host-group.ts';
import { hostGroupIncidentMethods } from './host-group-incidents.ts';
import { hostTasksMethods } from './host-tasks.ts';
import { inventoryApiMethods } from './inventory-api.ts';
import { listTagsMethods } from './list-tags.ts';
import { groupSyncMethods } from './group-sync.ts';
import { licenseKeysMethods } from './license-keys.ts';
import { groupSyncIteratorMethods } from './group-sync-iterator.ts';
import { nagNetworkListApiMethods } from './nag-network-list-api.ts';
import { policyMethods } from './policy.ts';
import { policyOutbreakMethods } from './policy-outbreak.ts';
import { qbtNetworkListApiMethods } from './qbt-network-list-api.ts';
import { reportManagerMethods } from './report-manager.ts';
import { serverHierarchyMethods } from './server-hierarchy.ts';
import { serverHierarchyChangeMethods } from './server-hierarchy-changes.ts';
import { sessionMethods } from './session.ts';
import { srvViewMethods } from './srv-view.ts';
import { uaControlMethods } from './ua-control.ts';
import { userDevicesApiMethods } from './user-devices-api.ts';
import { adHostsMethods } from './ad-hosts.ts';
import { fileCategorizer2Methods } from './file-categorizer2.ts';
import { iWebUsersSrvMethods } from './iweb-users-srv.ts';
import { tasksMethods } from './tasks.ts';
import { vserversMethods } from './vservers.ts';

/**
 * The KSC methods kconnect knows, by `Class.Method`: the schemas of their arguments and of their replies. The
 * client types its calls with them; the emulator checks the arguments it receives with their lenient reading
 * (`lenientArgs`). Adding a method is one entry in its class file, a call in `test/ksc/client/methods.test.ts`, and
 * its handler in the emulator's class (the test checks that the emulator and this catalogue agree).
 */
export const KSC_METHODS = {
  ...sessionMethods,
  ...hostGroupMethods,
  ...chunkAccessorMethods,
  ...asyncActionStateCheckerMethods,
  ...eventProcessingFactoryMethods,
  ...eventProcessingMethods,
  ...srvViewMethods,
  ...tasksMethods,
  ...hostTasksMethods,
  ...qbtNetworkListApiMethods,
  ...inventoryApiMethods,
  ...policyMethods,
  ...policyOutbreakMethods,
  ...appCtrlApiMethods,
  ...reportManagerMethods,
  ...hostGroupIncidentMethods,
  ...serverHierarchyMethods,
  ...serverHierarchyChangeMethods,
  ...vserversMethods,

  ...admServerSettingsMethods,
  ...dataProtectionApiMethods,
  ...eventNotificationPropertiesMethods,
  ...cgwHelperMethods,
  ...gatewayConnectionMethods,
  ...nagNetworkListApiMethods,
  ...uaControlMethods,
  ...listTagsMethods,
  ...licenseKeysMethods,
  ...groupSyncMethods,
  ...groupSyncIteratorMethods,
  ...userDevicesApiMethods,
  ...adHostsMethods,
  ...fileCategorizer2Methods,
  ...iWebUsersSrvMethods,
} as const;

export type KscMethodName = keyof typeof KSC_METHODS;

/** The arguments of a method as a caller passes them (optional ones may be left out). */
export type KscMethodArgs<M extends KscMethodName> = z.input<(typeof KSC_METHODS)[M]['args']>;

/** The decoded reply of a method: `PxgRetVal` and the out-parameters, plus any a newer server adds. */
export type KscMethodReply<M extends KscMethodName> = z.output<(typeof KSC_METHODS)[M]['reply']>;

/** True for a method of the map (`Object.hasOwn`: `toString` and friends are not KSC methods). */
export function isKscMethodName(name: string): name is KscMethodName {
  return Object.hasOwn(KSC_METHODS, name);
}

export { kscMethod, type KscMethod } from './schema.ts';
export { lenientArgs, type LenientArgs, type ServerReading } from './lenient.ts';
