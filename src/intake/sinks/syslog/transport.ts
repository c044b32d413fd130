/**
 * Getting framed messages to the receiver: one datagram each over UDP, octet-counted on one long-lived TCP or TLS
 * connection. A send resolves once the bytes are handed to the kernel (the `write` callback): syslog has no
 * acknowledgement, so that is as durable as the sink can know. A connection the peer closed or broke is dropped
 * and a new one made on the next send; the failure itself goes to the runner as a retryable SyslogSendError.
 */
import { Buffer } from 'node:buffer';
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { SyslogSendError, SyslogTlsError } from './errors.ts';
import { octetCounted } from './rfc5424.ts';

export type SyslogProtocol = 'udp' | 'tcp' | 'tls';

export interface TlsFiles {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
}

export interface TransportOptions {
  readonly protocol: SyslogProtocol;
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsFiles;
  /** How long a connect, or the hand-over of one batch to the kernel, may take before it counts as failed. */
  readonly timeoutMs: number;
}

export interface SyslogTransport {
  send(messages: readonly Buffer[]): Promise<void>;
  close(): Promise<void>;
}

function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message);
}

/** Handshake failures that a retry would repeat: certificates not trusted, names not matching, alerts on ours. */
function isTrustFailure(reason: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_|ERR_SSL_|ALERT/.test(reason);
}

export function targetOf(options: TransportOptions): string {
  const host = net.isIPv6(options.host) ? `[${options.host}]` : options.host;
  return `${options.protocol}://${host}:${options.port}`;
}

class UdpTransport implements SyslogTransport {
  private socket: dgram.Socket | undefined;

  constructor(private readonly options: TransportOptions) {}

  private async connected(): Promise<dgram.Socket> {
    if (this.socket !== undefined) return this.socket;
    const socket = dgram.createSocket(net.isIPv6(this.options.host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(this.options.port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      socket.close();
      throw new SyslogSendError(targetOf(this.options), 'connect', reasonOf(error), { cause: error });
    });
    // A later ICMP "port unreachable" surfaces here; the next send fails and reconnects.
    socket.on('error', () => this.drop());
    this.socket = socket;
    return socket;
  }

  private drop(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  async send(messages: readonly Buffer[]): Promise<void> {
    const socket = await this.connected();
    try {
      await Promise.all(
        messages.map(
          (message) =>
            new Promise<void>((resolve, reject) => {
              socket.send(message, (error) => (error ? reject(error) : resolve()));
            }),
        ),
      );
    } catch (error) {
      this.drop();
      throw new SyslogSendError(targetOf(this.options), 'write', reasonOf(error), { cause: error });
    }
  }

  async close(): Promise<void> {
    this.drop();
  }
}

class StreamTransport implements SyslogTransport {
  private socket: net.Socket | undefined;
  /** Set when the peer closed or broke the connection: the next send starts a new one. */
  private broken = false;
  private tlsMaterial: tls.ConnectionOptions | undefined;

  constructor(private readonly options: TransportOptions) {}

  private async tlsOptions(): Promise<tls.ConnectionOptions> {
    if (this.tlsMaterial !== undefined) return this.tlsMaterial;
    const files = this.options.tls ?? {};
    const read = async (file: string | undefined) => (file === undefined ? undefined : readFile(file));
    const [ca, cert, key] = await Promise.all([
      read(files.caFile),
      read(files.certFile),
      read(files.keyFile),
    ]);
    const serverName = files.serverName ?? (net.isIP(this.options.host) ? undefined : this.options.host);
    this.tlsMaterial = {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(serverName === undefined ? {} : { servername: serverName }),
    };
    return this.tlsMaterial;
  }

  private async connect(): Promise<net.Socket> {
    const { host, port, protocol, timeoutMs } = this.options;
    const socket =
      protocol === 'tls'
        ? tls.connect({ host, port, ...(await this.tlsOptions()) })
        : net.connect({ host, port });
    const ready = protocol === 'tls' ? 'secureConnect' : 'connect';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        socket.once(ready, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } catch (error) {
      socket.destroy();
      const reason = reasonOf(error);
      if (protocol === 'tls' && isTrustFailure(reason)) {
        throw new SyslogTlsError(targetOf(this.options), reason, { cause: error });
      }
      throw new SyslogSendError(targetOf(this.options), 'connect', reason, { cause: error });
    }
    socket.removeAllListeners('error');
    this.broken = false;
    const lost = () => {
      this.broken = true;
    };
    socket.on('error', lost);
    socket.on('end', lost);
    socket.on('close', lost);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    // A syslog receiver sends nothing; reading keeps the FIN of a peer that went away visible as 'end'.
    socket.resume();
    return socket;
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  async send(messages: readonly Buffer[]): Promise<void> {
    if (this.socket === undefined || this.broken) {
      this.drop();
      this.socket = await this.connect();
    }
    const socket = this.socket;
    const bytes = Buffer.concat(messages.map(octetCounted));
    try {
      await new Promise<void>((resolve, reject) => {
        // A receiver that stopped reading fills the socket buffers and the callback never comes.
        const timer = setTimeout(
          () => reject(new Error(`batch not handed over within ${this.options.timeoutMs} ms`)),
          this.options.timeoutMs,
        );
        socket.write(bytes, (error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        });
      });
    } catch (error) {
      this.drop();
      throw new SyslogSendError(targetOf(this.options), 'write', reasonOf(error), { cause: error });
    }
    if (this.broken) {
      // The peer went away while the batch was handed over: it may not have it.
      this.drop();
      throw new SyslogSendError(targetOf(this.options), 'write', 'connection closed by the receiver');
    }
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }
}

export function createTransport(options: TransportOptions): SyslogTransport {
  return options.protocol === 'udp' ? new UdpTransport(options) : new StreamTransport(options);
}
