import { nonEmpty } from './tls.ts';
import { ConfigError } from '../errors.ts';
import type { BaseConnectionConfig } from './type.ts';

/**
 * Companion connections: the connection of the other product whose machines are the same (a KSC server and the
 * KICS for Networks server watching the plant those KSC hosts sit in). Commands that correlate IT and OT (issue
 * 17: `resolve_asset`, the KSC status of KICS devices) run on one connection and reach the other through this
 * link, so a playbook names one connection, as it always has.
 */

/** `correlateWith: <connection name>` in a connection's section of the file, whatever its type. */
export const correlateWithSchema = nonEmpty
  .optional()
  .describe(
    'The connection of the other product (a kics connection for a ksc one, and the reverse) whose machines are ' +
      'the same, for the IT/OT correlation commands. Default: the only connection of the other type, if there is one',
  );

/**
 * Checks every `correlateWith`: it names a configured connection of another type. An error names the field.
 *
 * @throws {ConfigError}
 */
export function checkCompanions(connections: Readonly<Record<string, BaseConnectionConfig>>): void {
  for (const connection of Object.values(connections)) {
    const named = connection.correlateWith;
    if (named === undefined) continue;
    const field = connection.sources['correlateWith'] ?? `connections.${connection.name}.correlateWith`;
    const other = Object.hasOwn(connections, named) ? connections[named] : undefined;
    if (other === undefined) {
      const names = Object.keys(connections).filter((n) => n !== connection.name);
      throw new ConfigError(
        field,
        `no connection named "${named}" (configured: ${names.join(', ') || 'none besides this one'})`,
      );
    }
    if (other.type === connection.type) {
      throw new ConfigError(
        field,
        `"${named}" is a ${other.type} connection like "${connection.name}": a companion is a connection of the ` +
          'other product (kics for a ksc connection, ksc for a kics one)',
      );
    }
  }
}

/**
 * The companion of a connection, or undefined when it has none: the one it names with `correlateWith`; else the
 * only connection of another type that names it; else the only connection of another type configured. Several
 * candidates and no name is no companion — never a guess.
 */
export function companionOf<C extends BaseConnectionConfig>(
  connections: Readonly<Record<string, C>>,
  connection: C,
): C | undefined {
  if (connection.correlateWith !== undefined) {
    return Object.hasOwn(connections, connection.correlateWith)
      ? connections[connection.correlateWith]
      : undefined;
  }
  const others = Object.values(connections).filter((c) => c.type !== connection.type);
  const naming = others.filter((c) => c.correlateWith === connection.name);
  if (naming.length === 1) return naming[0];
  if (naming.length > 1) return undefined;
  return others.length === 1 ? others[0] : undefined;
}
