import type { VendorClient } from '../../vendor-client.ts';

/**
 * The products kconnect has commands for. Names only: the core knows no vendor's code. Each vendor's folder
 * (`commands/ksc/…`) adds the types of its client and API metadata to {@link VendorTypes}.
 */
export const VENDORS = {
  ksc: {
    title: 'Kaspersky Security Center',
    short: 'KSC',
    /** KSC commands keep seed 001's names, which D3 users know. */
    commandPrefix: '',
    operationsLabel: 'KSC methods',
  },
  kics: {
    title: 'KICS for Networks',
    short: 'KICS',
    commandPrefix: 'kics_',
    operationsLabel: 'KICS API operations',
  },
} as const satisfies Record<
  string,
  {
    readonly title: string;
    readonly short: string;
    readonly commandPrefix: string;
    readonly operationsLabel: string;
  }
>;

export type Vendor = keyof typeof VENDORS;

export const VENDOR_NAMES = Object.keys(VENDORS) as readonly Vendor[];

/**
 * What a command talks to: a vendor's product, through a connection and its client, or a part of kconnect itself
 * that needs no connection — the IAM directory (seed 003), whose store the context holds as `directory`. Surfaces
 * group, tag and title commands by subject, so a command of kconnect's own is laid out like a vendor's without
 * a special case of its own in any adapter.
 */
export const SUBJECTS = {
  ...VENDORS,
  directory: {
    title: 'IAM directory',
    short: 'directory',
    /** Directory commands name what they query: `directory_get_user`. */
    commandPrefix: 'directory_',
    operationsLabel: 'Directory queries',
  },
} as const satisfies Record<
  string,
  {
    readonly title: string;
    readonly short: string;
    readonly commandPrefix: string;
    readonly operationsLabel: string;
  }
>;

export type Subject = keyof typeof SUBJECTS;

export const SUBJECT_NAMES = Object.keys(SUBJECTS) as readonly Subject[];

/** Whether a subject is a vendor's product, reached through a connection (and not a part of kconnect). */
export function isVendor(subject: string): subject is Vendor {
  return Object.hasOwn(VENDORS, subject);
}

/**
 * Filled in by each vendor through declaration merging:
 * `declare module '../../core/vendors.ts' { interface VendorTypes { ksc: { client: KscClient; api: KscApi } } }`.
 * A vendor not (yet) filled in gets the neutral types below.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface VendorTypes {}

/** What any vendor's command says of the API it uses: the operations it calls, in order. */
export interface VendorApi {
  readonly operations: readonly string[];
}

export type ClientOf<V extends Vendor> = V extends keyof VendorTypes
  ? VendorTypes[V] extends { readonly client: infer C extends VendorClient }
    ? C
    : VendorClient
  : VendorClient;

export type ApiOf<V extends Subject> = V extends keyof VendorTypes
  ? VendorTypes[V] extends { readonly api: infer A extends VendorApi }
    ? A
    : VendorApi
  : VendorApi;

/**
 * Why a command name breaks the naming rule of its subject, or undefined when it keeps it: snake_case, and the
 * subject's prefix (`kics_list_devices`, `directory_get_user`) for every subject but KSC, whose commands keep
 * seed 001's names.
 */
export function commandNameProblem(name: string, vendor: Subject): string | undefined {
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) return `${name}: not snake_case`;
  const prefix = SUBJECTS[vendor].commandPrefix;
  if (prefix !== '' && !name.startsWith(prefix))
    return `${name}: a ${vendor} command starts with "${prefix}"`;
  for (const [other, { commandPrefix }] of Object.entries(SUBJECTS)) {
    if (other !== vendor && commandPrefix !== '' && name.startsWith(commandPrefix)) {
      return `${name}: the prefix "${commandPrefix}" belongs to ${other} commands`;
    }
  }
  return undefined;
}
