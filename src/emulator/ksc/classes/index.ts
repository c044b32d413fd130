import type { KscClass } from '../method.ts';
import { admServerSettingsClass } from './adm-server-settings.ts';
import { appCtrlApiClass } from './app-ctrl-api.ts';
import { asyncActionStateCheckerClass } from './async-action-state-checker.ts';
import { cgwHelperClass } from './cgw-helper.ts';
import { chunkAccessorClass } from './chunk-accessor.ts';
import { dataProtectionApiClass } from './data-protection-api.ts';
import { eventNotificationPropertiesClass } from './event-notification-properties.ts';
import { eventProcessingClass, eventProcessingFactoryClass } from './event-processing.ts';
import { gatewayConnectionClass } from './gateway-connection.ts';
import { hostGroupClass } from './host-group.ts';
import { hostTasksClass } from './host-tasks.ts';
import { inventoryApiClass } from './inventory-api.ts';
import { listTagsClass } from './list-tags.ts';
import { licenseKeysClass } from './license-keys.ts';
import { groupSyncClass } from './group-sync.ts';
import { groupSyncIteratorClass } from './group-sync-iterator.ts';
import { nagNetworkListApiClass } from './nag-network-list-api.ts';
import { policyClass } from './policy.ts';
import { policyOutbreakClass } from './policy-outbreak.ts';
import { qbtNetworkListApiClass } from './qbt-network-list-api.ts';
import { reportManagerClass } from './report-manager.ts';
import { serverHierarchyClass } from './server-hierarchy.ts';
import { sessionClass } from './session.ts';
import { srvViewClass } from './srv-view.ts';
import { uaControlClass } from './ua-control.ts';
import { userDevicesApiClass } from './user-devices-api.ts';
import { adHostsClass } from './ad-hosts.ts';
import { fileCategorizer2Class } from './file-categorizer2.ts';
import { iWebUsersSrvClass } from './iweb-users-srv.ts';
import { tasksClass } from './tasks.ts';
import { vserversClass } from './vservers.ts';

/** Every emulated KSC class. Adding a class is one file and one line here. */
export const KSC_CLASSES: readonly KscClass[] = [
  sessionClass,
  hostGroupClass,
  chunkAccessorClass,
  asyncActionStateCheckerClass,
  eventProcessingFactoryClass,
  eventProcessingClass,
  srvViewClass,
  tasksClass,
  hostTasksClass,
  qbtNetworkListApiClass,
  inventoryApiClass,
  policyClass,
  policyOutbreakClass,
  appCtrlApiClass,
  reportManagerClass,
  serverHierarchyClass,
  vserversClass,

  admServerSettingsClass,
  dataProtectionApiClass,
  eventNotificationPropertiesClass,
  cgwHelperClass,
  gatewayConnectionClass,
  nagNetworkListApiClass,
  uaControlClass,
  listTagsClass,
  licenseKeysClass,
  groupSyncClass,
  groupSyncIteratorClass,
  userDevicesApiClass,
  adHostsClass,
  fileCategorizer2Class,
  iWebUsersSrvClass,
];
