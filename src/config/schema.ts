import { z } from 'zod';
import { connectionFileSchema, type ConnectionConfig } from './connections/registry.ts';
import { directorySectionSchema, type DirectoryConfig } from './directory.ts';
import { nonEmpty } from './connections/tls.ts';
import {
  intakeSectionSchema,
  PIPELINE_NAME,
  pipelineFileSchema,
  type IntakeConfig,
  type PipelineConfig,
} from './pipelines.ts';

export {
  kscConnectionFileSchema,
  type KscConnectionConfig,
  type KscConnectionFile,
} from './connections/ksc.ts';
export type { KscCredentials as ConnectionCredentials } from './connections/ksc.ts';
export type { ConnectionConfig } from './connections/registry.ts';
export type { FileRef } from './connections/settings.ts';
export { tlsFileSchema } from './connections/tls.ts';

/**
 * The configuration file (`kconnect.yaml`, `kconnect.yml` or `kconnect.json`): named connections, each of a
 * `type` (`ksc` when absent) with that type's settings (`connections/`), and the sections the HTTP service and
 * the MCP server read. Objects are strict, so a misspelt key is an error naming it rather than a setting
 * silently ignored.
 */

/** A connection name: used on the command line (`--connection prod`) and in the HTTP service's routes. */
export const CONNECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The HTTP service's section: its engineer defines the contents; only the shapes of the known keys are checked. */
export const serviceSectionSchema = z.looseObject({
  host: nonEmpty.optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  database: nonEmpty.optional(),
  maxConcurrentPerServer: z.number().int().min(1).optional(),
  maxQueue: z.number().int().min(0).optional(),
  auditRetentionDays: z.number().int().min(0).optional(),
  headersTimeoutSeconds: z.number().int().min(1).optional(),
  requestTimeoutSeconds: z.number().int().min(1).optional(),
  keepAliveTimeoutSeconds: z.number().int().min(1).optional(),
  maxConnections: z.number().int().min(1).optional(),
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
      connectionFileSchema,
    )
    .optional(),
  pipelines: z
    .record(
      z.string().regex(PIPELINE_NAME, 'a pipeline name: letters, digits, "_", "." and "-"'),
      pipelineFileSchema,
    )
    .optional(),
  intake: intakeSectionSchema.optional(),
  service: serviceSectionSchema.optional(),
  mcp: mcpSectionSchema.optional(),
  directory: directorySectionSchema.optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ServiceSection = z.infer<typeof serviceSectionSchema>;
export type McpSection = z.infer<typeof mcpSectionSchema>;

export interface KconnectConfig {
  /** The file read, if any. */
  readonly file: string | undefined;
  readonly connections: Readonly<Record<string, ConnectionConfig>>;
  /** The connection used when none is named: `--connection`, `KCONNECT_CONNECTION`, the file's, or the only one. */
  readonly defaultConnection: string | undefined;
  readonly service: ServiceSection | undefined;
  readonly mcp: McpSection | undefined;
  /** The intake's pipelines by name, checked against the connections; none when the file declares none. */
  readonly pipelines: Readonly<Record<string, PipelineConfig>>;
  /** Where the intake keeps its checkpoints. */
  readonly intake: IntakeConfig;
  /** Where the IAM directory is kept (`directory:`); its `state` undefined: the service database. */
  readonly directory: DirectoryConfig;
}
