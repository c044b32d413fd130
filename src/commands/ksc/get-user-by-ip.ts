import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import { filter } from '../../ksc/filter/index.ts';
import type { WireJson } from '../../wire/json.ts';
import { isKlParams, type KlParams } from '../../ksc/values.ts';
import { CONCURRENCY, mapLimited, settle } from '../core/concurrency.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { readHostSection } from './shared/host-settings.ts';
import { findHostsWire, HOST_LOOKUP_METHODS, MAX_REFERENCE_MATCHES } from './shared/hosts.ts';
import { ipv4ToLong } from './shared/ipv4.ts';
import { toPlain } from './shared/plain.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';
import { identityJson, identityOf, type EnrichedIdentity } from '../../directory/enrichment.ts';

/**
 * The accounts a host's Network Agent reports (`KLNAG_ACCNTS_ACCOUNTS`, seed 001's sample), in the host settings
 * storage as the emulator places them (docs/decisions/0009). Spec §9 marks the mapping as inferred.
 */
export const AGENT_ACCOUNTS = {
  strType: 'SS_PRODINFO',
  strProduct: '1103',
  strVersion: '1.0.0.0',
  strSection: 'KLNAG_ACCNTS',
} as const;

const input = z.object({
  ipAddresses: z
    .array(z.string().trim().min(1).max(64))
    .min(1)
    .max(1000)
    .describe('IP Addresses: IPv4 addresses of managed hosts (KLHST_WKS_IP_LONG), e.g. ["10.5.1.2"]'),
});

const keyFields = z.object({
  UserNames: z.array(z.string()),
  DisplayNames: z.array(z.string()),
  SIDs: z.array(z.string()),
  IPAddresses: z.array(z.string()),
  HostNames: z.array(z.string()),
});

interface Account {
  readonly key: string;
  readonly displayName: string;
  readonly userName: string;
  readonly isUser: boolean | null;
  readonly sid: string;
}

function accountsOf(section: KlParams): Account[] {
  const accounts = section['KLNAG_ACCNTS_ACCOUNTS'];
  if (!isKlParams(accounts)) return [];
  return Object.entries(accounts).flatMap(([key, value]) => {
    if (!isKlParams(value)) return [];
    const str = (name: string) => (typeof value[name] === 'string' ? value[name] : '');
    const sid = toPlain(value['KLNAG_ACCNTS_SID']);
    const isUser = value['KLNAG_ACCNTS_IFUSER'];
    return [
      {
        key,
        displayName: str('KLNAG_ACCNTS_DN'),
        userName: str('KLNAG_ACCNTS_SAM'),
        isUser: typeof isUser === 'boolean' ? isUser : null,
        sid: typeof sid === 'string' ? sid : '',
      },
    ];
  });
}

function readAccounts(ctx: KscContext, record: KlParams) {
  return readHostSection(
    ctx,
    record,
    AGENT_ACCOUNTS,
    (host, error) =>
      `Host ${host} reports no accounts: its users are known only through Network Agent, ` +
      `which does not report them on this host (${error.message})`,
  );
}

interface IpResult {
  readonly ip: string;
  readonly hosts: readonly {
    readonly record: KlParams;
    readonly wire: WireJson;
    readonly section: KlParams;
  }[];
}

async function usersAt(ctx: KscContext, ip: string): Promise<IpResult> {
  const long = ipv4ToLong(ip);
  if (long === undefined) {
    throw new KconnectError('INVALID_INPUT', `Invalid IP. "${ip}" is not an IPv4 address (a.b.c.d).`);
  }
  const found = await findHostsWire(ctx, {
    filter: filter.eq('KLHST_WKS_IP_LONG', long).text,
    fields: ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_DN', 'KLHST_WKS_IP_LONG'],
    limit: MAX_REFERENCE_MATCHES,
  });
  if (found.records.length === 0)
    throw new KconnectError('NOT_FOUND', `No managed host has the IP address ${ip}`);
  // Several hosts may share an address (NAT, stale records): each one's users are reported.
  const hosts = [];
  for (const record of found.records) {
    const read = await readAccounts(ctx, record);
    hosts.push({ record, wire: read.wire['PxgRetVal'] ?? null, section: read.reply.PxgRetVal });
  }
  return { ip, hosts };
}

/**
 * The directory identity of each account by its SID (these accounts carry no trustee id), when the context has a
 * directory; by account name only for an account without SID.
 */
