/**
 * The whole directory loop over HTTP: the KSC emulator publishes its seeded domain to a real `kconnect` service
 * (`POST /v1/directory/events`, ingest token), and the directory commands answer through
 * `POST /v1/commands/<name>` with a read token — a user looked up by UPN with its direct and transitive groups,
 * as the publisher's truth has them; the same through `kconnect directory-get-user` and through
 * `kconnect mcp` (real processes on the service's database). Then refused events: counted by reason in `directory_status`, and still
 * counted after the service restarts on the same database (decision 0065).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { DIRECTORY_COMMANDS } from '../../../src/commands/directory/index.ts';
import type { DirectorySnapshot } from '../../../src/emulator/ksc/directory/truth.ts';
import { request, resultOf, testServiceDatabase } from '../../adapters/http/support.ts';
import { BIN, kconnectRun } from '../../adapters/cli/kconnect-process.ts';
import { startTestEmulator, type TestEmulator } from '../../support/ksc-emulator.ts';

type Location = Awaited<ReturnType<typeof testServiceDatabase>>['location'];

async function serve(database: Location): Promise<RunningService> {
  return startService({
    // The directory commands need no KSC connection: the service adds its directory to every context.
    contexts: () => ({ now: Date.now }),
    commands: DIRECTORY_COMMANDS,
    database,
    directoryStore: 'service',
    port: 0,
    logger: () => undefined,
  });
}

/** Every group a member is in, directly or through nesting, by display name. */
export function transitiveGroups(truth: DirectorySnapshot, memberKey: string): string[] {
  const names = new Map(truth.groups.map((g) => [g.key, g.displayName]));
  const found = new Set<string>();
  const queue = [memberKey];
  while (queue.length > 0) {
    const member = queue.shift()!;
    for (const [group, m] of truth.memberships) {
      if (m !== member || found.has(group)) continue;
      found.add(group);
      queue.push(group);
    }
  }
  return [...found].map((key) => names.get(key)!).sort();
}

