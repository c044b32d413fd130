/** Adding connectors: a role asked for is the role the connector gets, or the request is refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KconnectError } from '../../../../src/errors.ts';
import { CONNECTOR_USER } from '../../../../src/emulator/kics/auth/kics-auth.ts';
import { startAuthHarness, TEST_CONNECTOR_PASSWORD, type AuthHarness } from './harness.ts';

describe('KICS connectors', () => {
  let harness: AuthHarness;
  beforeAll(async () => {
    harness = await startAuthHarness('sqlite', undefined);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('refuses a role that differs from the existing user’s, naming the role and the user', async () => {
    const refused = await harness.auth
      .addConnector({
        name: 'reader',
        role: 'Operator',
        serverUrl: harness.server.url,
        password: TEST_CONNECTOR_PASSWORD,
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KconnectError);
    expect((refused as KconnectError).code).toBe('CONFLICT');
    expect((refused as Error).message).toContain(
      `role: user ${CONNECTOR_USER} already exists with role Administrator`,
    );
    expect(await harness.auth.connectors.findActiveByName('reader')).toBeUndefined();
  });

  it('creates a connector of the asked role for a user of its own', async () => {
    const written = await harness.auth.addConnector({
      name: 'reader',
      user: 'soc-reader',
      role: 'Operator',
      serverUrl: harness.server.url,
      password: TEST_CONNECTOR_PASSWORD,
    });
    expect(written.metadata.user).toBe('soc-reader');
    expect((await harness.auth.users.get('soc-reader'))?.role).toBe('Operator');
  });
});
