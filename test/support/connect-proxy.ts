/**
 * A real HTTP proxy on loopback that opens `CONNECT` tunnels, as corporate proxies in front of KSC do. It
 * counts tunnels, can demand `Proxy-Authorization`, and records the headers it was sent (tests check that
 * nothing but the proxy credentials go to it).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestProxy {
  readonly url: string;
  readonly port: number;
  /** Tunnels opened, by target authority. */
  readonly tunnels: string[];
  /** `Proxy-Authorization` values received (to check the client sent the right one). */
  readonly authorizations: (string | undefined)[];
  stop(): Promise<void>;
}

export async function startConnectProxy(options: { readonly credentials?: string } = {}): Promise<TestProxy> {
  const tunnels: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const sockets = new Set<net.Socket>();
  const expected =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(options.credentials, 'utf8').toString('base64')}`;
  const server = http.createServer((_request, response) => {
    response.writeHead(405).end('CONNECT only');
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    const authorization = request.headers['proxy-authorization'];
    authorizations.push(authorization);
    if (expected !== undefined && authorization !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    const [host, port] = splitAuthority(request.url ?? '');
    const upstream = net.connect(Number(port), host, () => {
      tunnels.push(request.url ?? '');
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels,
    authorizations,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitAuthority(authority: string): [string, string] {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
  return match === null ? [authority, '443'] : [match[1]!, match[2]!];
}
