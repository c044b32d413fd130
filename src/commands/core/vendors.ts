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

export type ApiOf<V extends Vendor> = V extends keyof VendorTypes
  ? VendorTypes[V] extends { readonly api: infer A extends VendorApi }
    ? A
    : VendorApi
  : VendorApi;

/**
 * Why a command name breaks the naming rule of its vendor, or undefined when it keeps it: snake_case, and the
 * vendor's prefix (`kics_list_devices`) for every vendor but KSC, whose commands keep seed 001's names.
 */
export function commandNameProblem(name: string, vendor: Vendor): string | undefined {
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) return `${name}: not snake_case`;
  const prefix = VENDORS[vendor].commandPrefix;
  if (prefix !== '' && !name.startsWith(prefix))
    return `${name}: a ${vendor} command starts with "${prefix}"`;
  for (const [other, { commandPrefix }] of Object.entries(VENDORS)) {
    if (other !== vendor && commandPrefix !== '' && name.startsWith(commandPrefix)) {
      return `${name}: the prefix "${commandPrefix}" belongs to ${other} commands`;
    }
  }
  return undefined;
}
