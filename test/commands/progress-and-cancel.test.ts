/**
 * Progress and cancellation through `executeCommand`, on a real emulator: a large list reports `reading`
 * progress page by page, a wait reports `waiting` progress, and the context's signal aborts a KSC call in
 * flight (the emulator made slow), which fails the command at once with CANCELLED, without retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../src/commands/core/execute.ts';
import { isolateHosts } from '../../src/commands/ksc/isolate-hosts.ts';
import { listHosts } from '../../src/commands/ksc/list-hosts.ts';
import type { CommandContext, ProgressUpdate } from '../../src/commands/core/types.ts';
import { KconnectError } from '../../src/errors.ts';
import { KscClient, type KscLogRecord } from '../../src/ksc/index.ts';
import { TEST_PASSWORD } from '../support/ksc-emulator.ts';
import { waitFor } from '../support/wait-for.ts';
import { firstError, startCommandHarness, type CommandHarness } from './support.ts';

/** Hosts of the world, of all virtual servers: the main server gets more than two pages of `list_hosts` (1000). */
const HOSTS = 4_000;

describe('progress and cancellation (real emulator)', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness({ hosts: HOSTS, events: 50 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reports reading progress after every page of a large list: growing, ending at the hosts returned', async () => {
    const updates: ProgressUpdate[] = [];
    const ctx: CommandContext = { ...h.context(), progress: (u) => updates.push(u) };
    const result = await executeCommand(listHosts, ctx, { limit: 5000, fields: ['KLHST_WKS_HOSTNAME'] });
    expect(result.status).toBe('Successful');
    const returned = (result.keyFields['HostIDs'] as string[]).length;
    const total = h.emu.ksc.world.hostsOf(0).length;
    expect(total).toBeGreaterThan(2000);
    expect(returned).toBe(total);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    expect(updates.every((u) => u.phase === 'reading' && u.label === 'hosts')).toBe(true);
    const done = updates.map((u) => u.done);
    for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThan(done[i - 1]!);
    expect(done[0]).toBe(1000);
    expect(done.at(-1)).toBe(returned);
    // FindHosts said how many matched; the limit is above it, so that is the total.
    expect(updates.every((u) => u.total === total)).toBe(true);
  });

  it('caps the total at the limit, and a listener that throws does not fail the command', async () => {
    const seen: ProgressUpdate[] = [];
    const ctx: CommandContext = {
      ...h.context(),
      progress: (u) => {
        seen.push(u);
        throw new Error('the terminal went away');
      },
    };
    const result = await executeCommand(listHosts, ctx, { limit: 1500, fields: ['KLHST_WKS_HOSTNAME'] });
    expect(result.status).toBe('Successful');
    expect(seen.map((u) => [u.done, u.total])).toEqual([
      [1000, 1500],
      [1500, 1500],
    ]);
  });

  it('reports waiting progress between looks', async () => {
    const updates: ProgressUpdate[] = [];
    const host = h.emu.ksc.world.hostsOf(0).find((x) => x.products.some((p) => p.name === 'EDRAgent'))!;
    // The host isolates itself at its next agent sync; the harness's sleep moves the emulator's clock.
    const ctx: CommandContext = { ...h.context(), progress: (u) => updates.push(u) };
    const result = await executeCommand(isolateHosts, ctx, {
      hostIds: [host.id],
      wait: true,
      waitTimeoutSeconds: 600,
    });
    expect(result.status).toBe('Successful');
    const waiting = updates.filter((u) => u.phase === 'waiting');
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    waiting.forEach((u, i) => {
      expect(u).toMatchObject({ label: 'agent sync', total: 600_000, looks: i + 1 });
      if (i > 0) expect(u.done).toBeGreaterThan(waiting[i - 1]!.done);
    });
  });

  describe('with a slow KSC', () => {
    const LATENCY_MS = 3000;
    let client: KscClient;
    const log: KscLogRecord[] = [];
    beforeAll(async () => {
      client = new KscClient(
        { url: h.emu.url, credentials: { user: 'admin', password: TEST_PASSWORD }, backoffMs: 1 },
        { sleep: () => Promise.resolve(), logger: (r) => log.push(r) },
      );
      // Logged in before KSC slows down, so the call cut short is FindHosts itself.
      await client.call('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_SERVER_VERSION_ID'] });
      await h.emu.control('POST', '/__emulator/faults', { latencyMs: LATENCY_MS });
    });
    afterAll(async () => {
      await h.emu.control('DELETE', '/__emulator/faults');
      await client?.close();
    });

    const context = (signal: AbortSignal): CommandContext => ({ ksc: client, now: Date.now, signal });
    /** Aborts once the emulator has received a call more than `seen`: the call is then in flight. */
    const abortInFlight = async (controller: AbortController, seen: number) => {
      await waitFor(async () => (await h.emu.callsReceived()) > seen, { what: 'the call to reach KSC' });
      controller.abort();
    };

    it('aborts the call in flight and fails at once with CANCELLED; the client goes on working', async () => {
      const controller = new AbortController();
      const seen = await h.emu.callsReceived();
      const started = Date.now();
      const running = executeCommand(listHosts, context(controller.signal), { limit: 5 });
      await abortInFlight(controller, seen);
      const result = await running;
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(LATENCY_MS / 2);
      expect(result.status).toBe('Failed');
      const error = firstError(result);
      expect(error).toMatchObject({
        code: 'CANCELLED',
        statusCode: 499,
        failureIndicator: 'List Hosts failed.',
      });
      expect(error.message).toBe('HostGroup.FindHosts was cancelled before KSC answered');
      // A read would be repeated after a connection failure; a cancel is not one.
      expect(log.filter((r) => r.message.startsWith('retrying'))).toEqual([]);

      await h.emu.control('DELETE', '/__emulator/faults');
      const again = await executeCommand(listHosts, { ksc: client, now: Date.now }, { limit: 5 });
      expect(again.status).toBe('Successful');
      expect((again.keyFields['HostIDs'] as string[]).length).toBe(5);
      await h.emu.control('POST', '/__emulator/faults', { latencyMs: LATENCY_MS });
    });

    it('fails at once without calling KSC when the signal has already aborted, and keeps a kconnect reason', async () => {
      const calls = log.filter((r) => r.message === 'call').length;
      const result = await executeCommand(listHosts, context(AbortSignal.abort('user pressed stop')), {
        limit: 5,
      });
      expect(firstError(result)).toMatchObject({ code: 'CANCELLED', statusCode: 499 });
      expect(log.filter((r) => r.message === 'call').length).toBe(calls);

      const shutdown = new AbortController();
      shutdown.abort(new KconnectError('UPSTREAM_UNAVAILABLE', 'The service is shutting down; retry'));
      const refused = await executeCommand(listHosts, context(shutdown.signal), { limit: 5 });
      expect(firstError(refused)).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        statusCode: 503,
        message: 'The service is shutting down; retry',
      });
    });

    it('says that a change may have taken effect when it was cancelled after being sent', async () => {
      const controller = new AbortController();
      const seen = await h.emu.callsReceived();
      const calling = client
        .withSignal(controller.signal)
        .call('HostGroup.AddGroup', { pInfo: { name: 'cancelled-add', parentId: 0 } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      await abortInFlight(controller, seen);
      const error = await calling;
      expect(error).toMatchObject({
        name: 'CancelledError',
        code: 'CANCELLED',
        method: 'HostGroup.AddGroup',
        retryable: false,
        message: 'HostGroup.AddGroup was cancelled before KSC answered; KSC may have carried it out',
      });
    });
  });
});
