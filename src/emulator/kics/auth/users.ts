import type { Kysely } from 'kysely';
import { KconnectError } from '../../../errors.ts';
import type { Clock } from '../../core/clock.ts';
import type { AuthTables } from './tables.ts';

/**
 * The application roles of KICS for Networks (help articles "About user account roles", versions 2.9–4.1):
 * an Administrator may use every function, an Operator only monitors and views information. Kaspersky Security
 * Center's RBAC for KICS maps them the same way: Read to Operator, Write to Administrator. KICS 4.5 added more
 * roles whose exact names the public pages we read do not show; they are left out until they can be named.
 */
export const ROLES = ['Administrator', 'Operator'] as const;
export type Role = (typeof ROLES)[number];

/** What an API route does to the emulated server: read its data, or change something. */
export type Access = 'read' | 'write';

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether a user of `role` may call a route of the given access. */
export function roleAllows(role: Role, access: Access): boolean {
  return access === 'read' || role === 'Administrator';
}

export interface ApplicationUser {
  readonly name: string;
  readonly role: Role;
  readonly blocked: boolean;
  readonly deleted: boolean;
  readonly createdAt: number;
}

/** Application user accounts: the accounts connectors act as. */
export class ApplicationUsers {
  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly clock: Clock,
  ) {}

  async get(name: string): Promise<ApplicationUser | undefined> {
    const row = await this.db
      .selectFrom('kics_auth_users')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  async list(): Promise<ApplicationUser[]> {
    const rows = await this.db.selectFrom('kics_auth_users').selectAll().orderBy('name').execute();
    return rows.map(toUser);
  }

  /**
   * Creates the account, or gives a deleted one of that name a new life with `role` (unblocked).
   *
   * @throws {KconnectError} `CONFLICT` when a live account of that name exists.
   */
  async create(name: string, role: Role): Promise<ApplicationUser> {
    checkName(name);
    const existing = await this.get(name);
    if (existing !== undefined && !existing.deleted)
      throw new KconnectError('CONFLICT', `user ${JSON.stringify(name)} exists`);
    const now = this.clock.now();
    if (existing === undefined) {
      await this.db
        .insertInto('kics_auth_users')
        .values({ name, role, blocked: 0, deleted: 0, created_at: now })
        .execute();
    } else {
      await this.db
        .updateTable('kics_auth_users')
        .set({ role, blocked: 0, deleted: 0, created_at: now })
        .where('name', '=', name)
        .execute();
    }
    return { name, role, blocked: false, deleted: false, createdAt: now };
  }

  /** The live account of that name, created with `role` if there is none. */
  async ensure(name: string, role: Role): Promise<ApplicationUser> {
    const existing = await this.get(name);
    if (existing !== undefined && !existing.deleted) return existing;
    return this.create(name, role);
  }

  async setRole(name: string, role: Role): Promise<void> {
    await this.update(name, { role });
  }

  /** A blocked account gets no new token; the tokens it holds keep working until they expire (KICS: [SEC]). */
  async block(name: string): Promise<void> {
    await this.update(name, { blocked: 1 });
  }

  async unblock(name: string): Promise<void> {
    await this.update(name, { blocked: 0 });
  }

  /** A deleted account gets no token, and every call made with a token it holds is refused (401). */
  async delete(name: string): Promise<void> {
    await this.update(name, { deleted: 1 });
  }

  private async update(
    name: string,
    values: Partial<Pick<AuthTables['kics_auth_users'], 'role' | 'blocked' | 'deleted'>>,
  ): Promise<void> {
    const result = await this.db
      .updateTable('kics_auth_users')
      .set(values)
      .where('name', '=', name)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n)
      throw new KconnectError('NOT_FOUND', `user ${JSON.stringify(name)} does not exist`);
  }
}

function checkName(name: string): void {
  if (name.trim() === '' || name.length > 128)
    throw new KconnectError('INVALID_INPUT', 'user name: 1–128 characters');
}

function toUser(row: AuthTables['kics_auth_users']): ApplicationUser {
  if (!isRole(row.role)) throw new KconnectError('INTERNAL', `user ${row.name}: unknown role ${row.role}`);
  return {
    name: row.name,
    role: row.role,
    blocked: row.blocked !== 0,
    deleted: row.deleted !== 0,
    createdAt: Number(row.created_at),
  };
}
