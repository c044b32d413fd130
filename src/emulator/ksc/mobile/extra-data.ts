import { createHash } from 'node:crypto';
import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { MDM_PROTOCOL, type MobileDevice } from './devices.ts';

/**
 * `GetDevicesExtraData`: what a device reports beyond its attributes. The reference's categories are the data of
 * the iOS MDM protocol, so only iOS devices report any; an Android device answers each category empty. The
 * members follow the reference's "Extra Data Example"; the content is derived from the device (decisions/0074).
 */

/** "Extra Data Categories". */
export const EXTRA_DATA_CATEGORIES: ReadonlySet<string> = new Set([
  'DEV_EX_DATA_APPL',
  'DEV_EX_DATA_MNG_APPL',
  'DEV_EX_DATA_CFG_PROF',
  'DEV_EX_DATA_PRV_PROF',
  'DEV_EX_DATA_CERT',
]);

const IOS_APPS = [
  { AppIdentifier: 'com.apple.mobilesafari', AppName: 'Safari', AppVersion: '8617.1.17.10.9' },
  { AppIdentifier: 'com.microsoft.Office.Outlook', AppName: 'Outlook', AppVersion: '4.2421.0' },
  { AppIdentifier: 'com.microsoft.skype.teams', AppName: 'Teams', AppVersion: '6.12.1' },
  { AppIdentifier: 'com.kaspersky.securebrowser', AppName: 'Kaspersky Safe Browser', AppVersion: '2.6.0' },
  { AppIdentifier: 'com.slack.Slack', AppName: 'Slack', AppVersion: '24.05.10' },
  { AppIdentifier: 'net.whatsapp.WhatsApp', AppName: 'WhatsApp', AppVersion: '24.10.76' },
];

function digest(device: MobileDevice): Buffer {
  return createHash('sha256').update(`extra-data\u0000${device.vserverId}:${device.id}`).digest();
}

function applications(device: MobileDevice): KlParams[] {
  const h = digest(device);
  // Safari always, then the apps whose hash bit is set.
  return IOS_APPS.filter((_, i) => i === 0 || (h[0]! & (1 << i)) !== 0).map((app, i) => ({
    ...app,
    AppShortVersion: app.AppVersion.split('.').slice(0, 2).join('.'),
    AppBundleSize: 20_000_000 + h.readUInt16BE(1 + i * 2) * 1_000,
  }));
}

function configurationProfiles(device: MobileDevice): KlParams[] {
  const uuid = digest(device).toString('hex').slice(0, 32).toUpperCase();
  return [
    {
      ProfDisplayName: 'Kaspersky Security Center MDM',
      ProfIdentifier: 'com.kaspersky.mdm',
      ProfIsManaged: true,
      ProfIsMdm: true,
      ProfUDID: `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`,
    },
  ];
}

/** One device's record: `KLMDM_DEVICE_ID` and each category asked for. */
export function extraData(device: MobileDevice, categories: readonly string[]): KlParams {
  const ios = device.protocol === MDM_PROTOCOL.IOS_MDM;
  const record: Record<string, KlValue> = { KLMDM_DEVICE_ID: device.id };
  for (const category of categories) {
    if (!ios) record[category] = [];
    else if (category === 'DEV_EX_DATA_APPL') record[category] = applications(device);
    else if (category === 'DEV_EX_DATA_CFG_PROF') record[category] = configurationProfiles(device);
    // No managed apps, provisioning profiles or certificates are installed through the emulated server.
    else record[category] = [];
  }
  return record;
}
