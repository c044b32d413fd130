/**
 * The KSC emulator under hostile or careless input: bodies nested too deep, bodies too large, control calls with
 * values out of range; and its clock across a restart.
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKscEmulator } from '../../../src/emulator/ksc/emulator.ts';
import {
  basicAuth,
  CONTROL_TOKEN,
  rawPost,
  startTestEmulator,
  TEST_PASSWORD,
  type RawResponse,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

const pxg = (json: unknown): { code?: number; message?: string; module?: string } =>
  (json as { PxgError?: { code?: number; message?: string; module?: string } } | null)?.PxgError ?? {};

/** `pParams` nested `levels` params deep. */
function deepParams(levels: number): string {
  let inner = '{"type":"params","value":{}}';
  for (let i = 0; i < levels; i++) inner = `{"type":"params","value":{"a":${inner}}}`;
  return `{"wstrViewName":"HostGroup","wstrFilter":"","vecFieldsToReturn":[],"vecFieldsToOrder":[],"lifetimeSec":10,"pParams":${inner}}`;
}

/** A POST whose body goes out in chunks without a Content-Length, and survives the server refusing it early. */
function chunkedPost(
  url: string,
  route: string,
  chunk: string,
  times: number,
  headers: Record<string, string>,
) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(
      new URL(route, url),
      { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (part: Buffer) => chunks.push(part));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < times) {
        sent++;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      request.end();
    };
    pump();
  });
}

describe('KSC emulator robustness', () => {
  let emu: TestEmulator;
  let session: Record<string, string>;
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 30, events: 50, maxBodyBytes: 512 * 1024 });
    session = (await emu.session()).headers;
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('answers a body nested too deep as the parse error it is, not as a server error', async () => {
    const deep = await rawPost(emu.url, '/api/v1.0/SrvView.ResetIterator', deepParams(10_000), session);
    expect(deep.status).toBe(400);
    expect(pxg(deep.json)).toMatchObject({
      code: 1192,
      module: 'KLSTD',
      message: 'Data is corrupted or has an unknown format',
    });
    const deepArrays = await rawPost(
      emu.url,
      '/api/v1.0/HostGroup.GroupIdGroups',
      `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      session,
    );
    expect(deepArrays.status).toBe(400);
    expect(pxg(deepArrays.json).code).toBe(1192);
    // Brackets inside strings are text, not nesting; a reasonably deep body still works.
    const fine = await rawPost(emu.url, '/api/v1.0/SrvView.ResetIterator', deepParams(20), session);
    expect(fine.status).toBe(200);
    const quoted = await rawPost(
      emu.url,
      '/api/v1.0/HostGroup.GroupIdGroups',
      JSON.stringify({ s: '['.repeat(5000) + '\\"{' }),
      session,
    );
    expect(quoted.status).toBe(200);
  });

  it('refuses a body over --max-body-bytes with 413 and says why, with or without Content-Length', async () => {
    const big = `{"s":"${'x'.repeat(600 * 1024)}"}`;
    const declared = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', big, session);
    expect(declared.status).toBe(413);
    expect(pxg(declared.json).message).toBe(
      'Request body too large: the limit is 524288 bytes (--max-body-bytes)',
    );
    const streamed = await chunkedPost(
      emu.url,
      '/api/v1.0/HostGroup.GroupIdGroups',
      'x'.repeat(16 * 1024),
      64,
      session,
    );
    expect(streamed.status).toBe(413);
    expect(streamed.text).toContain('Request body too large');
    // Before authentication too: nobody gets to make the emulator read megabytes.
    const anonymous = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', big, {});
    expect(anonymous.status).toBe(413);
    // Under the limit, calls go on as before.
    const small = await rawPost(emu.url, '/api/v1.0/HostGroup.GroupIdGroups', '{}', session);
    expect(small.json).toEqual({ PxgRetVal: 0 });
  });

  it('bounds what the control API accepts, naming the field, and keeps working after', async () => {
    const before = (await emu.control('GET', '/__emulator/state')).body as { now: string };
    const refused: Array<[string, unknown, string]> = [
      ['/__emulator/clock/advance', { seconds: 1e13 }, 'seconds'],
      ['/__emulator/clock/advance', { ms: 1e16 }, 'ms'],
      ['/__emulator/clock/advance', { ms: -5 }, 'ms'],
      ['/__emulator/clock/advance', { seconds: 'soon' }, 'seconds'],
      ['/__emulator/clock/advance', { second: 5 }, 'second'],
      ['/__emulator/clock/advance', { seconds: 200_000_000, ms: 200_000_000_000 }, 'seconds'],
      ['/__emulator/clock/freeze', { frozen: 'yes' }, 'frozen'],
      ['/__emulator/faults', { latencyMs: 1e12 }, 'latencyMs'],
      ['/__emulator/faults', { resetRate: 2 }, 'resetRate'],
      ['/__emulator/faults', { seed: 1.5 }, 'seed'],
      ['/__emulator/faults', { latency: 10 }, 'latency'],
      ['/__emulator/events', { count: 1e9 }, 'count'],
      ['/__emulator/events', { count: 0 }, 'count'],
      ['/__emulator/events', { count: 2, host: 'x' }, 'host'],
    ];
    for (const [route, body, field] of refused) {
      const reply = await emu.control('POST', route, body);
      expect(reply.status, `${route} ${JSON.stringify(body)}`).toBe(400);
      expect((reply.body as { error: string }).error, `${route} ${JSON.stringify(body)}`).toContain(field);
    }
    const notJson = await fetch(new URL('/__emulator/clock/advance', emu.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${CONTROL_TOKEN}` },
      body: '{"seconds":',
    });
    expect(notJson.status).toBe(400);
    const tooLarge = await fetch(new URL('/__emulator/faults', emu.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${CONTROL_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ seed: 1, pad: 'x'.repeat(100_000) }),
    });
    expect(tooLarge.status).toBe(413);

    // Nothing of that moved the clock, and the state and KLOAPI calls still answer.
    const after = (await emu.control('GET', '/__emulator/state')).body as { now: string };
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeLessThan(60_000);
    const tenYears = await emu.control('POST', '/__emulator/clock/advance', { seconds: 10 * 365 * 86_400 });
    expect(tenYears.status).toBe(200);
    const state = await emu.control('GET', '/__emulator/state');
    expect(state.status).toBe(200);
    const ping = await rawPost(emu.url, '/api/v1.0/Session.Ping', '{}', basicAuthHeaders());
    expect(ping.status).toBe(200);
  });
});

