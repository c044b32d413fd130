import { z } from 'zod';
import type { PlainJson } from '../core/types.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Get About';

const input = z.object({});

const keyFields = z.object({
  Version: z.string(),
  Components: z.array(z.object({ type: z.string(), releaseTime: z.string() })),
  ProductName: z.string(),
  LicenseStatus: z.string(),
  LicenseExpirationDate: z.string(),
  DaysTillLicenseExpire: z.number().int(),
  EnabledTechnologies: z.array(z.string()),
  Locale: z.string(),
});

/** `kics_get_about`: the server's version, updatable components, license, technologies and locale in one read. */
export const kicsGetAbout: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_get_about',
  title: TITLE,
  description:
    'Reads what KICS for Networks says about itself: its version and the release times of its updatable ' +
    'components (databases, rules), the license key (product name, status, expiration date and days left), ' +
    'the state of each detection technology (Enabled, Disabled or Learning) and the locale of the ' +
    'application. Use it to identify the server, to check that the license is active before relying on ' +
    'detections, or to see which technologies are producing events. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: {
    roles: READER_ROLES,
    operations: [
      'Getting product information',
      'Getting information about the added license key',
      'Getting information about the state of technologies',
      'Querying information about the locale used by the application',
    ],
  },
  example: {},
  async run(ctx) {
    const about = await ctx.kics.about();
    const license = await ctx.kics.license();
    const technologies = await ctx.kics.technologies();
    const locale = await ctx.kics.locale();
    const components = about.updateableComponents.map((c) => ({ type: c.type, releaseTime: c.releaseTime }));
    const rows: PlainJson[][] = [
      ['Version', about.version],
      ...components.map((c) => [`Component: ${c.type}`, `released ${c.releaseTime}`]),
      ['License', `${license.productName}`],
      [
        'License status',
        `${license.licenseStatus} until ${license.licenseExpirationDate} (${license.daysTillLicenseExpire} days left)`,
      ],
      ...technologies.map((t) => [`Technology: ${t.name}`, t.state]),
      ['Locale', locale.localization],
    ];
    return {
      status: 'Successful',
      raw: wireOf({ about, license, technologies, locale }),
      context: plainOf({ about, license, technologies, locale }),
      keyFields: {
        Version: about.version,
        Components: components,
        ProductName: license.productName,
        LicenseStatus: license.licenseStatus,
        LicenseExpirationDate: license.licenseExpirationDate,
        DaysTillLicenseExpire: license.daysTillLicenseExpire,
        EnabledTechnologies: technologies.filter((t) => t.state === 'Enabled').map((t) => t.technology),
        Locale: locale.localization,
      },
      result: { title: TITLE, columns: ['Item', 'Value'], rows },
      errors: [],
    };
  },
};
