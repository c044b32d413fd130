import { readFileSync } from 'node:fs';
import type { CommandContext, ProgressUpdate } from '../commands/core/types.ts';
import { isVendor, type Subject, type Vendor } from '../commands/core/vendors.ts';
import type { DirectoryQueries } from '../directory/queries.ts';
import type { IdempotencyStore } from '../commands/core/idempotency.ts';
import { KscClient } from '../ksc/client/client.ts';
import type { ClientLogger, VendorClient } from '../vendor-client.ts';
import { companionOf } from './connections/companions.ts';
import { connectionTypeOf, type ConnectionConfig } from './connections/registry.ts';
import type { ClientFactoryOptions } from './connections/type.ts';
import { ConfigError } from './errors.ts';
import type { KconnectConfig } from './schema.ts';

export { kscClientOptions } from './connections/ksc.ts';

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
  readonly logger?: ClientLogger;
  /** Proxy variables for the clients. Default `process.env`. */
  readonly env?: Env;
  /** Reads CA files (bytes: PEM or DER). Default `fs.readFileSync`. */
  readonly readFile?: (path: string) => Buffer;
  /** The IAM directory every context holds (`ctx.directory`), when one is open. */
  readonly directory?: DirectoryQueries;
  /** More of the clients' dependencies (retry sleep, randomness, the clock for certificate warnings). */
  readonly client?: Pick<ClientFactoryOptions, 'sleep' | 'random' | 'now'>;
}

export interface ContextFactory {
  /** The checked connection by name; the default connection without one. */
  connection(name?: string): ConnectionConfig;
  /** The client of a connection, whatever its type, made on first use and kept. */
  vendorClient(name?: string): VendorClient;
  /** The client of a KSC connection, made on first use and kept. */
  client(name?: string): KscClient;
  /**
   * A command context with the connection's client under its vendor's name (`ksc` for a KSC connection) and its
   * companion's client, if it has one, under the companion's vendor: a command of another vendor run on it fails
   * before it starts, naming the connection, unless it declares that vendor a companion.
   */
  context(name?: string): CommandContext;
  /**
   * The context a command of `subject` runs with: a vendor's {@link context} of the connection, or — for a part of
   * kconnect itself such as the directory — one with no connection at all (none need be configured).
   */
  contextFor(subject: Subject, name?: string): CommandContext;
  /**
   * The companion of a connection (`correlateWith`, or the only connection of the other product), whose client
   * {@link context} adds under its vendor; undefined when there is none.
   */
  companion(name?: string): ConnectionConfig | undefined;
  /**
   * Ends the sessions and closes the connections of every client made; quickly, cutting what is in flight,
   * once `signal` aborts (see `VendorClient.close`).
   */
  close(signal?: AbortSignal): Promise<void>;
}

/**
 * Command contexts for the configured connections: one client per connection, made by its type on first use
 * and cached, so several commands in one process share sessions. The CA file is read when the client is made;
 * passwords and tokens when it logs in.
 */
export function createContextFactory(
  config: KconnectConfig,
  options: ContextFactoryOptions = {},
): ContextFactory {
  const clients = new Map<string, VendorClient>();
  const factoryOptions: ClientFactoryOptions = {
    ...options.client,
    readFile: options.readFile ?? ((path: string) => readFileSync(path)),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.env === undefined ? {} : { env: options.env }),
  };

  const connection = (name?: string): ConnectionConfig => {
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

  const vendorClient = (name?: string): VendorClient => {
    const chosen = connection(name);
    let made = clients.get(chosen.name);
    if (made === undefined) {
      made = connectionTypeOf(chosen).createClient(chosen, factoryOptions);
      clients.set(chosen.name, made);
    }
    return made;
  };

  const client = (name?: string): KscClient => {
    const made = vendorClient(name);
    if (!(made instanceof KscClient)) {
      const chosen = connection(name);
      throw new ConfigError('connection', `"${chosen.name}" is a ${chosen.type} connection, not a KSC one`);
    }
    return made;
  };

  const shared = (): CommandContext => ({
    now: options.now ?? Date.now,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.directory === undefined ? {} : { directory: options.directory }),
  });

  const context = (name?: string): CommandContext => {
    const chosen = connection(name);
    const vendor: Vendor = chosen.type;
    const other = companionOf(config.connections, chosen);
    // Lazy like the chosen client: nothing logs in until a command calls it.
    const companion = other === undefined ? {} : { [other.type]: vendorClient(other.name) };
    return {
      ...companion,
      [vendor]: vendorClient(chosen.name),
      connectionVendor: vendor,
      connectionNames: {
        ...(other === undefined ? {} : { [other.type]: other.name }),
        [vendor]: chosen.name,
      },
      ...shared(),
    };
  };

  return {
    connection,
    vendorClient,
    client,
    companion(name) {
      return companionOf(config.connections, connection(name));
    },
    context,
    contextFor(subject, name) {
      return isVendor(subject) ? context(name) : shared();
    },
    async close(signal) {
      const options = signal === undefined ? {} : { signal };
      const closing = [...clients.values()].map((c) => c.close(options).catch(() => undefined));
      clients.clear();
      await Promise.all(closing);
    },
  };
}
