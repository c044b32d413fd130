import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, TimeoutError, TlsError } from '../../src/errors.ts';
import { HttpTransport, TransportFailure, type HttpAnswer } from '../../src/http/transport.ts';

interface Echo {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Over TLS: the subject CN of the client certificate the server accepted, if any. */
  client?: string;
}

/** Answers every request with what it received; `/silent` never answers. */
function echo(request: http.IncomingMessage, response: http.ServerResponse): void {
  if (request.url === '/silent') return;
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const socket = request.socket as Partial<TLSSocket>;
    const peer = socket.authorized === true ? socket.getPeerCertificate?.() : undefined;
    const body: Echo = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      ...(peer?.subject === undefined ? {} : { client: String(peer.subject.CN) }),
    };
    response.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
    response.end(JSON.stringify(body));
  });
}

async function listen(server: http.Server | https.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `${server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`;
}

function close(server: http.Server | https.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const parsed = (answer: HttpAnswer): Echo => JSON.parse(answer.text) as Echo;

/** The failure a request ends with; fails the test when it succeeds. */
async function failureOf(pending: Promise<unknown>): Promise<TransportFailure> {
  const error = await pending.then(
    () => new Error('expected the request to fail'),
    (e: unknown) => e,
  );
  if (error instanceof TransportFailure) return error;
  throw error;
}

describe('HttpTransport over plain HTTP', () => {
  let server: http.Server;
  let origin: string;
  const transports: HttpTransport[] = [];
  beforeAll(async () => {
    server = http.createServer(echo);
    origin = await listen(server);
  });
  afterAll(async () => {
    for (const transport of transports) await transport.close(AbortSignal.abort());
    await close(server);
  });

  function transport(options: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}): HttpTransport {
    const made = new HttpTransport({ origin, timeoutMs: 5000, ...options });
    transports.push(made);
    return made;
  }

  it('sends any method with the caller’s headers and body, and adds none of its own', async () => {
    const http = transport();
    const got = await http.request({ method: 'GET', path: '/kics/api/v3/assets?limit=2' });
    expect(got.status).toBe(200);
    expect(got.headers['x-echo']).toBe('yes');
    expect(parsed(got)).toMatchObject({ method: 'GET', path: '/kics/api/v3/assets?limit=2', body: '' });
    expect(parsed(got).headers['content-type']).toBeUndefined();

    const put = await http.request({
      method: 'PUT',
      path: '/things/1',
      headers: { authorization: 'Bearer placeholder-jwt', 'content-type': 'application/merge-patch+json' },
      body: '{"name":"x"}',
    });
    expect(parsed(put)).toMatchObject({
      method: 'PUT',
      body: '{"name":"x"}',
      headers: { authorization: 'Bearer placeholder-jwt', 'content-type': 'application/merge-patch+json' },
    });
    const removed = await http.request({ method: 'DELETE', path: '/things/1' });
    expect(parsed(removed).method).toBe('DELETE');
    const posted = await http.request({
      method: 'POST',
      path: '/x',
      body: new TextEncoder().encode('bytes'),
    });
    expect(parsed(posted).body).toBe('bytes');
  });

  it('goes through an injected dispatcher, and leaves it open when closed', async () => {
    const seen: string[] = [];
    const agent = new Agent();
    const recording = agent.compose(
      (dispatch: Dispatcher['dispatch']): Dispatcher['dispatch'] =>
        (options, handler) => {
          seen.push(`${options.method} ${String(options.origin)}${options.path}`);
          return dispatch(options, handler);
        },
    );
    try {
      const through = new HttpTransport({ origin, timeoutMs: 5000, dispatcher: recording });
      const answer = await through.request({ method: 'GET', path: '/via-agent' });
      expect(parsed(answer).path).toBe('/via-agent');
      expect(seen).toEqual([`GET ${origin}/via-agent`]);
      await through.close();
      // Still the caller's: it keeps working after the transport closed.
      expect((await agent.request({ origin, path: '/after', method: 'GET' })).statusCode).toBe(200);
    } finally {
      await agent.close();
    }
  });

  it('classifies failures: not sent, may be repeated, or permanent', async () => {
    const refused = await failureOf(
      new HttpTransport({ origin: 'http://127.0.0.1:9', timeoutMs: 2000 }).request({
        method: 'GET',
        path: '/',
      }),
    );
    expect(refused.notSent).toBe(true);
    expect(refused.permanent).toBe(false);
    expect(refused.repeatable(false)).toBe(true); // a change that never left may go again
    const connectionError = refused.toError({ operation: 'assets.list', requestId: 'r-1' }, true);
    expect(connectionError).toBeInstanceOf(ConnectionError);
    expect(connectionError).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      operation: 'assets.list',
      requestId: 'r-1',
      retryable: true,
      message: 'Connection to http://127.0.0.1:9 failed (ECONNREFUSED)',
    });

    const silent = await failureOf(transport({ timeoutMs: 200 }).request({ method: 'GET', path: '/silent' }));
    expect(silent.notSent).toBe(false);
    expect(silent.repeatable(false)).toBe(false); // a change may have reached the server
    expect(silent.repeatable(true)).toBe(true);
    const timeout = silent.toError({ operation: 'assets.list' }, false);
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(timeout.message).toBe(`No answer from ${origin} within 200 ms`);
  });
});