async function identitiesOf(
  ctx: KscContext,
  accounts: readonly Account[],
): Promise<Map<Account, EnrichedIdentity | undefined>> {
  const found = new Map<Account, EnrichedIdentity | undefined>();
  const directory = ctx.directory;
  if (directory === undefined) return found;
  const answers = await mapLimited(accounts, CONCURRENCY, (a) =>
    identityOf(directory, a.sid === '' ? { account: a.displayName || a.userName } : { sid: a.sid }),
  );
  accounts.forEach((account, i) => found.set(account, answers[i]));
  return found;
}

/** `Get User By IP` (seed 001): the accounts the Network Agent of the host at each address reports. */
export const getUserByIp: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_user_by_ip',
  title: 'Get User By IP',
  description:
    'Finds the managed host at each IPv4 address and lists the accounts its Network Agent reports (local ' +
    'accounts and the users who log on to it): account name, display name (DOMAIN\\name), SID (base64) and ' +
    'whether it is a user account. Use it to tie an address seen in an alert to the people using that ' +
    'machine. Needs Network Agent on the host. Each address is looked up on its own: a malformed address is ' +
    'a 400 error, an address no host has or a host without agent data a 404, and the other addresses are ' +
    'still reported (Partially Successful). Several hosts with the same address are each reported. Where ' +
    "kconnect's IAM directory is there (the service's, or `directory:` in the configuration), each account " +
    'whose SID matches a directory user gets a `directory` object in the context: displayName, upn, mail, ' +
    'samName, groups (direct and nested) and directGroups. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, 'HostGroup.SS_Read'],
  },
  companions: { directory: 'optional' },
  hints: { cliAliases: { ipAddresses: 'ip' }, targetFields: ['ipAddresses'] },
  example: { ipAddresses: ['10.5.1.2'] },
  async run(ctx, { ipAddresses }) {
    const settled = await mapLimited(ipAddresses, CONCURRENCY, (ip) => settle(usersAt(ctx, ip)));
    // Per address, per host: the accounts, read once for the context and the directory's lookups.
    const accountsAt = settled.map((outcome) =>
      outcome.ok ? outcome.value.hosts.map((host) => accountsOf(host.section)) : [],
    );
    const identities = await identitiesOf(ctx, accountsAt.flat(2));
    const results: WireJson[] = [];
    const context: PlainJson[] = [];
    const rows: PlainJson[][] = [];
    const errors: CommandErrorEntry[] = [];
    const keys = { UserNames: [], DisplayNames: [], SIDs: [], IPAddresses: [], HostNames: [] } as {
      [K in keyof z.output<typeof keyFields>]: string[];
    };
    let succeeded = 0;
    ipAddresses.forEach((ip, index) => {
      const outcome = settled[index]!;
      if (!outcome.ok) {
        errors.push(errorEntry(getUserByIp.title, outcome.error, ip));
        return;
      }
      succeeded++;
      outcome.value.hosts.forEach((host, hostIndex) => {
        const hostName = String(host.record['KLHST_WKS_DN'] ?? '');
        const hostId = String(host.record['KLHST_WKS_HOSTNAME'] ?? '');
        results.push({
          ip_address: ip,
          KLHST_WKS_DN: hostName,
          KLHST_WKS_HOSTNAME: hostId,
          PxgRetVal: host.wire,
        });
        const accounts = accountsAt[index]![hostIndex]!;
        context.push({
          ip_address: ip,
          KLHST_WKS_DN: hostName,
          KLHST_WKS_HOSTNAME: hostId,
          accounts: accounts.map((a) => {
            const identity = identities.get(a);
            return identity === undefined ? { ...a } : { ...a, directory: identityJson(identity) };
          }),
        });
        keys.IPAddresses.push(ip);
        keys.HostNames.push(hostName);
        for (const account of accounts) {
          keys.UserNames.push(account.userName);
          keys.DisplayNames.push(account.displayName);
          keys.SIDs.push(account.sid);
          rows.push([ip, hostName, account.userName, account.displayName, account.sid]);
        }
      });
    });
    return {
      status: statusOf(succeeded, errors.length),
      raw: { results },
      context,
      keyFields: keys,
      result: {
        title: 'Get User By IP',
        columns: ['IP Address', 'Host Name', 'User Name', 'Display Name', 'SID'],
        rows,
      },
      errors,
    };
  },
};
