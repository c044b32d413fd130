import http from 'node:http';
import type { Socket } from 'node:net';
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import { pinOfCertificate } from './pins.ts';
import type { ResolvedProxy } from './proxy.ts';
import { undici } from './undici.ts';

/** Why a connection could not be made, before any request went out on it. */
export class ConnectFailure extends Error {
  constructor(
    readonly kind: 'pin' | 'proxy',
    message: string,
    readonly proxyStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How a server's certificate is checked. Without `ca`, `pins` or `insecure`: the system's CAs and the host name. */
export interface TlsTrust {
  /** Trust this CA (PEM), e.g. a server's self-signed certificate. */
  readonly ca?: string | undefined;
  /**
   * SPKI pins, `sha256/<base64>` (canonical, see `normalizePin`): the server's key must be one of them. Without
   * `ca`, pins replace the CA and host-name checks (self-signed certificates often name another host).
   */
  readonly pins?: readonly string[] | undefined;
  /** Skip every check. Only for labs. */
  readonly insecure?: boolean | undefined;
}

/** The client's own certificate, for servers that ask for one (mutual TLS): PEM or PKCS#12. */
export type ClientCertificate =
  | { readonly cert: string; readonly key: string; readonly passphrase?: string }
  | { readonly pfx: Buffer; readonly passphrase?: string };

export interface ConnectorOptions {
  readonly tls: TlsTrust;
  readonly clientCertificate?: ClientCertificate | undefined;
  readonly proxy: ResolvedProxy | undefined;
  readonly timeoutMs: number;
  /** Shown each verified server certificate (to warn before it expires). */
  readonly onCertificate?: ((certificate: X509Certificate) => void) | undefined;
}

/**
 * Opens connections to a server: through the proxy's `CONNECT` tunnel when there is one, then TLS, then — with
 * pins — a check of the server's public key before the socket is handed over, so no request (and no
 * `Authorization` header) is ever written to a server whose key is not pinned.
 */
export function httpConnector(options: ConnectorOptions): buildConnector.connector {
  const { ca, pins: pinList, insecure = false } = options.tls;
  // Pins without a CA stand in for the CA and host-name checks (Node runs checkServerIdentity only for a chain
  // it trusts, so the pin is checked here, after the handshake).
  const verifyChain = !insecure && (pinList === undefined || ca !== undefined);
  const tls = undici().buildConnector({
    rejectUnauthorized: verifyChain,
    timeout: options.timeoutMs,
    // A resumed TLS session skips the certificate exchange; with pins every connection must show its key.
    ...(pinList === undefined ? {} : { maxCachedSessions: 0 }),
    ...(ca === undefined ? {} : { ca }),
    ...options.clientCertificate,
  });
  const pins = pinList === undefined ? undefined : new Set(pinList);

  const secure = (target: buildConnector.Options, callback: buildConnector.Callback): void => {
    tls(target, (error, socket) => {
      if (error !== null) return callback(error, null);
      const certificate = (socket as TLSSocket).getPeerX509Certificate();
      if (pins !== undefined) {
        const pin = certificate === undefined ? 'none' : pinOfCertificate(certificate);
        if (!pins.has(pin)) {
          socket.destroy();
          callback(new ConnectFailure('pin', `the server's key (${pin}) matches none of tls.pins`), null);
          return;
        }
      }
      if (certificate !== undefined && !insecure) options.onCertificate?.(certificate);
      callback(null, socket);
    });
  };

  return (target, callback) => {
    const proxy = options.proxy;
    if (proxy === undefined) {
      if (target.protocol === 'https:') return secure(target, callback);
      return tls(target, callback);
    }
    openTunnel(proxy, target, options.timeoutMs).then(
      (socket) => {
        if (target.protocol !== 'https:') return callback(null, socket);
        secure({ ...target, httpSocket: socket }, callback);
      },
      (error: unknown) => callback(error as Error, null),
    );
  };
}

function openTunnel(
  proxy: ResolvedProxy,
  target: buildConnector.Options,
  timeoutMs: number,
): Promise<Socket> {
  const port = target.port === '' ? (target.protocol === 'https:' ? '443' : '80') : target.port;
  const authority = `${target.hostname.includes(':') && !target.hostname.startsWith('[') ? `[${target.hostname}]` : target.hostname}:${port}`;
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: proxy.hostname,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      agent: false,
      timeout: timeoutMs,
      headers: {
        host: authority,
        ...(proxy.authorization === undefined ? {} : { 'proxy-authorization': proxy.authorization }),
      },
    });
    request.once('connect', (response, socket, head) => {
      if (response.statusCode === 200) {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(
        new ConnectFailure(
          'proxy',
          `the proxy ${proxy.origin} refused the tunnel to ${authority} (HTTP ${response.statusCode ?? '?'})`,
          response.statusCode,
        ),
      );
    });
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ConnectFailure(
          'proxy',
          `the proxy ${proxy.origin} is unreachable (${error.code ?? error.message})`,
          undefined,
          {
            cause: error,
          },
        ),
      ),
    );
    request.end();
  });
}
