import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CommandContext, ProgressUpdate } from '../commands/core/types.ts';
import type { IdempotencyStore } from '../commands/core/idempotency.ts';
// The modules themselves, not the `ksc` barrel: a CLI run should not load the filter language it never uses.
import { KscClient, type KscClientDependencies, type KscLogger } from '../ksc/client/client.ts';
import type { KscClientOptions } from '../ksc/client/config.ts';
import { ConfigError } from './errors.ts';
import type { FileRef, KconnectConfig, KscConnectionConfig } from './schema.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface ContextFactoryOptions {
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Waits between polls of waiting commands. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  /** Receives the progress of long reads and waits (the CLI draws it on a terminal). */
  readonly progress?: (update: ProgressUpdate) => void;
  readonly idempotency?: IdempotencyStore;
  readonly logger?: KscLogger;
  /** Proxy variables for the clients. Default `process.env`. */
  readonly env?: Env;
  /** Reads CA files (bytes: PEM or DER). Default `fs.readFileSync`. */
  readonly readFile?: (path: string) => Buffer;
  /** More of the clients' dependencies (retry sleep, randomness). */
  readonly client?: Omit<KscClientDependencies, 'logger' | 'env'>;
}

export interface ContextFactory {
  /** The checked connection by name; the default connection without one. */
  connection(name?: string): KscConnectionConfig;
  /** The client of a connection, made on first use and kept. */
  client(name?: string): KscClient;
  /** A command context on the connection's client. */
  context(name?: string): CommandContext & { readonly ksc: KscClient };
  /**
   * Ends the sessions and closes the connections of every client made; quickly, cutting what is in flight,
   * once `signal` aborts (see `KscClient.close`).
   */
  close(signal?: AbortSignal): Promise<void>;
}

/**
 * Command contexts for the configured connections: one `KscClient` per connection, made on first use and
 * cached, so several commands in one process share sessions. The CA file is read when the client is made;
 * passwords and tokens when it logs in.
 */
export function createContextFactory(
  config: KconnectConfig,
  options: ContextFactoryOptions = {},
): ContextFactory {
  const clients = new Map<string, KscClient>();
  const readCa = options.readFile ?? ((path: string) => readFileSync(path));

  const connection = (name?: string): KscConnectionConfig => {
    const names = Object.keys(config.connections);
    const chosen = name ?? config.defaultConnection;
    if (chosen === undefined) {
      if (names.length === 0) {
        throw new ConfigError(
          'connection',
          'none configured: give --url and --user with --password-file (or KCONNECT_URL, KCONNECT_USER, ' +
            'KCONNECT_PASSWORD), or write a kconnect.yaml',
        );
      }
      throw new ConfigError(
        'connection',
        `several are configured (${names.join(', ')}) and none is the default: choose one with --connection, ` +
          'KCONNECT_CONNECTION or defaultConnection',
      );
    }
    // Own names only: `--connection toString` must not find Object.prototype's.
    const found = Object.hasOwn(config.connections, chosen) ? config.connections[chosen] : undefined;
    if (found === undefined) {
      throw new ConfigError(
        'connection',
        `no connection named "${chosen}" (configured: ${names.join(', ') || 'none'})`,
      );
    }
    return found;
  };

  const client = (name?: string): KscClient => {
    const chosen = connection(name);
    let made = clients.get(chosen.name);
    if (made === undefined) {
      made = new KscClient(kscClientOptions(chosen, readCa), {
        ...options.client,
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...(options.env === undefined ? {} : { env: options.env }),
      });
      clients.set(chosen.name, made);
    }
    return made;
  };

  return {
    connection,
    client,
    context(name) {
      return {
        ksc: client(name),
        now: options.now ?? Date.now,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.progress === undefined ? {} : { progress: options.progress }),
        ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
        ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      };
    },
    async close(signal) {
      const options = signal === undefined ? {} : { signal };
      const closing = [...clients.values()].map((c) => c.close(options).catch(() => undefined));
      clients.clear();
      await Promise.all(closing);
    },
  };
}

/**
 * The client's options for a connection. The password or token becomes an async provider, so nothing is read
 * until the client logs in; the CA file is read now (PEM, or DER as KSC sometimes exports `klserver.cer`).
 */
export function kscClientOptions(
  connection: KscConnectionConfig,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): KscClientOptions {
  const credentials = connection.credentials;
  const tls = connection.tls;
  return {
    url: connection.url,
    credentials:
      'user' in credentials
        ? {
            user: credentials.user,
            password: () => credentials.password.read(),
            ...(credentials.domain === undefined ? {} : { domain: credentials.domain }),
            ...(credentials.internal === undefined ? {} : { internal: credentials.internal }),
          }
        : { scheme: credentials.scheme, token: () => credentials.token.read() },
    ...(connection.virtualServer === undefined ? {} : { virtualServer: connection.virtualServer }),
    tls: {
      ...(tls.caFile === undefined ? {} : { ca: readCertificate(tls.caFile, readFile) }),
      ...(tls.pins === undefined ? {} : { pins: tls.pins }),
      insecure: tls.insecure,
    },
    ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
    ...(connection.connections === undefined ? {} : { connections: connection.connections }),
    ...(connection.attempts === undefined ? {} : { attempts: connection.attempts }),
    ...(connection.backoffMs === undefined ? {} : { backoffMs: connection.backoffMs }),
    ...(connection.login === undefined ? {} : { login: connection.login }),
    ...(connection.proxy === undefined ? {} : { proxy: connection.proxy }),
  };
}

function readCertificate(file: FileRef, readFile: (path: string) => Buffer): string {
  let bytes: Buffer;
  try {
    bytes = readFile(file.path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(
      file.field,
      code === 'ENOENT'
        ? `file not found: ${file.path}`
        : `cannot read ${file.path} (${String(code ?? 'error')})`,
    );
  }
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  try {
    return new X509Certificate(bytes).toString();
  } catch {
    throw new ConfigError(file.field, `not a certificate (PEM or DER): ${file.path}`);
  }
}
