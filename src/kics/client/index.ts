/** The KICS for Networks client (`kconnect/kics`). */
export {
  KicsClient,
  type KicsCallOptions,
  type KicsClientDependencies,
  type KicsLogger,
  type KicsLogRecord,
} from './client.ts';
export { resolveKicsConfig, type KicsClientOptions, type ResolvedKicsConfig } from './config.ts';
export {
  loadCredentials,
  type KicsCredentials,
  type KicsTlsOptions,
  type LoadedCredentials,
  type PackageCredentials,
  type PackageMetadata,
  type PemCredentials,
  type SecretSource,
} from './credentials.ts';
export {
  AuthenticationError,
  CallError,
  CancelledError,
  ConnectionError,
  KicsApiError,
  KicsClientError,
  ProxyError,
  TimeoutError,
  TlsError,
  type CallContext,
} from './errors.ts';
export {
  DEFAULT_API_PATH,
  DEFAULT_AUTH_PATH,
  KICS_OPERATIONS,
  sortEntry,
  type KicsHttpMethod,
  type KicsOperation,
  type KicsOperationName,
} from './operations.ts';
export {
  FILTER_FIELDS,
  KicsFilterGroup,
  KicsQueryBuilder,
  kicsQuery,
  type Comparison,
  type FilterField,
  type FilterValue,
} from './query-builder.ts';
export { all, pages, type PagingOptions } from './iterators.ts';
export { TokenManager, type TokenLogRecord, type TokenManagerOptions } from './tokens.ts';
export type * from './types.ts';