function basicAuthHeaders(): Record<string, string> {
  return { Authorization: basicAuth('admin', TEST_PASSWORD) };
}

describe('KSC emulator clock across a restart', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the time the control API set when restarted on the same database', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-clock-'));
    dirs.push(dataDir);
    const options = {
      http: true,
      port: 0,
      dataDir,
      hosts: 20,
      events: 20,
      adminPassword: TEST_PASSWORD,
      controlToken: CONTROL_TOKEN,
    };
    const control = async (url: string, route: string, body?: unknown): Promise<RawResponse> =>
      rawPost(url, route, body === undefined ? '' : JSON.stringify(body), {
        Authorization: `Bearer ${CONTROL_TOKEN}`,
      });
    const day = 86_400_000;

    const first = await startKscEmulator(options);
    const advanced = await control(first.url, '/__emulator/clock/advance', { seconds: 30 * 86_400 });
    expect(advanced.status).toBe(200);
    const advancedTo = Date.parse((advanced.json as { now: string }).now);
    await first.close();

    const second = await startKscEmulator(options);
    try {
      expect(Math.abs(second.clock.now() - advancedTo)).toBeLessThan(day / 24);
      const now = Date.parse(
        (
          (await (
            await fetch(new URL('/__emulator/state', second.url), {
              headers: { Authorization: `Bearer ${CONTROL_TOKEN}` },
            })
          ).json()) as { now: string }
        ).now,
      );
      expect(now - Date.now()).toBeGreaterThan(29 * day);
    } finally {
      await second.close();
    }
  });
});
