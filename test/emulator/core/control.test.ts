import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../../src/emulator/core/clock.ts';
import { CONTROL_PREFIX, createControlApi } from '../../../src/emulator/core/control.ts';
import { FaultInjector } from '../../../src/emulator/core/fault-injection.ts';
import { listen, type ListeningServer, type EmulatorEnv } from '../../../src/emulator/core/server.ts';

const TOKEN = 'test-control-token-core';
const auth = { Authorization: `Bearer ${TOKEN}` };

let running: ListeningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** The skeleton alone on a plain-HTTP server, as a second emulator would start from it: no KSC route in sight. */
async function skeleton() {
  let real = 1_700_000_000_000;
  const clock = new EmulatorClock(() => real);
  const faults = new FaultInjector();
  const app = new Hono<EmulatorEnv>();
  const control = createControlApi({
    token: TOKEN,
    clock,
    faults,
    afterAdvance: async () => ({ work: 3 }),
    state: () => ({ devices: 7 }),
    rotateCertificate: (keep) => server.rotateCertificate(keep),
  });
  app.route(CONTROL_PREFIX, control);
  const server = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0 });
  running = server;
  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${CONTROL_PREFIX}${path}`, init);
  return { request, clock, faults, tick: (ms: number) => (real += ms) };
}

describe('control API skeleton', () => {
  it('refuses calls without the bearer token', async () => {
    const { request } = await skeleton();
    expect((await request('/state')).status).toBe(401);
    expect((await request('/state', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await request('/state', { headers: auth })).status).toBe(200);
  });

  it('reports the clock, the emulator’s own state and the fault settings', async () => {
    const { request } = await skeleton();
    const state = (await (await request('/state', { headers: auth })).json()) as Record<string, unknown>;
    expect(state).toEqual({
      now: '2023-11-14T22:13:20.000Z',
      devices: 7,
      faults: {},
      counters: { calls: 0, resets: 0, errors: 0 },
    });
  });

  it('advances and freezes the clock; what fell due joins the answer', async () => {
    const { request, clock, tick } = await skeleton();
    const post = (path: string, body: unknown) =>
      request(path, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    const advanced = await post('/clock/advance', { seconds: 60, ms: 500 });
    expect(await advanced.json()).toEqual({ now: '2023-11-14T22:14:20.500Z', work: 3 });
    expect((await post('/clock/advance', { ms: -1 })).status).toBe(400);

    expect(await (await post('/clock/freeze', {})).json()).toMatchObject({ frozen: true });
    tick(10_000);
    expect(clock.now()).toBe(Date.parse('2023-11-14T22:14:20.500Z'));
    expect(await (await post('/clock/freeze', { frozen: false })).json()).toMatchObject({ frozen: false });
  });

  it('switches faults on and off', async () => {
    const { request, faults } = await skeleton();
    const on = await request('/faults', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ latencyMs: 5, resetRate: 0.25, seed: 7 }),
    });
    expect(await on.json()).toEqual({ faults: { latencyMs: 5, resetRate: 0.25, seed: 7 } });
    expect(faults.current()).toEqual({ latencyMs: 5, resetRate: 0.25, seed: 7 });
    const bad = await request('/faults', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ resetRate: 2 }),
    });
    expect(bad.status).toBe(400);
    await request('/faults', { method: 'DELETE', headers: auth });
    expect(faults.current()).toEqual({});
  });

  it('answers 409 when the certificate cannot rotate: the server speaks plain HTTP', async () => {
    const { request } = await skeleton();
    const rotated = await request('/tls/rotate', { method: 'POST', headers: auth });
    expect(rotated.status).toBe(409);
    expect(await rotated.json()).toEqual({ error: 'the emulator serves plain HTTP' });
  });
});
