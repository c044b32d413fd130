import type { KicsDictionaries } from '../../../kics/model.ts';
import type { Random } from '../../core/random.ts';
import { EVENT_TYPES } from './event-types.ts';
import { wholeSeconds, zonelessTime } from '../times.ts';

/**
 * The server's facts: product version and updateable components, the license, the locale, the connector's
 * configuration document (spec §6.12: a YAML text describing the connector type's settings) and the state of the
 * detection technologies.
 */

const DAY_MS = 86_400_000;

/** The server's facts; the catalogues (event types, monitoring points, protocol stacks) come from their modules. */
export type Dictionaries = Pick<
  KicsDictionaries,
  'about' | 'license' | 'locale' | 'configuration' | 'technologies'
>;

/** The connector type's settings schema, in the seed sample's YAML form. */
const CONNECTOR_CONFIG_YAML = [
  '- type: string',
  '  name: address',
  '  default: yes',
  '  max_len: 1024',
  '- type: uint',
  '  name: portNumber',
  '  range: {from: 0, to: 65535}',
  '  default: yes',
  '  default_value: 0',
  '- type: string',
  '  name: transportProtocol',
  '  loc: yes',
  '  values: [TCP, UDP]',
  '  default: yes',
].join('\n');

export function buildDictionaries(rng: Random, installedAt: number, now: number): Dictionaries {
  const build = rng.int(180, 420);
  const componentTime = (maxAgeDays: number): string =>
    zonelessTime(wholeSeconds(now - rng.between(0.2, maxAgeDays) * DAY_MS));
  const licenseCreated = wholeSeconds(installedAt - rng.between(3, 20) * DAY_MS);
  const licenseInstalled = wholeSeconds(installedAt + rng.between(0, 2) * DAY_MS);
  const expires = wholeSeconds(licenseInstalled + 730 * DAY_MS);
  const days = Math.max(0, Math.floor((expires - now) / DAY_MS));
  const serial = `${rng.chars('0123456789ABCDEF', 4)}-${rng.chars('0123456789ABCDEF', 6)}-${rng.chars('0123456789ABCDEF', 8)}`;
  return {
    about: {
      version: `4.2.0.${build}`,
      updateableComponents: [
        { type: 'Icr', releaseTime: componentTime(6) },
        { type: 'Idsir', releaseTime: componentTime(6) },
        { type: 'Vulnerabilities', releaseTime: componentTime(20) },
        { type: 'Application', releaseTime: zonelessTime(wholeSeconds(now - rng.between(30, 120) * DAY_MS)) },
      ],
    },
    license: {
      localization: 'en',
      serialNumber: { value: serial },
      productName: 'Kaspersky Industrial CyberSecurity for Networks Enterprise Server, 2 years',
      licenseInstallationDate: zonelessTime(licenseInstalled),
      licenseExpirationDate: zonelessTime(expires),
      licenseCreationDate: zonelessTime(licenseCreated),
      licenseStatus: days > 0 ? 'Active' : 'Expired',
      daysTillLicenseExpire: days,
    },
    locale: { localization: 'en' },
    configuration: {
      config: CONNECTOR_CONFIG_YAML,
      eventTypesToSend: EVENT_TYPES.filter((type) => type.severity !== 'Info').map(
        (type) => type.eventTypeId,
      ),
      forwardAppMessages: true,
      forwardAuditMessages: false,
    },
    technologies: [
      { technology: 'Dpi', name: 'Deep Packet Inspection', state: 'Enabled' },
      { technology: 'Nic', name: 'Network Integrity Control', state: 'Enabled' },
      { technology: 'Cc', name: 'Command Control', state: 'Enabled' },
      { technology: 'Ids', name: 'Intrusion Detection', state: 'Enabled' },
      { technology: 'Am', name: 'Asset Management', state: 'Learning' },
    ],
  };
}
