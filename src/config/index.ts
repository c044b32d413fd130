/** The configuration model shared by every surface: named connections, secrets by reference, command contexts. */
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
export { MASK, Secret, type SecretKind } from './secrets.ts';
export {
  createContextFactory,
  kscClientOptions,
  type ContextFactory,
  type ContextFactoryOptions,
} from './context.ts';
