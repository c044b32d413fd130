import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addGroup } from '../../../src/commands/ksc/add-group.ts';
import { listUsers } from '../../../src/commands/ksc/list-users.ts';
import { KconnectError } from '../../../src/errors.ts';
import { KscClient } from '../../../src/ksc/index.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../../commands/support.ts';
import { TEST_PASSWORD } from '../../support/ksc-emulator.ts';

/**
 * Proof row R22: malformed answers on demand (`POST /__emulator/faults/malformed`), read by the real KSC client
 * and a command. Every kind ends in a classified error, the client stays usable, and a command never reports a
 * partial result built from a broken page.
 */
describe('KSC emulator: malformed answers on demand (R22)', () => {
  let h: CommandHarness;
  let client: KscClient;
  beforeAll(async () => {
    h = await startCommandHarness({ hosts: 40, events: 100 });
    client = new KscClient(
      { url: h.emu.url, credentials: { user: 'admin', password: TEST_PASSWORD }, backoffMs: 1 },
      { sleep: () => Promise.resolve() },
    );
  });
  afterEach(async () => {
    await h.emu.control('DELETE', '/__emulator/faults/malformed');
  });
  afterAll(async () => {
    await client?.close();
    await h?.stop();
  });

  const arm = (method: string, kind: string, extra: Record<string, unknown> = {}) =>
    h.emu.control('POST', '/__emulator/faults/malformed', { method, kind, ...extra });

  it('refuses an unknown method or kind, and reports what is armed in /state', async () => {
    expect((await arm('HostGroup.NoSuchMethod', 'json')).status).toBe(400);
    expect((await arm('HostGroup.FindHosts', 'garbage')).status).toBe(400);
    expect((await arm('Session.Ping', 'json', { count: 2 })).status).toBe(200);
    const state = (await h.emu.control('GET', '/__emulator/state')).body as {
      malformed: { armed: unknown[] };
    };
    expect(state.malformed.armed).toEqual([
      expect.objectContaining({ method: 'Session.Ping', kind: 'json', count: 2 }),
    ]);
  });

  it.each([
    ['json', 'UPSTREAM_ERROR'],
    ['pxgerror-partial', 'UPSTREAM_ERROR'],
  ])('%s: the client throws a classified error, then the next call succeeds', async (kind, code) => {
    await arm('AdmServerSettings.GetSharedFolder', kind, { count: 1 });
    const error = await client.call('AdmServerSettings.GetSharedFolder', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KconnectError);
    expect((error as KconnectError).code).toBe(code);
    expect((error as KconnectError).message).not.toBe('');
    // Only the armed count is broken: the client and its session are still good.
    await expect(client.call('AdmServerSettings.GetSharedFolder', {})).resolves.toBeDefined();
  });

  it('huge-string: the client reads the answer whole, without crashing, and keeps working', async () => {
    await arm('AdmServerSettings.GetSharedFolder', 'huge-string', { hugeLength: 8 * 1024 * 1024 });
    const outcome = await client.call('AdmServerSettings.GetSharedFolder', {}).then(
      (reply) => ({ ok: true as const, reply }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (outcome.ok) expect(String(outcome.reply['PxgRetVal'])).toHaveLength(8 * 1024 * 1024);
    else expect(outcome.error).toBeInstanceOf(KconnectError);
    await expect(client.call('AdmServerSettings.GetSharedFolder', {})).resolves.toBeDefined();
  });

  it.each(['json', 'types', 'pxgerror-partial'])(
    '%s on the page of list_users: Failed with a 5xx-class error, no partial rows',
    async (kind) => {
      await arm('SrvView.GetRecordRange', kind);
      const result = await h.run(listUsers, {});
      expect(result.status).toBe('Failed');
      const error = firstError(result);
      expect(error.statusCode).toBeGreaterThanOrEqual(500);
      expect(error.failureIndicator).toMatch(/List Users failed/);
      expect(error.message).not.toBe('');
      expect(result.context ?? []).toEqual([]);
      // The next run is whole again.
      expect((await h.run(listUsers, {})).status).toBe('Successful');
    },
  );

  it('a mutating command whose answer is broken fails classified, though the server carried it out', async () => {
    const name = 'malformed-answer-group';
    await arm('HostGroup.AddGroup', 'json');
    const failed = await h.run(addGroup, { name });
    expect(failed.status).toBe('Failed');
    expect(firstError(failed).statusCode).toBeGreaterThanOrEqual(500);
    // The server carried the call out (the break came after it, as on a real server): the caller learns that by
    // reading, not from the broken answer.
    const made = [...h.emu.ksc.world.groups.values()].filter((g) => g.name === name);
    expect(made).toHaveLength(1);
  });
});
