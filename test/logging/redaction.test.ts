/**
 * The structured logs of the long-running surfaces (`serve`, `mcp`, `emulator ksc`): no secret ever reaches their
 * output, every line of a request carries its id, and the id is answered in `X-Request-Id`. The loggers are the
 * ones the commands build (`commandLogger`), the servers real ones on loopback.
 */
import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceLogRecord } from '../../src/adapters/http/app.ts';
import { commandLogger, lineDestination } from '../../src/adapters/cli/log-options.ts';
import {
  lineLogger,
  recordLogger,
  resolveLogFormat,
  resolveLogLevel,
  serviceLogger,
  type LogDestination,
  type LogFormat,
} from '../../src/logging.ts';
import { KconnectError } from '../../src/errors.ts';
import {
  basicAuth,
  CONTROL_TOKEN,
  rawPost,
  startTestEmulator,
  TEST_PASSWORD,
} from '../support/ksc-emulator.ts';
import type { TestEmulator } from '../support/ksc-emulator.ts';
import { logRecords } from '../support/log-lines.ts';
import { startServiceHarness, type ServiceHarness } from '../adapters/http/support.ts';
import { mcpHttpApp } from '../../src/adapters/mcp/transports.ts';

/** Placeholder secrets, one of each kind; none is a real credential. */
const PASSWORD = 'pw-test-secret-0001';
const API_TOKEN = 'kc_test_TOKEN_0002abcdefghijkl';
const SESSION_ID = 'nsesTESTSESSION0003xyz';
const PRIVATE_KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCTESTPRIVATE0004';
const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END PRIVATE KEY-----\n`;
const MCP_TOKEN = 'mcp-test-TOKEN-0005-abcdefghij';
const KSC_BASIC = basicAuth('admin', PASSWORD, ', domain="", internal="1"');
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** What must never appear, the base64 forms KSCBasic carries included. */
const SECRETS = [PASSWORD, b64(PASSWORD), API_TOKEN, SESSION_ID, PRIVATE_KEY_BODY, MCP_TOKEN];

/** A request as a careless caller would log it: every secret, in fields, headers, a body and free text. */
const REQUEST = {
  req: {
    method: 'POST',
    url: '/v1/commands/list_hosts',
    headers: {
      authorization: `Bearer ${API_TOKEN}`,
      'x-ksc-session': SESSION_ID,
      cookie: `session=${SESSION_ID}`,
    },
  },
  headers: { authorization: KSC_BASIC, 'x-ksc-session': SESSION_ID },
  body: {
    password: PASSWORD,
    token: API_TOKEN,
    sessionId: SESSION_ID,
    privateKey: PRIVATE_KEY,
    mcpToken: MCP_TOKEN,
  },
  connection: { name: 'hq', credentials: { user: 'admin', password: PASSWORD } },
  password: PASSWORD,
  adminPassword: PASSWORD,
  token: API_TOKEN,
  sessionId: SESSION_ID,
  privateKey: PRIVATE_KEY,
  mcpToken: MCP_TOKEN,
  controlToken: MCP_TOKEN,
  error: `KSC refused Authorization: ${KSC_BASIC}; the key was ${PRIVATE_KEY}`,
};

function capture(): { destination: LogDestination; text: () => string } {
  const lines: string[] = [];
  return { destination: lineDestination((line) => lines.push(line)), text: () => lines.join('\n') };
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('the loggers of serve, mcp and the emulator', () => {
  for (const format of ['json', 'pretty'] as const satisfies readonly LogFormat[]) {
    it(`censor every kind of secret (${format})`, () => {
      for (const name of ['serve', 'mcp', 'emulator-ksc']) {
        const out = capture();
        const logger = commandLogger(name, { logLevel: 'debug', logFormat: format }, {}, out.destination);
        logger.info(REQUEST, 'request');
        recordLogger(logger)({
          level: 'warn',
          message: `call failed: Authorization: Bearer ${API_TOKEN}`,
          ...REQUEST,
        });
        lineLogger(logger)(`tool list_hosts: refused Authorization: ${KSC_BASIC} with ${PRIVATE_KEY}`);
        if (name === 'serve') {
          serviceLogger(logger)({
            ...REQUEST,
            level: 'info',
            message: 'command',
            token: 'soar (tok_1)',
          } as unknown as ServiceLogRecord);
        }
        const text = out.text();
        expectNoSecret(text);
        expect(text).toContain('[Redacted]');
        // What is not secret stays readable.
        expect(text).toContain('/v1/commands/list_hosts');
        expect(text).toContain('hq');
        if (name === 'serve') expect(text).toContain('soar (tok_1)');
        if (format === 'json') {
          const records = logRecords(text);
          expect(records).toHaveLength(name === 'serve' ? 4 : 3);
          expect(records.every((r) => r['name'] === name)).toBe(true);
        }
      }
    });
  }

  it('take the level from the flag, then KCONNECT_LOG_LEVEL, and refuse an unknown one by name', () => {
    expect(resolveLogLevel(undefined, {})).toBe('info');
    expect(resolveLogLevel(undefined, { KCONNECT_LOG_LEVEL: 'warn' })).toBe('warn');
    expect(resolveLogLevel('debug', { KCONNECT_LOG_LEVEL: 'warn' })).toBe('debug');
    expect(() => resolveLogLevel(undefined, { KCONNECT_LOG_LEVEL: 'loud' })).toThrow(
      new KconnectError(
        'INVALID_INPUT',
        'KCONNECT_LOG_LEVEL: expected one of debug, info, warn, error, got "loud"',
      ),
    );
    expect(resolveLogFormat(undefined, {})).toBe('auto');
    expect(resolveLogFormat('json', { KCONNECT_LOG_FORMAT: 'pretty' })).toBe('json');

    const out = capture();
    const logger = commandLogger('serve', {}, { KCONNECT_LOG_LEVEL: 'warn' }, out.destination);
    logger.info('not shown');
    logger.warn('shown');
    expect(logRecords(out.text()).map((r) => [r.level, r.message])).toEqual([['warn', 'shown']]);
  });

  it('write JSON to a destination that is not a terminal, readable lines to one', () => {
    const json = capture();
    commandLogger('mcp', {}, {}, json.destination).info({ tool: 'list_hosts' }, 'tool call');
    expect(logRecords(json.text())[0]).toMatchObject({
      level: 'info',
      name: 'mcp',
      message: 'tool call',
      tool: 'list_hosts',
    });

    const lines: string[] = [];
    const terminal: LogDestination = { isTTY: true, write: (text) => lines.push(text) };
    commandLogger('mcp', {}, {}, terminal).info({ tool: 'list_hosts' }, 'tool call');
    const text = lines.join('');
    expect(text).not.toMatch(/^\{/);
    expect(text).toContain('tool call');
    expect(text).toContain('list_hosts');
  });
});

describe('the KSC emulator’s log', () => {
  let emu: TestEmulator;
  const out = capture();

  beforeAll(async () => {
    const logger = commandLogger(
      'emulator-ksc',
      { logLevel: 'debug', logFormat: 'json' },
      {},
      out.destination,
    );
    emu = await startTestEmulator('sqlite', { hosts: 5, events: 10, logger: recordLogger(logger) });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('answers X-Request-Id, carries it on the request’s line, and never logs a credential', async () => {
    const given = await rawPost(emu.url, '/api/v1.0/Session.StartSession', '{}', {
      Authorization: basicAuth('admin', TEST_PASSWORD),
      'X-Request-Id': 'req-start-1',
    });
    expect(given.status).toBe(200);
    expect(given.headers['x-request-id']).toBe('req-start-1');
    const session = (given.json as { PxgRetVal: string }).PxgRetVal;

    const generated = await rawPost(
      emu.url,
      '/api/v1.0/HostGroup.GetStaticInfo',
      '{"pValues":["KLADMSRV_SERVER_VERSION_ID"]}',
      {
        'X-KSC-Session': session,
      },
    );
    const generatedId = generated.headers['x-request-id'];
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    const refused = await rawPost(emu.url, '/api/v1.0/login', '{}', {
      Authorization: basicAuth('admin', 'wrong-password-0006'),
      'X-KSC-RequestId': 'ksc-req-7',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers['x-request-id']).toBe('ksc-req-7');
    expect((await emu.control('GET', '/__emulator/state')).status).toBe(200);

    const text = out.text();
    for (const secret of [
      TEST_PASSWORD,
      b64(TEST_PASSWORD),
      b64('wrong-password-0006'),
      session,
      CONTROL_TOKEN,
    ]) {
      expect(text).not.toContain(secret);
    }
    const requests = logRecords(text).filter((r) => r.message === 'request');
    const byId = new Map(requests.map((r) => [r['requestId'], r]));
    expect(byId.get('req-start-1')).toMatchObject({ path: '/api/v1.0/Session.StartSession', status: 200 });
    expect(byId.get(generatedId)).toMatchObject({ path: '/api/v1.0/HostGroup.GetStaticInfo' });
    expect(byId.get('ksc-req-7')).toMatchObject({ status: 401 });
    expect(requests.every((r) => typeof r['requestId'] === 'string')).toBe(true);
  });
});

describe('the service’s log', () => {
  let harness: ServiceHarness;
  const out = capture();

  beforeAll(async () => {
    const logger = commandLogger('serve', { logLevel: 'debug', logFormat: 'json' }, {}, out.destination);
    harness = await startServiceHarness({ service: { logger: serviceLogger(logger) } });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('carries the request id on every line of a request and in X-Request-Id, and never logs a token', async () => {
    const answer = await harness.call(
      'list_hosts',
      { limit: 1 },
      { headers: { 'X-Request-Id': 'svc-req-1' } },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('X-Request-Id')).toBe('svc-req-1');
    const refused = await harness.call('list_hosts', {}, { token: API_TOKEN });
    expect(refused.status).toBe(401);
    const refusedId = refused.headers.get('X-Request-Id');
    expect(refusedId).toMatch(/^[0-9a-f-]{36}$/);

    const text = out.text();
    for (const secret of [API_TOKEN, harness.tokens.read, harness.tokens.admin, TEST_PASSWORD]) {
      expect(text).not.toContain(secret);
    }
    const records = logRecords(text);
    const ofCall = records.filter((r) => r['requestId'] === 'svc-req-1');
    expect(ofCall.map((r) => r.message)).toEqual(expect.arrayContaining(['command', 'request']));
    expect(ofCall.find((r) => r.message === 'command')).toMatchObject({
      tokenName: expect.stringContaining('soar-reader'),
    });
    expect(records.filter((r) => r['requestId'] === refusedId).map((r) => r.message)).toContain('request');
  });
});

describe('the MCP HTTP endpoint’s log', () => {
  it('answers X-Request-Id, refusals included, and logs the refusal under it without the token', async () => {
    const out = capture();
    const logger = commandLogger('mcp', { logLevel: 'debug', logFormat: 'json' }, {}, out.destination);
    const app = mcpHttpApp({
      server: () => {
        throw new Error('not reached: every request here is refused');
      },
      host: '127.0.0.1',
      token: MCP_TOKEN,
      log: lineLogger(logger, 'warn'),
    });
    const wrong = await app.request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { Host: '127.0.0.1', Authorization: `Bearer ${API_TOKEN}`, 'X-Request-Id': 'mcp-req-1' },
      body: '{}',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('X-Request-Id')).toBe('mcp-req-1');
    const text = out.text();
    expectNoSecret(text);
    expect(logRecords(text)).toEqual([
      expect.objectContaining({
        level: 'warn',
        requestId: 'mcp-req-1',
        message: 'http POST /mcp: 401 (wrong bearer token)',
      }),
    ]);
  });
});
