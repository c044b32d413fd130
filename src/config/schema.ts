import { z } from 'zod';
import type { Secret } from './secrets.ts';

/**
 * The configuration file (`kconnect.yaml`, `kconnect.yml` or `kconnect.json`): named connections, and the
 * sections the HTTP service and the MCP server read. Objects are strict, so a misspelt key is an error naming
 * it rather than a setting silently ignored.
 */

const nonEmpty = z.string().min(1, 'empty');

/** A connection name: used on the command line (`--connection prod`) and in the HTTP service's routes. */
export const CONNECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const tlsFileSchema = z.strictObject({
  /** A PEM file to trust: KSC's own certificate (`klserver.cer`) or the CA that issued it. */
  caFile: nonEmpty.optional(),
  /** SPKI pins `sha256/<base64>`: current and reserve. */
  pins: z.array(nonEmpty).min(1, 'at least one pin').optional(),
  /** No certificate checks at all (labs only; the client logs a warning). */
  insecure: z.boolean().optional(),
});

export const kscConnectionFileSchema = z.strictObject({
  type: z.literal('ksc', 'only "ksc" connections exist so far').optional(),
  url: nonEmpty.optional(),
  user: nonEmpty.optional(),
  /** The password itself; prefer `passwordFile` or `passwordEnv`, which keep it out of the file. */
  password: nonEmpty.optional(),
  passwordFile: nonEmpty.optional(),
  passwordEnv: nonEmpty.optional(),
  domain: nonEmpty.optional(),
  internal: z.boolean().optional(),
  token: nonEmpty.optional(),
  tokenFile: nonEmpty.optional(),
  tokenEnv: nonEmpty.optional(),
  /** `KSCWT` (web token, the default) or `KSCT` (one-time token). */
  tokenScheme: z.enum(['KSCT', 'KSCWT']).optional(),
  virtualServer: nonEmpty.optional(),
  tls: tlsFileSchema.optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Pool size: keep-alive connections to the server. */
  connections: z.number().int().min(1).max(64).optional(),
  attempts: z.number().int().min(1).max(10).optional(),
  backoffMs: z.number().int().min(1).max(60_000).optional(),
  login: z.enum(['session', 'connection']).optional(),
  proxy: z.union([nonEmpty, z.literal(false)]).optional(),
});

/** The HTTP service's section: its engineer defines the contents; only the shapes of the known keys are checked. */
export const serviceSectionSchema = z.looseObject({
  host: nonEmpty.optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  database: nonEmpty.optional(),
  maxConcurrentPerServer: z.number().int().min(1).optional(),
  maxQueue: z.number().int().min(0).optional(),
});

/** The MCP server's section, checked as loosely as the service's. */
export const mcpSectionSchema = z.looseObject({
  allowDestructive: z.boolean().optional(),
});

export const configFileSchema = z.strictObject({
  defaultConnection: nonEmpty.optional(),
  connections: z
    .record(
      z.string().regex(CONNECTION_NAME, 'a connection name: letters, digits, "_", "." and "-"'),
      kscConnectionFileSchema,
    )
    .optional(),
  service: serviceSectionSchema.optional(),
  mcp: mcpSectionSchema.optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type KscConnectionFile = z.infer<typeof kscConnectionFileSchema>;
export type ServiceSection = z.infer<typeof serviceSectionSchema>;
export type McpSection = z.infer<typeof mcpSectionSchema>;

/** A file the configuration points to, with the field that named it (for errors). */
export interface FileRef {
  readonly path: string;
  readonly field: string;
}

export type ConnectionCredentials =
  | {
      readonly user: string;
      readonly password: Secret;
      readonly domain?: string;
      readonly internal?: boolean;
    }
  | { readonly scheme: 'KSCT' | 'KSCWT'; readonly token: Secret };

/** One KSC server, after the file, the environment and the flags were merged and checked. */
export interface KscConnectionConfig {
  readonly name: string;
  readonly type: 'ksc';
  readonly url: string;
  readonly credentials: ConnectionCredentials;
  readonly virtualServer?: string;
  readonly tls: { readonly caFile?: FileRef; readonly pins?: readonly string[]; readonly insecure: boolean };
  readonly timeoutMs?: number;
  readonly connections?: number;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly login?: 'session' | 'connection';
  readonly proxy?: string | false;
  /** Where each setting came from, by key (`url`, `tls.pins`, …): a file path, a variable or a flag. */
  readonly sources: Readonly<Record<string, string>>;
}

export type ConnectionConfig = KscConnectionConfig;

export interface KconnectConfig {
  /** The file read, if any. */
  readonly file: string | undefined;
  readonly connections: Readonly<Record<string, ConnectionConfig>>;
  /** The connection used when none is named: `--connection`, `KCONNECT_CONNECTION`, the file's, or the only one. */
  readonly defaultConnection: string | undefined;
  readonly service: ServiceSection | undefined;
  readonly mcp: McpSection | undefined;
}
