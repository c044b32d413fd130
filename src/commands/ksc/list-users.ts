import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { searchText } from '../core/search-text.ts';
import { KconnectError } from '../../errors.ts';
import { filter, type FilterExpression } from '../../ksc/filter/index.ts';
import { ACL_FREE, BASIC_READ, READ_ONLY, right } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, resolveOneHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { toPlain } from './shared/plain.ts';
import { textAttr } from './shared/records.ts';
import { errorEntry, statusOf, summaryTable } from '../core/result.ts';
import { readSrvViewWire, SRV_VIEW_METHODS } from './shared/srv-view.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { USER_VIEW_ATTRIBUTES } from '../../ksc/view-attributes.ts';
import type { KlParams } from '../../ksc/values.ts';
import { identityJson, identityOf, type UserReference } from '../../directory/enrichment.ts';
import { CONCURRENCY, mapLimited } from '../core/concurrency.ts';

/** The user list view (spec §9: `SrvView` `GlobalUsersListSrvViewName`). */
const USERS_VIEW = 'GlobalUsersListSrvViewName';

/** The attributes of seed 001's List Users sample. */
export const USER_FIELDS = USER_VIEW_ATTRIBUTES;

const input = z.object({
  hostName: inputs
    .host()
    .optional()
    .describe(
      'Host Name: only the users logged on to this host, named by display name (KLHST_WKS_DN, from List ' +
        'Hosts), id, FQDN or IPv4 address; it must name exactly one host',
    ),
  usernames: z
    .array(searchText(256))
    .min(1)
    .max(1000)
    .optional()
    .describe(
      'Usernames: only these users, each by account name (ul_wstrSamAccountName, e.g. "Administrator") or ' +
        'display name (DOMAIN\\name), compared case-insensitively',
    ),
  limit: inputs.limit(1000, 100_000),
});

const keyFields = z.object({
  UserNames: z.array(z.string()),
  DisplayNames: z.array(z.string()),
  IsLocalUser: z.array(z.boolean()),
  IsBuiltInAccount: z.array(z.boolean()),
  IsInternalUser: z.array(z.boolean()),
});

/** How a users-view record names its user to the directory: trustee id and SID (internal users have neither). */
function referenceOf(record: KlParams): UserReference {
  const trustee = toPlain(record['ul_llTrusteeId']);
  const sid = toPlain(record['ul_imgSid']);
  return {
    ...(typeof trustee === 'string' || typeof trustee === 'number' ? { trusteeId: String(trustee) } : {}),
    ...(typeof sid === 'string' ? { sid } : {}),
  };
}

/** `List Users` (seed 001): the server's users list view, narrowed to a host's users and to usernames. */
export const listUsers: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_users',
  title: 'List Users',
  description:
    'Lists the users the KSC server knows: its internal users and the accounts logged on to its managed ' +
    'devices (domain or local), with names, SID, trustee id and flags (local, built-in, internal). Narrow it ' +
    'to the users of one host (Host Name; the result adds ul_bVisited) and/or to given usernames. An unknown ' +
    'or ambiguous host is an error (404 / 409 listing the matches), and a username that matches no user is a ' +
    '404 error for that name while the others are returned (Partially Successful). Needs "Access objects ' +
    'regardless of their ACLs" Read; naming a host also needs Basic functionality Read. Where kconnect\'s ' +
    "IAM directory is there (the service's, or `directory:` in the configuration), each user whose trustee id " +
    '(ul_llTrusteeId) or SID (ul_imgSid) matches a directory user gets a `directory` object in the context: ' +
    'displayName, upn, mail, samName, groups (direct and nested) and directGroups. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [right(ACL_FREE, 'Read'), BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, ...SRV_VIEW_METHODS],
  },
  companions: { directory: 'optional' },
  hints: { cliAliases: { usernames: 'user-name' }, targetFields: ['hostName'] },
  example: { hostName: 'BR01-WS-0001' },
  async run(ctx, { hostName, usernames, limit }) {
    const host = hostName === undefined ? undefined : await resolveOneHost(ctx, hostName, 'hostName');
    const parts: FilterExpression[] = [];
    if (host !== undefined) parts.push(filter.eq('ul_bVisited', true));
    if (usernames !== undefined) {
      parts.push(
        filter.or(
          ...usernames.flatMap((u) => [
            filter.eq('ul_wstrSamAccountName', u),
            filter.eq('ul_wstrDisplayName', u),
          ]),
        ),
      );
    }
    const { items, records } = await readSrvViewWire(ctx, USERS_VIEW, {
      filter: filter.and(...parts).text,
      fields: [...USER_FIELDS, ...(host === undefined ? [] : ['ul_bVisited'])],
      order: [{ Name: 'ul_wstrDisplayName', Asc: true }],
      limit,
      params: host === undefined ? {} : { strHostId: host.id },
      lifetimeSeconds: 120,
    });

    const errors: CommandErrorEntry[] = [];
    let matched = 0;
    // Past `limit` a name may match a user not read: it cannot be called missing then.
    const complete = records.length < limit;
    for (const name of new Set(usernames ?? [])) {
      const wanted = name.toLowerCase();
      const found = records.some(
        (r) =>
          textAttr(r, 'ul_wstrSamAccountName').toLowerCase() === wanted ||
          textAttr(r, 'ul_wstrDisplayName').toLowerCase() === wanted,
      );
      if (found || !complete) {
        matched++;
        continue;
      }
      const where = host === undefined ? '' : ` among the users of ${host.displayName} (${host.id})`;
      errors.push(
        errorEntry(listUsers.title, new KconnectError('NOT_FOUND', `No user "${name}"${where}`), name),
      );
    }
    const flag = (name: string) => records.map((r) => r[name] === true);
    const directory = ctx.directory;
    const identities =
      directory === undefined
        ? []
        : await mapLimited(records, CONCURRENCY, (r) => identityOf(directory, referenceOf(r)));
    return {
      status: usernames === undefined ? 'Successful' : statusOf(matched, errors.length),
      raw: { pRecords: { KLCSP_ITERATOR_ARRAY: items } },
      context: records.map((r, i) => {
        const plain = toPlain(r) as PlainJson;
        const identity = identities[i];
        return identity === undefined ? plain : { ...(plain as object), directory: identityJson(identity) };
      }),
      keyFields: {
        UserNames: records.map((r) => textAttr(r, 'ul_wstrSamAccountName')),
        DisplayNames: records.map((r) => textAttr(r, 'ul_wstrDisplayName')),
        IsLocalUser: flag('ul_Local'),
        IsBuiltInAccount: flag('ul_Builtin'),
        IsInternalUser: flag('ul_InternalUser'),
      },
      result: summaryTable('List Users', { 'Users Count': records.length }),
      errors,
    };
  },
};
