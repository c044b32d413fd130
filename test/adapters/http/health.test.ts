import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Health } from '../../../src/adapters/http/health.ts';
import { createContextFactory, loadConfig, type ContextFactory } from '../../../src/config/index.ts';
import { KconnectError } from '../../../src/errors.ts';
import { TEST_PASSWORD } from '../../support/ksc-emulator.ts';
import { startServiceHarness, type ServiceHarness } from './support.ts';

describe('Health by connection', () => {
  it('reports each connection by name with its type, from the same checks and cache as /readyz', async () => {
    let runs = 0;
    const health = new Health({
      cacheMs: 60_000,
      checks: [
        { name: 'database', run: () => Promise.resolve() },
        {
          name: 'ksc:prod',
          connection: { name: 'prod', type: 'ksc' },
          run: () => Promise.resolve(void runs++),
        },
        {
          name: 'kics:plant',
          connection: { name: 'plant', type: 'kics' },
          run: () => Promise.reject(new KconnectError('UNAUTHENTICATED', 'The server refused the token')),
        },
      ],
    });
    const states = await health.connections();
    expect([...states.keys()]).toEqual(['prod', 'plant']);
    expect(states.get('prod')).toMatchObject({
      connection: { name: 'prod', type: 'ksc' },
      ok: true,
      error: null,
    });
    expect(states.get('plant')).toMatchObject({
      connection: { name: 'plant', type: 'kics' },
      ok: false,
      error: 'The server refused the token',
    });
    expect((await health.ready()).checks.map((c) => c.name)).toEqual(['database', 'ksc:prod', 'kics:plant']);
    expect(runs).toBe(1); // one run served both answers
    health.drain();
    expect((await health.connections()).get('prod')).toEqual({
      connection: { name: 'prod', type: 'ksc' },
      ok: false,
      error: 'shutting down',
      durationMs: null,
    });
  });
});

describe('readiness of configured connections', () => {
  let h: ServiceHarness;
  let dir: string;
  let factory: ContextFactory | undefined;
  beforeAll(async () => {
    // As `kconnect serve` starts the service: the connections with their type, each checked by its own client.
    h = await startServiceHarness({
      service: {
        connections: [
          { name: 'lab', type: 'ksc' },
          { name: 'gone', type: 'ksc' },
        ],
        defaultConnection: 'lab',
        clients: (name) => {
          if (factory === undefined) throw new KconnectError('UPSTREAM_UNAVAILABLE', 'not configured yet');
          return factory.vendorClient(name);
        },
        readiness: { cacheMs: 0 },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'kconnect-health-'));
    writeFileSync(
      join(dir, 'kconnect.yaml'),
      [
        'connections:',
        `  lab: { type: ksc, url: "${h.emu.url}", user: admin, passwordEnv: KSC_PASSWORD }`,
        '  gone: { url: "http://127.0.0.1:9", user: admin, passwordEnv: KSC_PASSWORD, attempts: 1 }',
      ].join('\n'),
    );
    factory = createContextFactory(loadConfig({ env: { KSC_PASSWORD: TEST_PASSWORD }, cwd: dir }), {
      env: {},
    });
  });
  afterAll(async () => {
    await factory?.close();
    await h?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('names each check by type and connection, and lists the connections by name', async () => {
    const ready = await h.get('/readyz', h.tokens.read);
    expect(ready.status).toBe(503);
    const checks = (ready.json as unknown as { checks: Array<{ name: string; ok: boolean }> }).checks;
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['database', true],
      ['ksc:lab', true],
      ['ksc:gone', false],
    ]);
    const listed = await h.get('/v1/connections', h.tokens.read);
    const { connections } = listed.json as unknown as {
      connections: Array<{ name: string; default: boolean; ok: boolean; error: string | null }>;
    };
    expect(connections.map((c) => [c.name, c.default, c.ok])).toEqual([
      ['lab', true, true],
      ['gone', false, false],
    ]);
    expect(connections[1]?.error).toBe('Connection to http://127.0.0.1:9 failed (ECONNREFUSED)');
  });
});
