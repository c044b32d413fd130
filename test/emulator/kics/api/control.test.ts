/**
 * The KICS emulator's control API and lifecycle on SQLite and PostgreSQL: the world's figures, added events and
 * devices, tokens without mutual TLS, reset, faults (injected 5xx, latency, slow bodies), a restart on the same
 * data, and live mode.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONNECTOR_USER } from '../../../../src/emulator/kics/auth/kics-auth.ts';
import type { Device, KicsEvent } from '../../../../src/kics/model.ts';
import { waitFor } from '../../../support/wait-for.ts';
import {
  API,
  BACKENDS,
  SMALL_WORLD,
  startKicsApiHarness,
  valuesOf,
  type Backend,
  type KicsApiHarness,
} from './harness.ts';

interface World {
  readonly devices: number;
  readonly events: number;
  readonly connectors: ReadonlyArray<{ name: string; user: string; state: string }>;
  readonly users: ReadonlyArray<{ name: string }>;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

describe.each(BACKENDS)('KICS emulator control API (%s)', (backend: Backend) => {
  const pgUrl = (): string | undefined => (backend === 'postgres' ? inject('pgUrl') : undefined);
  let h: KicsApiHarness;
  beforeAll(async () => {
    h = await startKicsApiHarness(backend, pgUrl());
  });
  afterAll(async () => {
    await h?.close();
  });

  async function world(): Promise<World> {
    const answer = await h.control('GET', '/world');
    expect(answer.status).toBe(200);
    return answer.json as World;
  }

  it('refuses a call without the control token', async () => {
    const answer = await h.call('GET', '/__emulator/world', { token: null });
    expect(answer.status).toBe(401);
    expect((await h.call('GET', '/__emulator/world')).status).toBe(401);
  });

  it('GET /world shows the figures, the first connector and its user', async () => {
    const figures = await world();
    expect(figures).toMatchObject({ devices: SMALL_WORLD.devices, events: SMALL_WORLD.events });
    expect(figures.connectors).toEqual([
      expect.objectContaining({ name: 'kconnect', user: CONNECTOR_USER, state: 'active' }),
    ]);
    expect(figures.users.map((user) => user.name)).toContain(CONNECTOR_USER);
  });

  it('POST /events adds events that are readable and queryable', async () => {
    const before = await world();
    const answer = await h.control('POST', '/events', { count: 5 });
    expect(answer.status).toBe(200);
    const { added, ids } = answer.json as { added: number; ids: number[] };
    expect(added).toBe(5);
    expect((await world()).events).toBe(before.events + 5);
    const found = valuesOf<KicsEvent>(
      await h.api('POST', '/events/query', { filter: [{ field: 'id', condition: 'IsOneOf', value: ids }] }),
    );
    expect(found.map((event) => event.id)).toEqual(ids);
    expect((await h.api('GET', `/events/${ids[0] ?? 0}`)).status).toBe(200);
    expect((await h.control('POST', '/events', { count: 0 })).status).toBe(400);
  });

  it('POST /devices adds Unauthorized devices', async () => {
    const answer = await h.control('POST', '/devices', { count: 2 });
    expect(answer.status).toBe(200);
    const { ids } = answer.json as { ids: number[] };
    expect(ids).toHaveLength(2);
    for (const id of ids)
      expect((await h.api('GET', `/devices/${id}`)).json).toMatchObject({ id, status: 'Unauthorized' });
    const unauthorized = valuesOf<Device>(
      await h.api('POST', '/devices/query', { filter: [{ field: 'status', value: 'Unauthorized' }] }),
    );
    expect(unauthorized.map((device) => device.id)).toEqual(expect.arrayContaining(ids));
  });

  it('POST /tokens mints a token the API takes; an unknown connector is a 404', async () => {
    const answer = await h.control('POST', '/tokens', {});
    expect(answer.status).toBe(200);
    const token = (answer.json as { access_token: string }).access_token;
    expect((await h.call('GET', `${API}/about`, { token })).status).toBe(200);
    expect((await h.control('POST', '/tokens', { connector: 'nobody' })).status).toBe(404);
  });

  describe('faults', () => {
    it('errorRate 1 with errorStatus 502 answers 502 {errorMessage}; clearing ends it', async () => {
      expect((await h.control('POST', '/faults', { errorRate: 1, errorStatus: 502 })).status).toBe(200);
      try {
        const answer = await h.api('GET', '/about');
        expect(answer.status).toBe(502);
        expect(answer.json).toEqual({ errorMessage: expect.any(String) });
        expect((await h.api('POST', '/devices/query', { limit: 1 })).status).toBe(502);
      } finally {
        await h.control('DELETE', '/faults');
      }
      expect((await h.api('GET', '/about')).status).toBe(200);
    });

    it('latencyMs delays every answer', async () => {
      const baseline = await timed(() => h.api('GET', '/about'));
      await h.control('POST', '/faults', { latencyMs: 400 });
      try {
        const slow = await timed(() => h.api('GET', '/about'));
        expect(slow.value.status).toBe(200);
        expect(slow.ms).toBeGreaterThanOrEqual(400);
        expect(slow.value.json).toEqual(baseline.value.json);
      } finally {
        await h.control('DELETE', '/faults');
      }
    });

    it('slowBodyBytesPerSecond trickles an answer out, whole', async () => {
      const body = { limit: 10 };
      const normal = await h.api('POST', '/devices/query', body);
      expect(normal.bytes.length).toBeGreaterThan(4_000);
      // About half a second for the page at this rate.
      const rate = Math.ceil(normal.bytes.length * 2);
      await h.control('POST', '/faults', { slowBodyBytesPerSecond: rate });
      try {
        const slow = await timed(() => h.api('POST', '/devices/query', body));
        expect(slow.value.status).toBe(200);
        expect(slow.value.text).toBe(normal.text);
        expect(slow.ms).toBeGreaterThanOrEqual(300);
      } finally {
        await h.control('DELETE', '/faults');
      }
    });
  });

  it('POST /reset regenerates the world; the connector package still gets tokens', async () => {
    const [device] = valuesOf<Device>(await h.api('POST', '/devices/query', { limit: 1 }));
    expect((await h.api('DELETE', `/devices/${device?.id ?? 0}`)).status).toBe(200);
    await h.control('POST', '/events', { count: 3 });
    const reset = await h.control('POST', '/reset');
    expect(reset.json).toEqual({ devices: SMALL_WORLD.devices, events: SMALL_WORLD.events });
    expect((await world()).events).toBe(SMALL_WORLD.events);
    expect((await h.api('GET', `/devices/${device?.id ?? 0}`)).json).toMatchObject({
      id: device?.id,
      name: device?.name,
    });
    expect((await h.grant()).status).toBe(200);
    expect((await world()).connectors).toHaveLength(1);
  });

  it('a restart on the same data keeps the world, its changes and the connector', async () => {
    const created = await h.api('POST', '/devices', {
      name: `survives-restart-${backend}`,
      addressInformation: [{ macAddress: '02:00:00:00:bb:01' }],
    });
    const id = (created.json as { deviceId: number }).deviceId;
    const before = await world();
    const oldToken = h.token;
    await h.restart();
    expect(await world()).toEqual(before);
    expect((await h.api('GET', `/devices/${id}`)).json).toMatchObject({
      name: `survives-restart-${backend}`,
    });
    // Tokens are signed with a secret kept in the data: one issued before the restart still works.
    expect((await h.call('GET', `${API}/about`, { token: oldToken })).status).toBe(200);
  });

  it('live mode adds events over about two seconds', async () => {
    const live = await startKicsApiHarness(backend, pgUrl(), { liveRate: 5, devices: 40, events: 100 });
    try {
      const count = async (): Promise<number> => valuesOf(await live.api('POST', '/events/query', {})).length;
      const start = await count();
      const grown = await waitFor(
        async () => {
          const now = await count();
          return now >= start + 5 ? now : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 200, what: 'live events' },
      );
      expect(grown).toBeGreaterThanOrEqual(start + 5);
    } finally {
      await live.close();
    }
  });
});
