import { existsSync } from 'node:fs';
import { KconnectError } from '../../../errors.ts';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import { Connectors, type Connector } from './connectors.ts';
import {
  packageMetadata,
  writeCommunicationPackage,
  writePackageMetadata,
  type WrittenPackage,
} from './package.ts';
import { EmulatorPki } from './pki.ts';
import type { AuthTables } from './tables.ts';
import { TokenService, type AuthAudit } from './tokens.ts';
import { ApplicationUsers, type Role } from './users.ts';

/** The connector the first start creates, and the application user it acts as (a role that reads and writes). */
export const FIRST_CONNECTOR_NAME = 'kconnect';
export const CONNECTOR_USER = 'kconnect-connector';
export const CONNECTOR_USER_ROLE: Role = 'Administrator';

export interface KicsAuthOptions {
  /** The KICS store's database, migrated (the `0002-auth` table set, tables.ts). */
  readonly db: Kysely<AuthTables>;
  readonly clock: Clock;
  /** The emulator's data folder: `tls/` holds the PKI, `connectors/<name>/` the packages. */
  readonly dataDir: string;
  /** The host the server listens on, named in its certificate. */
  readonly host: string;
  readonly accessTokenLifetimeSeconds?: number;
  readonly refreshTokenLifetimeSeconds?: number;
  readonly audit?: AuthAudit;
}

export interface NewConnectorRequest {
  readonly name: string;
  /** Default {@link CONNECTOR_USER}; created with `role` when it does not exist. */
  readonly user?: string;
  /** The role of a user created for the connector; default Administrator. */
  readonly role?: Role;
  readonly description?: string;
  /** Protects the package's PFX; absent: random, returned once. */
  readonly password?: string | undefined;
  /** The listening server's URL, for metadata.json. */
  readonly serverUrl: string;
}

/**
 * The KICS emulator's authentication, assembled: the PKI, application users, connectors, tokens, and the
 * communication data packages written to `<dataDir>/connectors/<name>/`. The emulator serves
 * `pki.serverCertificates` with `clientCertificates: { ca: pki.caCertificate }`, mounts `createTokenRoutes(tokens)`
 * and guards its API routes with `requireBearer(tokens, access)`.
 */
export class KicsAuth {
  private constructor(
    readonly pki: EmulatorPki,
    readonly users: ApplicationUsers,
    readonly connectors: Connectors,
    readonly tokens: TokenService,
    private readonly options: KicsAuthOptions,
  ) {}

  static async open(options: KicsAuthOptions): Promise<KicsAuth> {
    const pki = EmulatorPki.open(options.dataDir, { host: options.host });
    const users = new ApplicationUsers(options.db, options.clock);
    const connectors = new Connectors(options.db, options.clock, pki, users);
    const tokens = await TokenService.open({
      db: options.db,
      clock: options.clock,
      connectors,
      users,
      ...(options.accessTokenLifetimeSeconds === undefined
        ? {}
        : { accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds }),
      ...(options.refreshTokenLifetimeSeconds === undefined
        ? {}
        : { refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds }),
      ...(options.audit === undefined ? {} : { audit: options.audit }),
    });
    return new KicsAuth(pki, users, connectors, tokens, options);
  }

  /** Where a connector's package goes: `<dataDir>/connectors/<name>` (other characters than `[A-Za-z0-9._-]` → `_`). */
  packageDir(connectorName: string): string {
    return join(this.options.dataDir, 'connectors', connectorName.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  /**
   * On first start (no connector was ever created) creates {@link FIRST_CONNECTOR_NAME} bound to
   * {@link CONNECTOR_USER} and writes its package; returns it (with the password to show). On later starts
   * returns undefined and only rewrites the metadata of active connectors' packages, whose address may have changed.
   */
  async ensureFirstConnector(request: {
    readonly serverUrl: string;
    readonly password?: string | undefined;
  }): Promise<WrittenPackage | undefined> {
    if (await this.connectors.any()) {
      await this.refreshPackageMetadata(request.serverUrl);
      return undefined;
    }
    return this.addConnector({ name: FIRST_CONNECTOR_NAME, ...request });
  }

  /** Adds a connector (and its user when needed) and writes its package. */
  async addConnector(request: NewConnectorRequest): Promise<WrittenPackage> {
    const user = await this.users.ensure(request.user ?? CONNECTOR_USER, request.role ?? CONNECTOR_USER_ROLE);
    // A role asked for must be the role the connector gets: an existing user keeps its own, so say so.
    if (request.role !== undefined && user.role !== request.role) {
      throw new KconnectError(
        'CONFLICT',
        `role: user ${user.name} already exists with role ${user.role}; name another user for a connector of role ${request.role}`,
      );
    }
    const issued = await this.connectors.add({
      name: request.name,
      user: user.name,
      ...(request.description === undefined ? {} : { description: request.description }),
    });
    return this.writePackage(issued.connector, issued.credentials, request);
  }

  /** A new certificate and package for a connector; the previous package stops working. */
  async regeneratePackage(
    connectorId: string,
    request: { readonly serverUrl: string; readonly password?: string | undefined },
  ): Promise<WrittenPackage> {
    const issued = await this.connectors.reissue(connectorId);
    return this.writePackage(issued.connector, issued.credentials, request);
  }

  /** Rewrites metadata.json of every active connector whose package folder exists. */
  async refreshPackageMetadata(serverUrl: string): Promise<void> {
    for (const connector of await this.connectors.list()) {
      const dir = this.packageDir(connector.name);
      if (connector.state !== 'active' || !existsSync(dir)) continue;
      writePackageMetadata(dir, packageMetadata({ connector, serverUrl, now: this.options.clock.now() }));
    }
  }

  private writePackage(
    connector: Connector,
    credentials: { readonly key: string; readonly cert: string },
    request: { readonly serverUrl: string; readonly password?: string | undefined },
  ): WrittenPackage {
    return writeCommunicationPackage({
      dir: this.packageDir(connector.name),
      connector,
      credentials,
      caCertificate: this.pki.caCertificate,
      serverCertificate: this.pki.serverCertificate.cert,
      serverUrl: request.serverUrl,
      password: request.password,
      now: this.options.clock.now(),
    });
  }
}
