/** The KSC Open API client (`kconnect/ksc`). */
export {
  KscClient,
  isReadMethod,
  type KscCallOptions,
  type KscClientDependencies,
  type KscLogger,
  type KscLogRecord,
} from './client.ts';
export {
  resolveKscConfig,
  type KscClientOptions,
  type PasswordCredentials,
  type ResolvedKscConfig,
  type SecretSource,
  type TokenCredentials,
} from './config.ts';
export {
  AccessDeniedError,
  AuthenticationError,
  ConnectionError,
  KscClientError,
  NotFoundError,
  SessionExpiredError,
  TimeoutError,
  errorFromPxg,
  type CallContext,
} from './errors.ts';
export { pagedResults, type KscResults, type ResultSetReader } from './results.ts';
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
