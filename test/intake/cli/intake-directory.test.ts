/**
 * `kconnect intake run` as a user runs it, with the IAM directory configured (`directory:`): the KSC emulator first
 * publishes its directory (seed 003) through a real receiver (`POST /v1/directory/events`) into that store, then a
 * ksc.events pipeline mapped to ECS writes NDJSON whose events carry the directory identity of their user — and
 * only of users the directory has (decision 0064).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import type { DirectoryObject } from '../../../src/emulator/ksc/directory/identity.ts';
import { kconnectRun } from '../../adapters/cli/kconnect-process.ts';
import { testServiceDatabase } from '../../adapters/http/support.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

const CONFIG = (url: string) => `connections:
  lab: { type: ksc, url: "${url}", user: svc-kconnect, passwordEnv: KSC_PASSWORD }
directory:
  state: { file: directory.db }
pipelines:
  ksc-events:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ecs
    sink: { type: file, path: out/ksc-events.ndjson }
`;

interface EcsUser {
  name?: string;
  domain?: string;
  full_name?: string;
  email?: string;
  group?: { name?: string };
}

function documents(file: string): Array<{ user?: EcsUser; related?: { user?: string[] } }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { user?: EcsUser });
}

describe('kconnect intake run with directory: enriches ECS events from the published directory', () => {
  let emulator: TestEmulator;
  let service: RunningService;
  let dropServiceDatabase: () => Promise<void>;
  let dir: string;
  let users: readonly DirectoryObject[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-intake-directory-'));
    const database = await testServiceDatabase('sqlite');
    dropServiceDatabase = database.drop;
    // The receiver writes into the very store the configuration names; it answers no command here.
    service = await startService({
      contexts: () => {
        throw new Error('this service only receives directory events');
      },
      commands: [],
      database: database.location,
      port: 0,
      directoryStore: { file: join(dir, 'directory.db') },
    });
    const ingest = (await service.tokens.create('publisher', 'ingest')).token;
    emulator = await startTestEmulator('sqlite', {
      http: false,
      hosts: 20,
      events: 300,
      virtualServers: [],
      adminUser: 'svc-kconnect',
      directory: {
        url: `${service.url}/v1/directory/events`,
        token: ingest,
        retryInitialMs: 20,
        retryMaxMs: 200,
      },
    });
    await emulator.ksc.directory!.idle();
    users = emulator.ksc.directory!.truth().users;
    // Published and applied: the service is no longer needed, and the CLI is the store's only user.
    await service.close();
    writeFileSync(join(dir, 'ca.pem'), emulator.ksc.certificatePem!);
    writeFileSync(join(dir, 'kconnect.yaml'), CONFIG(emulator.url));
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await emulator?.stop();
    await dropServiceDatabase?.();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('user.full_name, user.email and the UPN in related.user for events whose user is in the directory', async () => {
    expect(users.length).toBeGreaterThan(0);
    const run = await kconnectRun(
      ['intake', 'run', '--pipeline', 'ksc-events', '--once', '--config', join(dir, 'kconnect.yaml')],
      {
        ...process.env,
        KSC_PASSWORD: TEST_PASSWORD,
        NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
        KCONNECT_CONFIG: '',
        // Not the developer's service database: the directory is the configured one.
        KCONNECT_SERVICE_DATABASE: join(dir, 'absent-service.db'),
      },
    );
    expect(run.output).not.toMatch(/"level":"?(error|50)/);
    expect(run.code).toBe(0);

    const bySam = new Map(users.map((u) => [u.samName.toLowerCase(), u]));
    const withUser = documents(join(dir, 'out', 'ksc-events.ndjson')).filter(
      (d) => d.user?.name !== undefined,
    );
    let enriched = 0;
    for (const document of withUser) {
      const user = document.user!;
      // A bare account name is a sAMAccountName in any domain; a named domain must be the published one.
      const inDomain = user.domain === undefined || user.domain.toUpperCase() === 'CORP';
      const known = inDomain ? bySam.get(user.name!.toLowerCase()) : undefined;
      if (known === undefined) {
        // A user the directory lacks (a local account, another domain): the event is as it was without one.
        expect(user.full_name).toBeUndefined();
        expect(user.email).toBeUndefined();
        continue;
      }
      enriched++;
      expect(user).toMatchObject({ full_name: known.displayName, email: known.mail });
      expect(user.group?.name).toEqual(expect.any(String));
      expect(document.related?.user).toContain(known.upn);
    }
    expect(enriched).toBeGreaterThan(0);
  });
});