describe('HttpTransport over TLS', () => {
  let serverPair: { key: string; cert: string };
  let clientPair: { key: string; cert: string };
  let mutual: https.Server;
  let origin: string;
  const transports: HttpTransport[] = [];

  beforeAll(async () => {
    const [server, client] = await Promise.all([
      generate([{ name: 'commonName', value: 'test server' }], {
        keySize: 2048,
        algorithm: 'sha256',
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 7 as const, ip: '127.0.0.1' }] }],
      }),
      generate([{ name: 'commonName', value: 'test connector' }], { keySize: 2048, algorithm: 'sha256' }),
    ]);
    serverPair = { key: server.private, cert: server.cert };
    clientPair = { key: client.private, cert: client.cert };
    // Like KICS for Networks: the server asks for the connector's certificate and trusts only it.
    mutual = https.createServer(
      { ...serverPair, ca: clientPair.cert, requestCert: true, rejectUnauthorized: true },
      echo,
    );
    origin = await listen(mutual);
  });
  afterAll(async () => {
    for (const transport of transports) await transport.close(AbortSignal.abort());
    await close(mutual);
  });

  function transport(options: Partial<ConstructorParameters<typeof HttpTransport>[0]>): HttpTransport {
    const made = new HttpTransport({ origin, timeoutMs: 5000, ...options });
    transports.push(made);
    return made;
  }

  it('presents a client certificate to a server that asks for one (mutual TLS)', async () => {
    const answer = await transport({ tls: { ca: serverPair.cert }, clientCertificate: clientPair }).request({
      method: 'GET',
      path: '/whoami',
    });
    expect(answer.status).toBe(200);
    expect(parsed(answer).client).toBe('test connector');
    // Without one the server ends the handshake.
    await expect(
      transport({ tls: { ca: serverPair.cert } }).request({ method: 'GET', path: '/' }),
    ).rejects.toBeInstanceOf(TransportFailure);
  });

  it('refuses an untrusted server certificate for good', async () => {
    const failure = await failureOf(
      transport({ clientCertificate: clientPair }).request({ method: 'GET', path: '/' }),
    );
    expect(failure.permanent).toBe(true);
    expect(failure.repeatable(true)).toBe(false);
    const error = failure.toError({ operation: 'token' }, false);
    expect(error).toBeInstanceOf(TlsError);
    expect(error.message).toMatch(/^TLS to https:\/\/127\.0\.0\.1:\d+ refused: .*(SELF_SIGNED|CERT)/);
  });
});
