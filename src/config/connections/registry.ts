import { z } from 'zod';
import {
  kscConnectionFileSchema,
  kscConnectionType,
  type KscConnectionConfig,
  type KscConnectionFlags,
} from './ksc.ts';
import {
  kicsConnectionFileSchema,
  kicsConnectionType,
  type KicsConnectionConfig,
  type KicsConnectionFlags,
} from './kics.ts';
import type { ConnectionFlag } from './settings.ts';
import type { ConnectionType } from './type.ts';

/**
 * The connection types kconnect knows: KSC and KICS for Networks. A new type is a module like `ksc.ts` and its
 * entry in each type and list below; the loader, the context factory, the CLI and `config show` find it here.
 */

/** A checked connection of any type. */
export type ConnectionConfig = KscConnectionConfig | KicsConnectionConfig;

/** The flags every command takes: `--connection` and the flags of every type. */
export type ConnectionFlags = { readonly connection?: string } & KscConnectionFlags & KicsConnectionFlags;

type ConnectionTypes = {
  readonly [T in ConnectionConfig['type']]: ConnectionType<Extract<ConnectionConfig, { readonly type: T }>>;
};

const TYPES: ConnectionTypes = { ksc: kscConnectionType, kics: kicsConnectionType };

/** The type of a connection without `type`: every file written before there was a second one means KSC. */
export const DEFAULT_CONNECTION_TYPE = 'ksc' satisfies ConnectionConfig['type'];

/** One connection in the file: its `type` chooses the schema, so each type's settings are checked as its own. */
export const connectionFileSchema = z.discriminatedUnion('type', [
  kscConnectionFileSchema,
  kicsConnectionFileSchema,
]);

export const CONNECTION_TYPES: readonly ConnectionType<ConnectionConfig>[] = Object.values(TYPES);

/** The type named in a file (`undefined`: the default type), or undefined when kconnect knows no such type. */
export function connectionTypeNamed(type: string | undefined): ConnectionType<ConnectionConfig> | undefined {
  const name = type ?? DEFAULT_CONNECTION_TYPE;
  return Object.hasOwn(TYPES, name) ? TYPES[name as keyof ConnectionTypes] : undefined;
}

/** The type of a checked connection, typed for it. */
export function connectionTypeOf<C extends ConnectionConfig>(connection: C): ConnectionType<C> {
  // TYPES maps each type name to the module of that type, so the module of `connection.type` takes C.
  return TYPES[connection.type] as unknown as ConnectionType<C>;
}

/** The flags of every type, each once (types that share a flag, such as `--url`, share its first description). */
export function allConnectionFlags(): readonly ConnectionFlag[] {
  const byKey = new Map<string, ConnectionFlag>();
  for (const type of CONNECTION_TYPES)
    for (const flag of type.flags) if (!byKey.has(flag.key)) byKey.set(flag.key, flag);
  return [...byKey.values()];
}
