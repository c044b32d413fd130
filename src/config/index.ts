/** The configuration model shared by every surface: connections by type, secrets by reference, command contexts. */
export { ConfigError } from './errors.ts';
export {
  CONFIG_FILE_NAMES,
  CONNECTION_ENV,
  loadConfig,
  type ConfigFileSystem,
  type ConnectionFlags,
  type LoadConfigOptions,
} from './load.ts';
export {
  configFileSchema,
  type ConfigFile,
  type ConnectionConfig,
  type ConnectionCredentials,
  type FileRef,
  type KconnectConfig,
  type KscConnectionConfig,
  type McpSection,
  type ServiceSection,
} from './schema.ts';
export {
  CONNECTION_TYPES,
  connectionTypeNamed,
  connectionTypeOf,
  DEFAULT_CONNECTION_TYPE,
} from './connections/registry.ts';
export type { BaseConnectionConfig, ClientFactoryOptions, ConnectionType } from './connections/type.ts';
export { MASK, Secret, type SecretKind } from './secrets.ts';
export {
  createContextFactory,
  kscClientOptions,
  type ContextFactory,
  type ContextFactoryOptions,
} from './context.ts';
