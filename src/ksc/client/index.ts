/** The KSC Open API client (`kconnect/ksc`). */
export {
  KscClient,
  isReadMethod,
  type KscCallOptions,
  type KscClientDependencies,
  type KscLogger,
  type KscLogRecord,
  type WireAnswer,
} from './client.ts';
export {
  resolveKscConfig,
  type KscClientOptions,
  type KscCompression,
  type PasswordCredentials,
  type ResolvedKscConfig,
  type SecretSource,
  type KscTlsOptions,
  type TokenCredentials,
} from './config.ts';
export { spkiPin } from '../../http/pins.ts';
export {
  KSC_METHODS,
  isKscMethodName,
  kscMethod,
  type KscMethod,
  type KscMethodArgs,
  type KscMethodName,
  type KscMethodReply,
} from '../methods/index.ts';
export type { ResolvedProxy } from '../../http/proxy.ts';
export {
  AccessDeniedError,
  AuthenticationError,
  CallError,
  CancelledError,
  ConnectionError,
  KscClientError,
  NotFoundError,
  ProxyError,
  SessionExpiredError,
  TimeoutError,
  TlsError,
  errorFromPxg,
  type CallContext,
} from './errors.ts';
export { pagedResults, type KscResults, type PagingOptions, type ResultSetReader } from './results.ts';
export {
  eventResults,
  events,
  findGroups,
  findHosts,
  srvView,
  taskHistory,
  type EventOptions,
  type FindOptions,
  type OrderField,
} from './iterators.ts';
export { waitForAction, type ActionResult, type WaitOptions } from './actions.ts';
