import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Health } from '../../../src/adapters/http/health.ts';
import { ServiceMetrics } from '../../../src/adapters/http/metrics.ts';
import { KconnectError } from '../../../src/errors.ts';
import { KscClient } from '../../../src/ksc/index.ts';
import { startService } from '../../../src/adapters/http/service.ts';
import { startServiceHarness, testServiceDatabase, type ServiceHarness } from './support.ts';

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const present = (match[2] ?? '').split(/,(?=[a-z_]+=")/).filter(Boolean);
    if (wanted.every((w) => present.includes(w)) && present.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

describe('health, readiness and metrics', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startServiceHarness({
      service: { connections: ['default', 'branch'], readiness: { cacheMs: 0 } },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('/healthz answers while the process serves', async () => {
    const answer = await h.get('/healthz');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok', replica: 'replica-a' });
  });

  it('/readyz checks the database and every KSC connection', async () => {
    const answer = await h.get('/readyz', h.tokens.read);
    expect(answer.status).toBe(200);
    const body = answer.json as { ready: boolean; checks: Array<{ name: string; ok: boolean }> };
    expect(body.ready).toBe(true);
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['database', true],
      ['ksc:default', true],
      ['ksc:branch', true],
    ]);
  });

  it('/metrics counts calls per command, connection and outcome, errors by code, and latency', async () => {
    await h.call('list_groups', { limit: 1 });
    await h.call('list_groups', { limit: 1 });
    await h.call('list_groups', { limit: 1 }, { connection: 'branch' });
    await h.call('get_host_status', { hostNames: ['NO-SUCH-HOST'] });
    await h.call('isolate_hosts', { hostIds: ['x'] });
    await h.call('list_groups', {}, { connection: 'made-up-1' });
    const answer = await h.get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = answer.text;
    const calls = (labels: Record<string, string>) => sample(text, 'kconnect_command_calls_total', labels);
    expect(calls({ command: 'list_groups', connection: 'default', outcome: 'Successful' })).toBe(2);
    expect(calls({ command: 'list_groups', connection: 'branch', outcome: 'Successful' })).toBe(1);
    expect(calls({ command: 'get_host_status', connection: 'default', outcome: 'Failed' })).toBe(1);
    expect(calls({ command: 'isolate_hosts', connection: 'default', outcome: 'denied' })).toBe(1);
    // A connection nobody configured is not a label of its own.
    expect(calls({ command: 'list_groups', connection: '(unknown)', outcome: 'invalid' })).toBe(1);
    expect(text).not.toContain('made-up-1');
    const errors = (labels: Record<string, string>) => sample(text, 'kconnect_command_errors_total', labels);
    expect(errors({ command: 'get_host_status', connection: 'default', code: 'NOT_FOUND' })).toBe(1);
    expect(errors({ command: 'isolate_hosts', connection: 'default', code: 'ACCESS_DENIED' })).toBe(1);
    const duration = (suffix: string, labels: Record<string, string>) =>
      sample(text, `kconnect_command_duration_seconds_${suffix}`, labels);
    expect(duration('count', { command: 'list_groups', connection: 'default' })).toBe(2);
    expect(duration('bucket', { command: 'list_groups', connection: 'default', le: '+Inf' })).toBe(2);
    expect(duration('sum', { command: 'list_groups', connection: 'default' })).toBeGreaterThan(0);
    // Refused calls did not run: no latency for them.
    expect(duration('count', { command: 'isolate_hosts', connection: 'default' })).toBeUndefined();
    expect(sample(text, 'kconnect_ksc_calls_in_flight', { connection: 'default' })).toBe(0);
    expect(sample(text, 'kconnect_ksc_calls_queued', { connection: 'branch' })).toBe(0);
  });

  it('/readyz answers 503 naming the KSC connection that does not answer', async () => {
    const down = new KscClient(
      { url: 'http://127.0.0.1:9', credentials: { user: 'admin', password: 'unused-0003' }, attempts: 1 },
      { sleep: () => Promise.resolve() },
    );
    const database = await testServiceDatabase('sqlite');
    const service = await startService({
      contexts: (connection) =>
        connection === 'down' ? { ksc: down, now: Date.now } : h.contexts.context(connection),
      connections: ['default', 'down'],
      database: database.location,
      port: 0,
    });
    try {
      const { token } = await service.tokens.create('prober', 'read');
      const answer = await fetch(`${service.url}/readyz`, { headers: { Authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(503);
      const body = (await answer.json()) as {
        ready: boolean;
        checks: Array<{ name: string; ok: boolean; error?: string }>;
      };
      expect(body.ready).toBe(false);
      expect(body.checks.find((c) => c.name === 'ksc:default')?.ok).toBe(true);
      const failing = body.checks.find((c) => c.name === 'ksc:down');
      expect(failing?.ok).toBe(false);
      expect(failing?.error).toMatch(/127\.0\.0\.1:9|refused|connect/i);
    } finally {
      await service.close();
      await down.close();
      await database.drop();
    }
  });
});

describe('Health', () => {
  it('reuses an answer for cacheMs, times out a silent check, and is not ready while draining', async () => {
    let clock = 0;
    let runs = 0;
    const health = new Health({
      now: () => clock,
      cacheMs: 1000,
      timeoutMs: 30,
      checks: [
        { name: 'counted', run: () => Promise.resolve(void runs++) },
        { name: 'silent', run: () => new Promise<void>(() => undefined) },
        {
          name: 'failing',
          run: () =>
            Promise.reject(new KconnectError('UPSTREAM_UNAVAILABLE', 'KSC at https://ksc:13299 refused')),
        },
      ],
    });
    const first = await health.ready();
    expect(first.ready).toBe(false);
    expect(first.checks.map((c) => [c.name, c.ok, c.error])).toEqual([
      ['counted', true, undefined],
      ['silent', false, 'no answer within 30 ms'],
      ['failing', false, 'KSC at https://ksc:13299 refused'],
    ]);
    clock = 500;
    await health.ready();
    expect(runs).toBe(1);
    clock = 1500;
    await health.ready();
    expect(runs).toBe(2);
    health.drain();
    expect(await health.ready()).toEqual({
      ready: false,
      checks: [{ name: 'service', ok: false, error: 'shutting down', durationMs: 0 }],
    });
  });
});

describe('ServiceMetrics', () => {
  it('writes the Prometheus text format: cumulative buckets, escaped labels, HELP and TYPE once', () => {
    let clock = 10_000;
    const metrics = new ServiceMetrics(() => clock);
    metrics.observe({
      command: 'list_hosts',
      connection: 'a"b\\c\nd',
      outcome: 'Successful',
      errorCode: null,
      seconds: 0.07,
    });
    metrics.observe({
      command: 'list_hosts',
      connection: 'a"b\\c\nd',
      outcome: 'Successful',
      errorCode: null,
      seconds: 3,
    });
    clock = 12_500;
    const text = metrics.render([{ connection: 'prod', active: 2, queued: 5 }]);
    const labels = 'command="list_hosts",connection="a\\"b\\\\c\\nd"';
    expect(text).toContain(`kconnect_command_calls_total{${labels},outcome="Successful"} 2`);
    expect(text).toContain(`kconnect_command_duration_seconds_bucket{${labels},le="0.05"} 0`);
    expect(text).toContain(`kconnect_command_duration_seconds_bucket{${labels},le="0.1"} 1`);
    expect(text).toContain(`kconnect_command_duration_seconds_bucket{${labels},le="5"} 2`);
    expect(text).toContain(`kconnect_command_duration_seconds_bucket{${labels},le="+Inf"} 2`);
    expect(text).toContain(`kconnect_command_duration_seconds_sum{${labels}} 3.07`);
    expect(text).toContain('kconnect_ksc_calls_in_flight{connection="prod"} 2');
    expect(text).toContain('kconnect_ksc_calls_queued{connection="prod"} 5');
    expect(text).toContain('kconnect_uptime_seconds 2.5');
    expect(text.endsWith('\n')).toBe(true);
    for (const name of ['kconnect_command_calls_total', 'kconnect_command_duration_seconds']) {
      expect(text.split('\n').filter((l) => l.startsWith(`# TYPE ${name} `))).toHaveLength(1);
    }
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{.*\})? (-?[0-9.e+-]+|\+Inf))$/);
    }
  });
});
