/** A `kics` connection's client (made synchronously, reading the package on its first call) against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsConnectionFileSchema, kicsConnectionType } from '../../../src/config/connections/kics.ts';
import { ConnectionSettings, fileLayer } from '../../../src/config/connections/settings.ts';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PACKAGE_PASSWORD, startClientHarness, type ClientHarness } from './harness.ts';

describe('kics connection → client', () => {
  let harness: ClientHarness;
  beforeAll(async () => {
    harness = await startClientHarness({ devices: 5, events: 10 });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('checks the health of the server with the package and a password from the environment', async () => {
    const parsed = kicsConnectionFileSchema.parse({
      type: 'kics',
      package: harness.kics.packageDir,
      packagePasswordEnv: 'TEST_KICS_PACKAGE_PASSWORD',
    });
    const settings = new ConnectionSettings(
      'plant',
      fileLayer('plant', parsed, '/'),
      { TEST_KICS_PACKAGE_PASSWORD: PACKAGE_PASSWORD },
      {
        readText: (path) => readFileSync(path, 'utf8'),
        isFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true,
        readTextAsync: (path) => readFile(path, 'utf8'),
      },
    );
    const connection = kicsConnectionType.build(settings);
    const client = kicsConnectionType.createClient(connection, { readFile: (path) => readFileSync(path) });
    try {
      const health = await client.checkHealth();
      expect(health.server?.product).toBe('KICS for Networks');
    } finally {
      await client.close();
    }
  });
});
