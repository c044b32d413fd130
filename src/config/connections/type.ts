import type { z } from 'zod';
import type { ClientLogger, VendorClient } from '../../vendor-client.ts';
import type { ConnectionFlag, ConnectionSettings, Env, EnvVariable } from './settings.ts';
import type { TlsSettings } from './tls.ts';

/** What every checked connection has, whatever its type. */
export interface BaseConnectionConfig {
  readonly name: string;
  readonly type: string;
  readonly url: string;
  readonly tls: TlsSettings;
  readonly timeoutMs?: number;
  readonly proxy?: string | false;
  /** The connection of the other product whose machines are the same (see `companions.ts`). */
  readonly correlateWith?: string;
  /** Where each setting came from, by key (`url`, `tls.pins`, …): a file path, a variable or a flag. */
  readonly sources: Readonly<Record<string, string>>;
}

/** What a client factory is given besides the connection. */
export interface ClientFactoryOptions {
  readonly logger?: ClientLogger;
  /** Proxy variables for the client. Default `process.env`. */
  readonly env?: Env;
  /** Reads CA files (bytes: PEM or DER). */
  readonly readFile: (path: string) => Buffer;
  /** Waits between retries (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** The time, ms since the epoch. */
  readonly now?: () => number;
}

/**
 * One kind of connection (`ksc`, later `kics`): its section of the file, its variables and flags, how its
 * merged settings become a checked connection, and how that connection becomes a client. The loader, the
 * context factory, the CLI and `config show` go through this and nothing else, so a new type is one module and
 * one line in the registry.
 */
export interface ConnectionType<C extends BaseConnectionConfig = BaseConnectionConfig> {
  /** The value of `type` in the file. */
  readonly type: C['type'];
  /** For people: `KSC`. */
  readonly title: string;
  /** One connection in the file, `type` included (a literal, optional only for the default type). */
  readonly schema: z.ZodObject;
  /** The variables that describe the selected connection, in the order they are read. */
  readonly environment: readonly EnvVariable[];
  readonly flags: readonly ConnectionFlag[];
  /** The secrets a connection may carry (`password`, `token`): each as a value, `…File` or `…Env`. */
  readonly secrets: readonly string[];
  /**
   * The checked connection from its merged settings: required settings, combinations, files that must exist,
   * and the client's own rules, every error naming the field as given.
   *
   * @throws {ConfigError}
   */
  build(settings: ConnectionSettings): C;
  /** The connection's client; reads what it needs now (a CA file), secrets only when it logs in. */
  createClient(connection: C, options: ClientFactoryOptions): VendorClient;
  /**
   * How the server's certificate is trusted, for people (`config check`), when the type knows better than the
   * generic reading of `tls` (a KICS package brings its own CA).
   */
  describeTrust?(connection: C): string;
  /** The connection as `config show` prints it, secrets masked, without `sources` (added for every type). */
  view(connection: C): Record<string, unknown>;
}
