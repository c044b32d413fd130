/**
 * What the directory commands and enrichment ask of a directory: the read side of the model plus the one operator
 * action. `DirectoryStore` (`./model/`) implements it; a command reaches it as `ctx.directory`, never the store
 * itself, so the commands know nothing of databases.
 */
import { KconnectError } from '../errors.ts';
import type {
  DirectoryIdentity,
  DirectoryStatus,
  GroupMembersLookup,
  IdentityQuery,
  ListOptions,
  ListPage,
  ResetInProgress,
  UserLookup,
} from './model/views.ts';
import type { PublisherInstance } from './types.ts';

export interface DirectoryQueries {
  /** Every user an identifier matches (any identifier kind, UPN, sAMAccountName, mail, DN, display name, SID). */
  getUser(identifier: string): Promise<UserLookup>;
  listUsers(options?: ListOptions): Promise<ListPage>;
  listGroups(options?: ListOptions): Promise<ListPage>;
  /** Every group an identifier matches, with its direct members, or all of them through nesting. */
  groupMembers(group: string, options?: { transitive?: boolean }): Promise<GroupMembersLookup>;
  /** The directory identities of a KSC trustee, SID, uid or UPN (enrichment); several when ambiguous. */
  identityFor(query: IdentityQuery): Promise<readonly DirectoryIdentity[]>;
  status(): Promise<DirectoryStatus>;
  /** The instances with a reset open (cheap: every directory answer says so). */
  resetsInProgress(): Promise<readonly ResetInProgress[]>;
  /** Drops the generation an open reset was filling; throws `NoResetInProgressError` when none is open. */
  abandonReset(instance: Pick<PublisherInstance, 'tenantId' | 'kscInstanceId'>): Promise<void>;
}

const QUERY_METHODS = [
  'getUser',
  'listUsers',
  'listGroups',
  'groupMembers',
  'identityFor',
  'status',
  'resetsInProgress',
  'abandonReset',
] as const satisfies readonly (keyof DirectoryQueries)[];

/** Whether an object (the service's directory applier, say) answers the directory's queries too. */
export function isDirectoryQueries(value: unknown): value is DirectoryQueries {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return QUERY_METHODS.every((method) => typeof record[method] === 'function');
}

/** A directory command ran where no directory store is configured (a CLI without one, a service without one). */
export class NoDirectoryStoreError extends KconnectError {
  override readonly name = 'NoDirectoryStoreError';

  constructor(readonly command: string) {
    super(
      'UPSTREAM_UNAVAILABLE',
      `${command}: no directory store: configure \`directory:\` or run against \`kconnect serve\``,
    );
  }
}
