import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { KconnectError } from '../../errors.ts';
import { openDatabase, type OpenDatabase } from '../../store/database.ts';
import { EmulatorClock } from '../core/clock.ts';
import { prepareDataDir } from '../core/server.ts';
import { KicsAuth } from './auth/kics-auth.ts';
import { PACKAGE_METADATA_FILE, type PackageMetadata, type WrittenPackage } from './auth/package.ts';
import { authTables, type AuthTables } from './auth/tables.ts';
import { isRole } from './auth/users.ts';
import { migrateKicsStore } from './store/migrations.ts';
import type { KicsSchema } from './store/schema.ts';

export interface AdministrationOptions {
  readonly dataDir: string;
  readonly db?: string | undefined;
  readonly host: string;
}

/**
 * What `kconnect emulator kics connector …` does to an emulator's data, running or not: the connectors and the
 * users behind them live in its database, the packages in its data folder. Opening it never generates a world.
 */
export interface KicsAdministration {
  addConnector(
    name: string,
    options: {
      user?: string | undefined;
      role?: string | undefined;
      url?: string | undefined;
      password?: string | undefined;
    },
  ): Promise<WrittenPackage>;
  removeConnector(name: string): Promise<void>;
  /** Blocks or unblocks the user behind a connector; returns the user's name. */
  setBlocked(connectorName: string, blocked: boolean): Promise<string>;
  describe(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openKicsAdministration(options: AdministrationOptions): Promise<KicsAdministration> {
  const dataDir = prepareDataDir(options.dataDir);
  const database: OpenDatabase<KicsSchema> = openDatabase<KicsSchema>(
    options.db !== undefined ? { url: options.db } : { file: join(dataDir, 'kics.sqlite') },
  );
  try {
    await migrateKicsStore(database.db as Kysely<unknown>, database.kind, [authTables]);
    const auth = await KicsAuth.open({
      db: database.db as unknown as Kysely<AuthTables>,
      clock: new EmulatorClock(),
      dataDir,
      host: options.host,
    });
    const connectorNamed = async (name: string) => {
      const connector = await auth.connectors.findActiveByName(name);
      if (connector === undefined)
        throw new KconnectError('NOT_FOUND', `connector: no active connector named ${name}`);
      return connector;
    };
    return {
      async addConnector(name, request) {
        if (request.role !== undefined && !isRole(request.role))
          throw new KconnectError('INVALID_INPUT', `role: Administrator or Operator, not ${request.role}`);
        return auth.addConnector({
          name,
          serverUrl: request.url ?? (await lastServerUrl(auth)) ?? `https://${options.host}:8443`,
          ...(request.user === undefined ? {} : { user: request.user }),
          ...(request.role !== undefined && isRole(request.role) ? { role: request.role } : {}),
          password: request.password,
        });
      },
      async removeConnector(name) {
        await auth.connectors.remove((await connectorNamed(name)).id);
      },
      async setBlocked(name, blocked) {
        const { user } = await connectorNamed(name);
        if (blocked) await auth.users.block(user);
        else await auth.users.unblock(user);
        return user;
      },
      async describe() {
        const users = new Map((await auth.users.list()).map((user) => [user.name, user] as const));
        return (await auth.connectors.list()).map((connector) => {
          const user = users.get(connector.user);
          const state =
            user === undefined
              ? 'no user'
              : `${user.role}${user.blocked ? ', blocked' : ''}${user.deleted ? ', deleted' : ''}`;
          return `${connector.name}\t${connector.state}\tuser ${connector.user} (${state})\t${auth.packageDir(connector.name)}`;
        });
      },
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * Where the emulator listens (or listened last): every start rewrites the active connectors' metadata.json with its
 * address, so the newest of them tells it — a package added while the emulator runs on a free port gets that port.
 */
async function lastServerUrl(auth: KicsAuth): Promise<string | undefined> {
  let newest: PackageMetadata | undefined;
  for (const connector of await auth.connectors.list()) {
    const file = join(auth.packageDir(connector.name), PACKAGE_METADATA_FILE);
    if (connector.state !== 'active' || !existsSync(file)) continue;
    try {
      const metadata = JSON.parse(readFileSync(file, 'utf8')) as PackageMetadata;
      if (newest === undefined || metadata.issuedAt > newest.issuedAt) newest = metadata;
    } catch {
      // A package folder someone edited by hand: the others still tell the address.
    }
  }
  return newest === undefined ? undefined : new URL(newest.apiBaseUrl).origin;
}
