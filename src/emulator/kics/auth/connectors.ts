import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { KconnectError } from '../../../errors.ts';
import type { Clock } from '../../core/clock.ts';
import type { KeyPair } from '../../core/tls.ts';
import { certificateFingerprint, type EmulatorPki } from './pki.ts';
import type { AuthTables } from './tables.ts';
import type { ApplicationUsers } from './users.ts';

export type ConnectorState = 'active' | 'removed';

/** A connector of system type Generic: a recipient system that acts as one application user (spec §2.2). */
export interface Connector {
  readonly id: string;
  readonly name: string;
  /** The application user the connector acts as. */
  readonly user: string;
  readonly description: string;
  readonly certificatePem: string;
  readonly certificateSha256: string;
  readonly state: ConnectorState;
  readonly createdAt: number;
}

/** A connector just issued, with its certificate's private key: the only moment the key exists outside a package. */
export interface IssuedConnector {
  readonly connector: Connector;
  readonly credentials: KeyPair;
}

export interface NewConnector {
  readonly name: string;
  /** An existing, live application user. */
  readonly user: string;
  readonly description?: string;
}

/** The connectors of the emulated server and their client certificates. */
export class Connectors {
  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly clock: Clock,
    private readonly pki: EmulatorPki,
    private readonly users: ApplicationUsers,
  ) {}

  /**
   * Adds a connector with a new client certificate.
   *
   * @throws {KconnectError} `NOT_FOUND` for a user that does not exist (or was deleted), `CONFLICT` for a name an
   *   active connector has.
   */
  async add(request: NewConnector): Promise<IssuedConnector> {
    const name = request.name.trim();
    if (name === '' || name.length > 128)
      throw new KconnectError('INVALID_INPUT', 'connector name: 1–128 characters');
    const user = await this.users.get(request.user);
    if (user === undefined || user.deleted)
      throw new KconnectError('NOT_FOUND', `user ${JSON.stringify(request.user)} does not exist`);
    if ((await this.findActiveByName(name)) !== undefined)
      throw new KconnectError('CONFLICT', `connector ${JSON.stringify(name)} exists`);
    const id = randomUUID();
    const credentials = this.pki.issueClientCertificate(`kconnect KICS connector ${name}`);
    const connector: Connector = {
      id,
      name,
      user: user.name,
      description: request.description ?? '',
      certificatePem: credentials.cert,
      certificateSha256: certificateFingerprint(credentials.cert),
      state: 'active',
      createdAt: this.clock.now(),
    };
    await this.db
      .insertInto('kics_auth_connectors')
      .values({
        id,
        name,
        user_name: connector.user,
        description: connector.description,
        certificate_pem: connector.certificatePem,
        certificate_sha256: connector.certificateSha256,
        state: 'active',
        created_at: connector.createdAt,
      })
      .execute();
    return { connector, credentials };
  }

  /**
   * A new certificate for an active connector (KICS: generating a new communication data package): the previous
   * certificate is refused from now on.
   */
  async reissue(id: string): Promise<IssuedConnector> {
    const existing = await this.get(id);
    if (existing?.state !== 'active')
      throw new KconnectError('NOT_FOUND', `connector ${JSON.stringify(id)} does not exist`);
    const credentials = this.pki.issueClientCertificate(`kconnect KICS connector ${existing.name}`);
    const certificateSha256 = certificateFingerprint(credentials.cert);
    await this.db
      .updateTable('kics_auth_connectors')
      .set({ certificate_pem: credentials.cert, certificate_sha256: certificateSha256 })
      .where('id', '=', id)
      .execute();
    return {
      connector: { ...existing, certificatePem: credentials.cert, certificateSha256 },
      credentials,
    };
  }

  /** Removes a connector: its certificate and its tokens are refused from now on. */
  async remove(id: string): Promise<void> {
    const result = await this.db
      .updateTable('kics_auth_connectors')
      .set({ state: 'removed' })
      .where('id', '=', id)
      .where('state', '=', 'active')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n)
      throw new KconnectError('NOT_FOUND', `connector ${JSON.stringify(id)} does not exist`);
  }

  async get(id: string): Promise<Connector | undefined> {
    const row = await this.db
      .selectFrom('kics_auth_connectors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toConnector(row);
  }

  /** The connector (active or removed) a certificate was issued to, by its SHA-256 fingerprint. */
  async findByCertificate(sha256: string): Promise<Connector | undefined> {
    const row = await this.db
      .selectFrom('kics_auth_connectors')
      .selectAll()
      .where('certificate_sha256', '=', sha256.toLowerCase())
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row === undefined ? undefined : toConnector(row);
  }

  async findActiveByName(name: string): Promise<Connector | undefined> {
    const row = await this.db
      .selectFrom('kics_auth_connectors')
      .selectAll()
      .where('name', '=', name)
      .where('state', '=', 'active')
      .executeTakeFirst();
    return row === undefined ? undefined : toConnector(row);
  }

  async list(): Promise<Connector[]> {
    const rows = await this.db
      .selectFrom('kics_auth_connectors')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toConnector);
  }

  /** Whether any connector was ever created: the first start creates one, later starts do not. */
  async any(): Promise<boolean> {
    const row = await this.db.selectFrom('kics_auth_connectors').select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  }
}

function toConnector(row: AuthTables['kics_auth_connectors']): Connector {
  return {
    id: row.id,
    name: row.name,
    user: row.user_name,
    description: row.description,
    certificatePem: row.certificate_pem,
    certificateSha256: row.certificate_sha256,
    state: row.state === 'active' ? 'active' : 'removed',
    createdAt: Number(row.created_at),
  };
}
