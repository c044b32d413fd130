import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { KICS_COMMANDS } from '../../../src/commands/kics/index.ts';
import { kicsGetAbout } from '../../../src/commands/kics/get-about.ts';
import { kicsTestConnection } from '../../../src/commands/kics/test-connection.ts';
import { isKicsCommand, leastRole } from '../../../src/commands/kics/shared/vendor.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_test_connection and kics_get_about', () => {
  let h: KicsCommandHarness;
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 20, events: 20 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('gets a token, reads the server, its license and the connector, and allows every read command', async () => {
    const result = await h.run(kicsTestConnection, {});
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
    const about = await h.kics.store.dictionaries();
    expect(result.keyFields).toMatchObject({
      Connected: true,
      ServerVersion: about.about.version,
      LicenseStatus: about.license.licenseStatus,
      DaysTillLicenseExpire: about.license.daysTillLicenseExpire,
      ConfirmedRole: 'Operator',
      DeniedCommands: [],
      // Reads prove the Operator role; what needs Administrator cannot be proven without changing something.
      UnverifiedCommands: KICS_COMMANDS.filter(isKicsCommand)
        .filter((c) => leastRole(c.api) === 'Administrator')
        .map((c) => c.name),
    });
    expect(result.keyFields['UnverifiedCommands']).toContain('kics_update_event');
    expect(result.keyFields['AllowedCommands']).toEqual(
      KICS_COMMANDS.filter(isKicsCommand)
        .filter((c) => leastRole(c.api) === 'Operator')
        .map((c) => c.name),
    );
    const context = result.context as { configuration: { eventTypesToSend: unknown[] } };
    expect(Array.isArray(context.configuration.eventTypesToSend)).toBe(true);
    expect(result.result.rows.map((r) => r[0])).toContain('Role');
  });

  it('confirms the same for a connector whose user is only an Operator', async () => {
    const ctx = await h.connector('reader', 'operator-user', 'Operator');
    const result = await executeCommand(kicsTestConnection, ctx, {});
    expect(result.status).toBe('Successful');
    expect(result.keyFields['ConfirmedRole']).toBe('Operator');
  });

  it('fails with 401 when the connector’s user is blocked and gets no token', async () => {
    const ctx = await h.connector('blocked', 'blocked-user', 'Administrator');
    await h.block('blocked-user');
    const result = await executeCommand(kicsTestConnection, ctx, {});
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({
      failureIndicator: 'KICS Test Connection failed.',
      statusCode: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  it('kics_get_about: version, components, license, technologies and locale', async () => {
    const result = await h.run(kicsGetAbout, {});
    expect(result.status).toBe('Successful');
    const d = await h.kics.store.dictionaries();
    expect(result.keyFields).toEqual({
      Version: d.about.version,
      Components: d.about.updateableComponents.map((c) => ({ type: c.type, releaseTime: c.releaseTime })),
      ProductName: d.license.productName,
      LicenseStatus: d.license.licenseStatus,
      LicenseExpirationDate: d.license.licenseExpirationDate,
      DaysTillLicenseExpire: d.license.daysTillLicenseExpire,
      EnabledTechnologies: d.technologies.filter((t) => t.state === 'Enabled').map((t) => t.technology),
      Locale: d.locale.localization,
    });
    expect(result.result.rows[0]).toEqual(['Version', d.about.version]);
  });
});