describe('directory loop through the HTTP service', () => {
  let database: Awaited<ReturnType<typeof testServiceDatabase>>;
  let service: RunningService;
  let emulator: TestEmulator;
  let read: string;
  let ingest: string;

  const call = async (name: string, input: unknown, token = read) => {
    const answer = await request(service.url, `/v1/commands/${name}`, {
      body: JSON.stringify(input),
      token,
    });
    expect(answer.status, answer.text).toBe(200);
    return resultOf(answer);
  };

  beforeAll(async () => {
    database = await testServiceDatabase('sqlite');
    service = await serve(database.location);
    read = (await service.tokens.create('soc-reader', 'read')).token;
    ingest = (await service.tokens.create('ksc-publisher', 'ingest')).token;
    emulator = await startTestEmulator('sqlite', {
      seed: 11,
      hosts: 40,
      events: 20,
      virtualServers: [],
      directory: {
        url: new URL('/v1/directory/events', service.url).href,
        token: ingest,
        chunkSize: 50,
        batchSize: 100,
        retryInitialMs: 20,
        retryMaxMs: 200,
      },
    });
    await emulator.control('POST', '/__emulator/clock/freeze', { frozen: true });
    await emulator.ksc.directory!.idle();
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
    await service?.close();
    await database?.drop();
  });

  it('looks a user up by UPN: its direct and transitive groups are the publisher’s', async () => {
    const truth = (await emulator.control('GET', '/__emulator/directory/truth')).body as DirectorySnapshot;
    const groupKeys = new Set(truth.groups.map((g) => g.key));
    // The user whose groups nest deepest: its transitive groups are more than its direct ones.
    const depthOf = (user: string) => transitiveGroups(truth, user).length;
    const user = truth.users
      .filter((u) => u.upn !== undefined)
      .sort((a, b) => depthOf(b.key) - depthOf(a.key))[0]!;
    const direct = truth.memberships
      .filter(([group, member]) => member === user.key && groupKeys.has(group))
      .map(([group]) => truth.groups.find((g) => g.key === group)!.displayName)
      .sort();
    const all = transitiveGroups(truth, user.key);
    expect(all.length).toBeGreaterThan(direct.length);

    const result = await call('directory_get_user', { user: user.upn });
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toMatchObject({
      UPNs: [user.upn],
      DisplayNames: [user.displayName],
      Ambiguous: false,
      ResetInProgress: false,
    });
    expect([...(result.keyFields['GroupNames'] as string[])].sort()).toEqual(all);
    const [candidate] = result.context as Array<{
      directGroups: Array<{ info: { displayName: string } }>;
      groups: Array<{ depth: number }>;
    }>;
    expect(candidate!.directGroups.map((g) => g.info.displayName).sort()).toEqual(direct);
    expect(Math.max(...candidate!.groups.map((g) => g.depth))).toBeGreaterThan(1);

    const status = await call('directory_status', {});
    expect(status.keyFields).toMatchObject({
      InstancesCount: 1,
      Users: truth.users.length,
      Groups: truth.groups.length,
      Memberships: truth.memberships.length,
      RejectedEvents: 0,
    });
  });

  /** A user with a UPN whose groups nest (transitive more than direct), and those groups from the truth. */
  async function nestedUser() {
    const truth = (await emulator.control('GET', '/__emulator/directory/truth')).body as DirectorySnapshot;
    const user = truth.users
      .filter((u) => u.upn !== undefined)
      .sort((a, b) => transitiveGroups(truth, b.key).length - transitiveGroups(truth, a.key).length)[0]!;
    return { user, groups: transitiveGroups(truth, user.key) };
  }

  /** The environment of a `kconnect` process on the service's database, with a configuration of no connection. */
  const cliEnv = () => {
    const file = (database.location as { file: string }).file;
    const config = path.join(path.dirname(file), 'kconnect.yaml');
    writeFileSync(config, 'directory: {}\n');
    return { ...process.env, KCONNECT_SERVICE_DATABASE: file, KCONNECT_CONFIG: config };
  };

  it('the CLI reads what the service received: kconnect directory-get-user by UPN', async () => {
    const { user, groups } = await nestedUser();
    const run = await kconnectRun(['directory-get-user', '--user', user.upn!, '--format', 'json'], cliEnv());
    expect(run.code, run.output).toBe(0);
    const result = JSON.parse(run.stdout) as { keyFields: Record<string, unknown> };
    expect(result.keyFields).toMatchObject({ UPNs: [user.upn], DisplayNames: [user.displayName] });
    expect([...(result.keyFields['GroupNames'] as string[])].sort()).toEqual(groups);
  });

  it('kconnect mcp opens the same directory: directory_get_user and directory_list_users as tools', async () => {
    const { user, groups } = await nestedUser();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: cliEnv() as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'kconnect-directory-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const found = (await client.callTool({
        name: 'directory_get_user',
        arguments: { user: user.upn },
      })) as {
        isError?: boolean;
        structuredContent?: { keyFields: Record<string, unknown> };
      };
      expect(found.isError ?? false, JSON.stringify(found)).toBe(false);
      expect(found.structuredContent!.keyFields).toMatchObject({ UPNs: [user.upn] });
      expect([...(found.structuredContent!.keyFields['GroupNames'] as string[])].sort()).toEqual(groups);
      const listed = (await client.callTool({
        name: 'directory_list_users',
        arguments: { search: user.upn },
      })) as { structuredContent?: { context: Array<{ info: { upn?: string } }> } };
      expect(listed.structuredContent!.context.map((u) => u.info.upn)).toEqual([user.upn]);
    } finally {
      await client.close();
    }
  });

  it('counts refused events by reason, and keeps the totals across a restart', async () => {
    const post = (body: unknown, type = 'application/cloudevents-batch+json') =>
      request(service.url, '/v1/directory/events', {
        body: JSON.stringify(body),
        headers: { 'Content-Type': type },
        token: ingest,
      });
    const event = {
      specversion: '1.0',
      id: 'refused-1',
      source: 'osmp-ds-info-provider',
      type: 'ds_info_reset',
      time: '2024-09-13T09:44:22Z',
      data: { tenant_id: 't', ksc_instance_id: 'k' },
    };
    const batch = await post([
      { ...event, time: undefined },
      { ...event, id: 'refused-2', time: undefined },
      { ...event, id: 'refused-3', source: 'elsewhere' },
    ]);
    expect(batch.status).toBe(200);
    expect(
      (await post({ ...event, id: 'refused-4', specversion: '0.3' }, 'application/cloudevents+json')).status,
    ).toBe(400);

    const expected = [
      { via: 'http', reason: 'source: expected "osmp-ds-info-provider"', total: 1, sinceStart: 1 },
      { via: 'http', reason: 'specversion: expected "1.0"', total: 1, sinceStart: 1 },
      { via: 'http', reason: 'time: required', total: 2, sinceStart: 2 },
    ];
    const before = await call('directory_status', {});
    expect(before.keyFields).toMatchObject({ RejectedEvents: 4, RejectedSinceStart: 4 });
    expect((before.raw as { rejected: unknown }).rejected).toEqual({
      total: 4,
      sinceStart: 4,
      reasons: expected,
    });

    await service.close();
    service = await serve(database.location);
    read = (await service.tokens.create('soc-reader-2', 'read')).token;
    const after = await call('directory_status', {});
    expect(after.keyFields).toMatchObject({ RejectedEvents: 4, RejectedSinceStart: 0 });
    expect((after.raw as { rejected: unknown }).rejected).toEqual({
      total: 4,
      sinceStart: 0,
      reasons: expected.map((r) => ({ ...r, sinceStart: 0 })),
    });
  });
});
