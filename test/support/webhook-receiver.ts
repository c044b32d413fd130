/**
 * A webhook receiver for tests: a real node:http(s) server on a free loopback port (HTTPS with a self-signed
 * certificate made for the test), recording every request it read and every connection it accepted, and answering
 * as the test says — a status with headers and body, or a socket cut before or after the body was read (a request
 * lost on the way, or an answer lost on the way back). Runs in the test's process: `close()` in teardown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorCertificates } from '../../src/emulator/core/tls.ts';

export interface ReceivedRequest {
  /** 1, 2, … in arrival order (of requests whose headers arrived). */
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type ReceiverReply =
  | {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    }
  /** The request was read and recorded, but the socket is cut instead of answering: the answer is lost. */
  | { readonly cut: true };

export interface WebhookReceiver {
  /** `https://127.0.0.1:<port>` (or `http://`). */
  readonly origin: string;
  readonly port: number;
  /** The certificate a client must trust (HTTPS), PEM, and a file holding it. */
  readonly caPem: string | undefined;
  readonly caFile: string | undefined;
  /** Every request whose body was read, answered or not. */
  readonly requests: ReceivedRequest[];
  /** The requests answered 2xx. */
  readonly accepted: ReceivedRequest[];
  /** TCP connections accepted. */
  connections(): number;
  /** How a request is answered once its body was read (default 200). */
  reply: (request: ReceivedRequest) => ReceiverReply;
  /** Whether to cut a request mid-way, once its headers arrived and before its body is read (nothing recorded). */
  cutMidRequest: (seq: number) => boolean;
  close(): Promise<void>;
}

/** The documents of a request body: a JSON array, or NDJSON lines. */
export function documentsOf(request: ReceivedRequest): Array<Record<string, unknown>> {
  const text = request.body.toString('utf8');
  if (text.startsWith('[')) return JSON.parse(text) as Array<Record<string, unknown>>;
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function startWebhookReceiver(
  options: { readonly tls?: boolean; readonly names?: readonly string[] } = {},
): Promise<WebhookReceiver> {
  const tls = options.tls ?? true;
  const dir = mkdtempSync(join(tmpdir(), 'kconnect-webhook-receiver-'));
  let caPem: string | undefined;
  let caFile: string | undefined;
  let key: string | undefined;
  if (tls) {
    const certificates = await EmulatorCertificates.open(dir, {
      host: options.names?.[0] ?? '127.0.0.1',
      commonName: 'kconnect test webhook receiver',
    });
    caPem = certificates.current.cert;
    key = certificates.current.key;
    caFile = join(dir, 'receiver-ca.pem');
    writeFileSync(caFile, caPem);
  }
  const requests: ReceivedRequest[] = [];
  const accepted: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let seq = 0;

  const handle = (message: IncomingMessage, response: ServerResponse): void => {
    const head = {
      seq: ++seq,
      method: message.method ?? '',
      path: message.url ?? '',
      headers: message.headers,
    };
    if (receiver.cutMidRequest(head.seq)) {
      message.socket.destroy();
      return;
    }
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of message) chunks.push(chunk as Buffer);
      const request: ReceivedRequest = { ...head, body: Buffer.concat(chunks) };
      requests.push(request);
      const decision = receiver.reply(request);
      if ('cut' in decision) {
        message.socket.destroy();
        return;
      }
      if (decision.status >= 200 && decision.status < 300) accepted.push(request);
      response.writeHead(decision.status, { 'content-type': 'text/plain', ...decision.headers });
      response.end(decision.body ?? '');
    })().catch(() => message.socket.destroy());
  };

  const server = tls ? https.createServer({ key: key!, cert: caPem! }, handle) : http.createServer(handle);
  // Counted at TCP accept, before TLS: a refused connection attempt would show here too.
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const receiver: WebhookReceiver = {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    caPem,
    caFile,
    requests,
    accepted,
    connections: () => connections,
    reply: () => ({ status: 200 }),
    cutMidRequest: () => false,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return receiver;
}
