import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rawPost,
  startTestEmulator,
  type KscCaller,
  type KscCallError,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';
import { waitFor } from '../../support/wait-for.ts';

describe('KSC emulator control API and fault injection', () => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 60, events: 400, liveRate: 40 });
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('adds latency to every API call', async () => {
    await emu.control('POST', '/__emulator/faults', { latencyMs: 150 });
    const started = performance.now();
    await admin.call('Session.Ping');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await emu.control('DELETE', '/__emulator/faults');
  });

  it('answers every call responseTimeMs after it arrived, its work inside that time (not added to it)', async () => {
    const timed = async (): Promise<number> => {
      const started = performance.now();
      await admin.call('Session.Ping');
      return performance.now() - started;
    };
    try {
      const set = await emu.control('POST', '/__emulator/faults', { responseTimeMs: 200 });
      expect(set.body).toEqual({ faults: { responseTimeMs: 200 } });
      expect(await timed()).toBeGreaterThanOrEqual(195);
      // 150 ms of work before the call runs (the latency fault stands in for a slow call): still answered at 200.
      await emu.control('POST', '/__emulator/faults', { responseTimeMs: 200, latencyMs: 150 });
      const withWork = await timed();
      expect(withWork).toBeGreaterThanOrEqual(195);
      expect(withWork).toBeLessThan(330);
      // Work longer than the response time: answered when the work is done, nothing added.
      await emu.control('POST', '/__emulator/faults', { responseTimeMs: 50, latencyMs: 250 });
      const longWork = await timed();
      expect(longWork).toBeGreaterThanOrEqual(245);
      expect(longWork).toBeLessThan(290);
      // latencyMs alone is unchanged: added before the call.
      await emu.control('POST', '/__emulator/faults', { latencyMs: 150 });
      expect(await timed()).toBeGreaterThanOrEqual(140);
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
  });

  it("injects 5xx answers (errorRate, errorStatus) in KSC's error shape, the call not run", async () => {
    await emu.control('POST', '/__emulator/faults', { errorRate: 1, errorStatus: 502 });
    const groupsBefore = emu.ksc.world.groups.size;
    let reply: Awaited<ReturnType<typeof rawPost>>;
    try {
      reply = await rawPost(
        emu.url,
        '/api/v1.0/HostGroup.AddGroup',
        JSON.stringify({ pInfo: { name: 'injected-502', parentId: 0 } }),
        admin.headers,
      );
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.text)).toEqual({
      PxgError: expect.objectContaining({ code: 1182, module: 'KLSTD', message: expect.any(String) }),
    });
    expect(emu.ksc.world.groups.size).toBe(groupsBefore);
    await admin.call('Session.Ping');
  });

  it('trickles answers out at slowBodyBytesPerSecond, whole', async () => {
    // Fields that stay put while live mode adds events.
    const body = JSON.stringify({
      pValues: [
        'KLADMSRV_PRODUCT_NAME',
        'KLADMSRV_PRODUCT_FULL_VERSION',
        'KLADMSRV_SERVER_HOSTNAME',
        'KLADMSRV_USER_NAME',
      ],
    });
    const normal = await rawPost(emu.url, '/api/v1.0/HostGroup.GetStaticInfo', body, admin.headers);
    expect(normal.status).toBe(200);
    await emu.control('POST', '/__emulator/faults', {
      slowBodyBytesPerSecond: Math.ceil(normal.text.length * 2) + 1,
    });
    try {
      const started = performance.now();
      const slow = await rawPost(emu.url, '/api/v1.0/HostGroup.GetStaticInfo', body, admin.headers);
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
      expect(slow.status).toBe(200);
      expect(slow.text).toBe(normal.text);
    } finally {
      await emu.control('DELETE', '/__emulator/faults');
    }
  });

  it('resets connections at the configured rate, before the call takes effect, with a repeatable sequence', async () => {
    await emu.control('POST', '/__emulator/faults', { resetRate: 0.5, seed: 42 });
    const outcomes: string[] = [];
    const groupsBefore = emu.ksc.world.groups.size;
    for (let i = 0; i < 40; i++) {
      const agent = new http.Agent({ keepAlive: false });
      try {
        const reply = await rawPost(
          emu.url,
          '/api/v1.0/HostGroup.AddGroup',
          JSON.stringify({ pInfo: { name: `reset-${i}`, parentId: 0 } }),
          admin.headers,
          agent,
        );
        outcomes.push(reply.status === 200 ? 'ok' : `status ${reply.status}`);
      } catch (error) {
        outcomes.push((error as NodeJS.ErrnoException).code ?? 'error');
      } finally {
        agent.destroy();
      }
    }
    await emu.control('DELETE', '/__emulator/faults');
    const resets = outcomes.filter((o) => o === 'ECONNRESET').length;
    expect(resets).toBeGreaterThan(8);
    expect(resets).toBeLessThan(32);
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'ECONNRESET')).toEqual([]);
    // A reset call never ran: exactly the calls that answered created a group.
    expect(emu.ksc.world.groups.size - groupsBefore).toBe(outcomes.filter((o) => o === 'ok').length);
    const state = (await emu.control('GET', '/__emulator/state')).body as { counters: { resets: number } };
    expect(state.counters.resets).toBeGreaterThanOrEqual(resets);
  });

  it('resets after the call took effect when asked: the ambiguous failure', async () => {
    await emu.control('POST', '/__emulator/faults', { resetRate: 1, resetPhase: 'after' });
    const agent = new http.Agent({ keepAlive: false });
    const outcome = await rawPost(
      emu.url,
      '/api/v1.0/HostGroup.AddGroup',
      JSON.stringify({ pInfo: { name: 'applied-then-reset', parentId: 0 } }),
      admin.headers,
      agent,
    ).then(
      (reply) => `status ${reply.status}`,
      (error: NodeJS.ErrnoException) => error.code ?? 'error',
    );
    agent.destroy();
    await emu.control('DELETE', '/__emulator/faults');
    expect(outcome).toBe('ECONNRESET');
    // The client saw a failure, yet the group exists: exactly why mutating calls are not retried blindly.
    expect([...emu.ksc.world.groups.values()].some((g) => g.name === 'applied-then-reset')).toBe(true);
  });

  it('expires every session on demand: later calls in them get 403', async () => {
    const caller = await emu.session('analyst');
    expect((await caller.raw('Session.Ping')).status).toBe(200);
    const ended = await emu.control('POST', '/__emulator/sessions/expire');
    expect((ended.body as { ended: number }).ended).toBeGreaterThanOrEqual(1);
    expect((await caller.raw('Session.Ping')).status).toBe(403);
    admin = await emu.session();
  });

  it('destroys every result set on demand', async () => {
    const found = await admin.call('HostGroup.FindHosts', {
      vecFieldsToReturn: ['KLHST_WKS_DN'],
      lMaxLifeTime: 600,
    });
    await emu.control('POST', '/__emulator/iterators/expire');
    const gone = await admin
      .call('ChunkAccessor.GetItemsCount', { strAccessor: found['strAccessor'] as string })
      .catch((e: unknown) => e);
    expect((gone as KscCallError).pxgCode).toBe(1186);
  });

  it('keeps adding events in live mode', async () => {
    const before = emu.ksc.world.eventCount;
    // 40 a second on the wall clock: a second or two, longer on a loaded machine.
    await waitFor(() => emu.ksc.world.eventCount >= before + 40, { what: '40 live events' });
    expect(emu.ksc.world.eventCount).toBeGreaterThanOrEqual(before + 40);
    const newest = await emu.ksc.world.db
      .selectFrom('events')
      .select('rise_time')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Math.abs(Number(newest.rise_time) - emu.ksc.clock.now())).toBeLessThan(5000);
  });

  it('resets the world to its seed', async () => {
    await admin.call('HostGroup.AddGroup', { pInfo: { name: 'to be forgotten', parentId: 0 } });
    const reset = await emu.control('POST', '/__emulator/reset');
    expect(reset.status).toBe(200);
    expect([...emu.ksc.world.groups.values()].some((g) => g.name === 'to be forgotten')).toBe(false);
    expect(emu.ksc.world.hosts.size).toBe(60);
    expect((await admin.raw('Session.Ping')).status).toBe(403);
  });
});
