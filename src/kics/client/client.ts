import { randomUUID } from 'node:crypto';
import type { Pool } from 'undici';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import {
  AuthenticationError,
  CancelledError,
  ConnectionError,
  TimeoutError,
  TlsError,
  type CallContext,
} from '../../errors.ts';
import { ConnectFailure, httpConnector } from '../../http/connector.ts';
import { HttpTransport, TransportFailure, type HttpAnswer } from '../../http/transport.ts';
import { undici } from '../../http/undici.ts';
import { unlessAborted, type HealthReport, type VendorClient } from '../../vendor-client.ts';
import { parseWireJson } from '../../wire/json.ts';
import type {
  About,
  AllowRule,
  ApplicationMessage,
  AuditEntry,
  ConnectorConfiguration,
  Device,
  DeviceProtocol,
  EventType,
  KicsEvent,
  License,
  MonitoringPoint,
  Page,
  ProtocolStack,
  Tag,
  TechnologyState,
  Vulnerability,
} from '../model.ts';
import { parseQueryArgument, RESOURCE_SPECS, type ResourceSpec } from '../query/index.ts';
import { resolveKicsConfig, type KicsClientOptions, type ResolvedKicsConfig } from './config.ts';
import { loadCredentials } from './credentials.ts';
import { KicsApiError, KicsClientError } from './errors.ts';
import { KICS_OPERATIONS, operationPath, type KicsOperation, type KicsOperationName } from './operations.ts';
import type {
  DeviceCreate,
  DeviceCreateResult,
  DeviceUpdate,
  DeviceUpdateResult,
  EventRegistration,
  EventRegistrationResult,
  EventUpdate,
  KicsFile,
  KicsFileStream,
  KicsQueryArgument,
} from './types.ts';
import { errorMessageOf, TokenManager } from './tokens.ts';

/** One log record. It never carries a token, a password, a key or a request body. */
export interface KicsLogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  /** The operation (`queryDevices`) or the client's own step (`token`). */
  readonly operation?: string;
  readonly requestId?: string;
  readonly status?: number;
  readonly attempt?: number;
}

export type KicsLogger = (record: KicsLogRecord) => void;

export interface KicsClientDependencies {
  readonly logger?: KicsLogger;
  /** Waits between retries (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** The client's clock, ms since the epoch: when to extend the token. Default `Date.now`. */
  readonly now?: () => number;
  /** Where `HTTPS_PROXY` and `NO_PROXY` are read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface KicsCallOptions {
  readonly signal?: AbortSignal;
}

/** An answer as the client reads it: JSON (lossless), a file, or nothing. */
type Body =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'stream'; readonly stream: Readable };

/** How an answer's body is read: as text (JSON), whole as bytes, or handed over as a stream. */
type ReadMode = 'text' | 'bytes' | 'stream';

interface Exchange {
  readonly status: number;
  readonly headers: HttpAnswer['headers'];
  readonly body: Body;
}

/** The mutable part of a client, shared with its views. */
interface ClientState {
  closed: boolean;
  connection: Connection | undefined;
  opening: Promise<Connection> | undefined;
}

/** What a client builds once it has read its credentials. */
interface Connection {
  readonly config: ResolvedKicsConfig;
  readonly pool: Pool;
  readonly transport: HttpTransport;
  readonly tokens: TokenManager;
}

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_SSL_|^ERR_TLS_/;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function header(headers: HttpAnswer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A client of one KICS for Networks server (Public API v3, seed 002): mutual TLS with the connector's
 * certificate, bearer tokens it obtains, extends and renews itself (see {@link TokenManager}), typed methods for
 * the 33 operations, the lossless JSON of the project, reads (and token requests) repeated with full-jitter
 * backoff, changes never repeated once they may have arrived.
 *
 * @example
 * const kics = await KicsClient.create({ credentials: { package: './kconnect', password } });
 * const page = await kics.queryDevices({ filter: [{ field: 'status', value: 'Unauthorized' }], limit: 100 });
 * await kics.close();
 */
export class KicsClient implements VendorClient {
  readonly log: KicsLogger;
  private readonly options: KicsClientOptions;
  private readonly env: Readonly<Record<string, string | undefined>> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly state: ClientState = { closed: false, connection: undefined, opening: undefined };
  private boundSignal: AbortSignal | undefined;

  /**
   * Reads the credentials (the package's PFX and metadata, or PEM files) and makes a client, so that a bad file or
   * password fails here. No request is sent until the first call.
   *
   * @throws {FieldError} for an option, a file or a password that cannot be used
   */
  static async create(
    options: KicsClientOptions,
    dependencies: KicsClientDependencies = {},
  ): Promise<KicsClient> {
    const client = new KicsClient(options, dependencies);
    await client.open();
    return client;
  }

  /**
   * A client that reads its credentials on its first call (a secret from a vault is fetched only then): what a
   * configuration's connection makes. {@link create} reads them at once.
   */
  constructor(options: KicsClientOptions, dependencies: KicsClientDependencies = {}) {
    this.options = options;
    this.env = dependencies.env;
    this.log = dependencies.logger ?? (() => undefined);
    this.sleep = dependencies.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = dependencies.random ?? Math.random;
    this.now = dependencies.now ?? Date.now;
  }

  /**
   * The checked settings: the server, the API and token paths, limits and proxy.
   *
   * @throws {KicsClientError} before the client has read its credentials (use {@link create}, or after a call)
   */
  get config(): ResolvedKicsConfig {
    const connection = this.state.connection;
    if (connection === undefined)
      throw new KicsClientError('INVALID_INPUT', 'The client has not read its credentials yet');
    return connection.config;
  }

  /** Reads the credentials and builds the connection pool and token manager, once. */
  private open(): Promise<Connection> {
    if (this.state.connection !== undefined) return Promise.resolve(this.state.connection);
    this.state.opening ??= this.connect().then(
      (connection) => {
        this.state.connection = connection;
        return connection;
      },
      (error: unknown) => {
        // A file fixed in the meantime may be read on the next call.
        this.state.opening = undefined;
        throw error;
      },
    );
    return this.state.opening;
  }

  private async connect(): Promise<Connection> {
    const credentials = await loadCredentials(this.options.credentials, this.options.tls);
    const config = resolveKicsConfig(this.options, credentials.metadata, this.env);
    // The client owns the pool (so that files can be read as bytes); the transport reads JSON through it.
    const pool = new (undici().Pool)(config.origin, {
      connections: config.connections,
      keepAliveTimeout: 60_000,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      connect: httpConnector({
        tls: credentials.trust,
        clientCertificate: credentials.clientCertificate,
        proxy: config.proxy,
        timeoutMs: config.timeoutMs,
      }),
    });
    const transport = new HttpTransport({
      origin: config.origin,
      timeoutMs: config.timeoutMs,
      dispatcher: pool,
      circuitBreaker: config.circuitBreaker,
      connectionName: config.connectionName,
      now: this.now,
      onCircuitChange: (state) =>
        this.log(
          state === 'open'
            ? { level: 'warn', message: `circuit to ${config.connectionName} opened after repeated failures` }
            : { level: 'info', message: `circuit to ${config.connectionName} closed` },
        ),
    });
    const tokens = new TokenManager({
      attempts: config.attempts,
      now: this.now,
      backoff: (attempt) => this.sleep(this.backoffMs(config, attempt)),
      log: (record) => this.log(record),
      send: (query, requestId) =>
        transport.request({
          method: 'POST',
          path: `${config.authPath}?${query}`,
          headers: { 'X-Request-Id': requestId, Accept: 'application/json' },
          body: '',
        }),
    });
    this.log({
      level: 'info',
      message:
        `KICS for Networks at ${config.origin}${config.apiPath} with the certificate of ${credentials.source}` +
        (credentials.trust.pins !== undefined ? '; the server is checked against tls.pins' : ''),
    });
    if (config.proxy !== undefined) {
      this.log({
        level: 'info',
        message: `connecting through the proxy ${config.proxy.origin} (from ${config.proxy.source})`,
      });
    }
    return { config, pool, transport, tokens };
  }

  /** This client with `signal` joined to every call made through it: the same tokens, connections and log. */
  withSignal(signal: AbortSignal | undefined): KicsClient {
    if (signal === undefined) return this;
    const view = Object.create(this) as KicsClient;
    view.boundSignal = this.boundSignal === undefined ? signal : AbortSignal.any([this.boundSignal, signal]);
    return view;
  }

  /** A token (when the client has none) and `GET /about`: the version of the server. */
  async checkHealth(signal?: AbortSignal): Promise<HealthReport> {
    const started = performance.now();
    const about = await this.about(signal === undefined ? {} : { signal });
    return {
      latencyMs: Math.round(performance.now() - started),
      server: {
        product: 'KICS for Networks',
        version: about.version,
        hostName: new URL((await this.open()).config.origin).hostname,
      },
    };
  }

  /** Forgets the tokens and closes the connections; with a signal that aborts, cuts the calls in flight. */
  async close(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    // A client still reading its credentials has nothing open yet; wait for it so nothing is left behind.
    const connection = this.state.connection ?? (await this.state.opening?.catch(() => undefined));
    if (connection === undefined) return;
    connection.tokens.clear();
    const pool = connection.pool;
    const signal = options.signal;
    if (signal?.aborted === true) return pool.destroy();
    if (signal === undefined) return pool.close();
    const cut = (): void => void pool.destroy().catch(() => undefined);
    signal.addEventListener('abort', cut, { once: true });
    try {
      await pool.close();
    } finally {
      signal.removeEventListener('abort', cut);
    }
  }

  // --- about, configuration, dictionaries ---------------------------------------------------------------------

  about(options?: KicsCallOptions): Promise<About> {
    return this.json('about', {}, options);
  }
  configuration(options?: KicsCallOptions): Promise<ConnectorConfiguration> {
    return this.json('configuration', {}, options);
  }
  license(options?: KicsCallOptions): Promise<License> {
    return this.json('license', {}, options);
  }
  locale(options?: KicsCallOptions): Promise<{ readonly localization: string }> {
    return this.json('locale', {}, options);
  }
  technologies(options?: KicsCallOptions): Promise<readonly TechnologyState[]> {
    return this.json('technologies', {}, options);
  }
  eventTypes(options?: KicsCallOptions): Promise<readonly EventType[]> {
    return this.json('eventTypes', {}, options);
  }
  getEventType(id: number, options?: KicsCallOptions): Promise<EventType> {
    return this.json('getEventType', { id }, options);
  }
  monitoringPoints(options?: KicsCallOptions): Promise<readonly MonitoringPoint[]> {
    return this.json('monitoringPoints', {}, options);
  }
  getMonitoringPoint(id: number, options?: KicsCallOptions): Promise<MonitoringPoint> {
    return this.json('getMonitoringPoint', { id }, options);
  }
  protocolStacks(options?: KicsCallOptions): Promise<readonly ProtocolStack[]> {
    return this.json('protocolStacks', {}, options);
  }
  getProtocolStack(id: number, options?: KicsCallOptions): Promise<ProtocolStack> {
    return this.json('getProtocolStack', { id }, options);
  }

  // --- devices ---------------------------------------------------------------------------------------------------

  queryDevices(query: KicsQueryArgument = {}, options?: KicsCallOptions): Promise<Page<Device>> {
    return this.json('queryDevices', { query }, options);
  }
  getDevice(id: number, options?: KicsCallOptions): Promise<Device> {
    return this.json('getDevice', { id }, options);
  }
  /** Edits a device. A refusal with the seed's `{"status": "Error", "errors": […]}` is a {@link KicsApiError} with `errors`. */
  updateDevice(id: number, body: DeviceUpdate, options?: KicsCallOptions): Promise<DeviceUpdateResult> {
    return this.json('updateDevice', { id, body }, options);
  }
  createDevice(body: DeviceCreate, options?: KicsCallOptions): Promise<DeviceCreateResult> {
    return this.json('createDevice', { body }, options);
  }
  async deleteDevice(id: number, options?: KicsCallOptions): Promise<void> {
    await this.call('deleteDevice', { id }, options);
  }
  deviceProtocols(id: number, options?: KicsCallOptions): Promise<readonly DeviceProtocol[]> {
    return this.json('deviceProtocols', { id }, options);
  }

  // --- events ----------------------------------------------------------------------------------------------------

  queryEvents(query: KicsQueryArgument = {}, options?: KicsCallOptions): Promise<Page<KicsEvent>> {
    return this.json('queryEvents', { query }, options);
  }
  getEvent(id: number, options?: KicsCallOptions): Promise<KicsEvent> {
    return this.json('getEvent', { id }, options);
  }
  async updateEvent(id: number, body: EventUpdate, options?: KicsCallOptions): Promise<void> {
    await this.call('updateEvent', { id, body }, options);
  }
  registerEvent(body: EventRegistration, options?: KicsCallOptions): Promise<EventRegistrationResult> {
    return this.json('registerEvent', { body }, options);
  }
  /** The PCAP of one event's traffic. */
  eventTraffic(id: number, options?: KicsCallOptions): Promise<KicsFile> {
    return this.file('eventTraffic', { id }, options);
  }
  /** The PCAP of one event's traffic as a stream, for captures too large to hold in memory. */
  eventTrafficStream(id: number, options?: KicsCallOptions): Promise<KicsFileStream> {
    return this.fileStream('eventTraffic', { id }, options);
  }
  /** The ZIP of {@link eventsTraffic} as a stream: the caller reads it (or destroys it) to the end. */
  eventsTrafficStream(query: KicsQueryArgument = {}, options?: KicsCallOptions): Promise<KicsFileStream> {
    return this.fileStream('eventsTraffic', { query }, options);
  }
  /** A ZIP of the traffic of the events a query selects (one PCAP each). */
  eventsTraffic(query: KicsQueryArgument = {}, options?: KicsCallOptions): Promise<KicsFile> {
    return this.file('eventsTraffic', { query }, options);
  }

  // --- allowing rules, logs, tags, vulnerabilities ---------------------------------------------------------------

  queryAllowRules(query: KicsQueryArgument = {}, options?: KicsCallOptions): Promise<Page<AllowRule>> {
    return this.json('queryAllowRules', { query }, options);
  }
  getAllowRule(id: number, options?: KicsCallOptions): Promise<AllowRule> {
    return this.json('getAllowRule', { id }, options);
  }
  async updateAllowRule(
    id: number,
    body: { readonly isActive: boolean },
    options?: KicsCallOptions,
  ): Promise<void> {
    await this.call('updateAllowRule', { id, body }, options);
  }
  async deleteAllowRule(id: number, options?: KicsCallOptions): Promise<void> {
    await this.call('deleteAllowRule', { id }, options);
  }
  queryApplicationMessages(
    query: KicsQueryArgument = {},
    options?: KicsCallOptions,
  ): Promise<Page<ApplicationMessage>> {
    return this.json('queryApplicationMessages', { query }, options);
  }
  queryAuditMessages(query: KicsQueryArgument = {}, options?: KicsCallOptions): Promise<Page<AuditEntry>> {
    return this.json('queryAuditMessages', { query }, options);
  }
  queryTags(query: KicsQueryArgument = {}, options?: KicsCallOptions): Promise<Page<Tag>> {
    return this.json('queryTags', { query }, options);
  }
  getTag(id: number, options?: KicsCallOptions): Promise<Tag> {
    return this.json('getTag', { id }, options);
  }
  queryVulnerabilities(
    query: KicsQueryArgument = {},
    options?: KicsCallOptions,
  ): Promise<Page<Vulnerability>> {
    return this.json('queryVulnerabilities', { query }, options);
  }
  getVulnerability(id: number, options?: KicsCallOptions): Promise<Vulnerability> {
    return this.json('getVulnerability', { id }, options);
  }

  // --- the call ------------------------------------------------------------------------------------------------

  /**
   * Calls an operation of {@link KICS_OPERATIONS} and gives its answer parsed (lossless: integers beyond 2^53
   * arrive as `bigint`); `undefined` for an empty answer. The typed methods above are this with types.
   */
  async call(
    name: KicsOperationName,
    input: { readonly id?: number; readonly body?: unknown; readonly query?: KicsQueryArgument } = {},
    options: KicsCallOptions = {},
  ): Promise<unknown> {
    const operation = KICS_OPERATIONS[name];
    const exchange = await this.exchange(name, operation, input, options, 'text');
    if (exchange.body.kind !== 'text' || exchange.body.text.trim() === '') return undefined;
    try {
      return parseWireJson(exchange.body.text);
    } catch (error) {
      throw new KicsClientError('UPSTREAM_ERROR', `${name}: the server's answer is not JSON`, {
        operation: name,
        cause: error,
      });
    }
  }

  private async json<T>(
    name: KicsOperationName,
    input: { readonly id?: number; readonly body?: unknown; readonly query?: KicsQueryArgument },
    options: KicsCallOptions = {},
  ): Promise<T> {
    return (await this.call(name, input, options)) as T;
  }

  private async file(
    name: KicsOperationName,
    input: { readonly id?: number; readonly query?: KicsQueryArgument },
    options: KicsCallOptions = {},
  ): Promise<KicsFile> {
    const exchange = await this.exchange(name, KICS_OPERATIONS[name], input, options, 'bytes');
    const bytes = exchange.body.kind === 'bytes' ? exchange.body.bytes : new Uint8Array();
    return { bytes, ...fileFacts(exchange) };
  }

  private async fileStream(
    name: KicsOperationName,
    input: { readonly id?: number; readonly query?: KicsQueryArgument },
    options: KicsCallOptions = {},
  ): Promise<KicsFileStream> {
    const exchange = await this.exchange(name, KICS_OPERATIONS[name], input, options, 'stream');
    const stream = exchange.body.kind === 'stream' ? exchange.body.stream : Readable.from([]);
    return { stream, ...fileFacts(exchange) };
  }

  private signalOf(options: KicsCallOptions): AbortSignal | undefined {
    const own = options.signal;
    if (this.boundSignal === undefined) return own;
    return own === undefined ? this.boundSignal : AbortSignal.any([this.boundSignal, own]);
  }

  private backoffMs(config: ResolvedKicsConfig, attempt: number): number {
    // Full jitter (AWS architecture blog): a random wait up to an exponential cap, so retries do not synchronise.
    return Math.floor(this.random() * Math.min(30_000, config.backoffMs * 2 ** (attempt - 1)));
  }

  private requestBody(
    name: KicsOperationName,
    operation: KicsOperation,
    input: { readonly body?: unknown; readonly query?: KicsQueryArgument },
  ): string | undefined {
    if (operation.query !== undefined) {
      const query = input.query ?? {};
      // Checked here, before any request: a bad filter fails with the parameter named (IncorrectParametersError).
      parseQueryArgument(query, RESOURCE_SPECS[operation.query] as ResourceSpec<unknown>);
      return JSON.stringify(query);
    }
    if (input.body === undefined)
      return operation.method === 'GET' || operation.method === 'DELETE' ? undefined : '{}';
    if (typeof input.body !== 'object' || input.body === null)
      throw new KicsClientError('INVALID_INPUT', `${name}: body must be an object`, { operation: name });
    return JSON.stringify(input.body);
  }

  private async exchange(
    name: KicsOperationName,
    operation: KicsOperation,
    input: { readonly id?: number; readonly body?: unknown; readonly query?: KicsQueryArgument },
    options: KicsCallOptions,
    mode: ReadMode,
  ): Promise<Exchange> {
    if (this.state.closed)
      throw new KicsClientError('INVALID_INPUT', 'The client is closed', { operation: name });
    const signal = this.signalOf(options);
    const connection = await unlessAborted(
      this.open(),
      signal,
      () => new CancelledError(`${name} was cancelled`, { operation: name }),
    );
    const { config, tokens } = connection;
    if (operation.path.includes('{id}') && !(Number.isSafeInteger(input.id) && (input.id ?? 0) >= 1))
      throw new KicsClientError('INVALID_INPUT', `${name}: id must be an integer >= 1`, { operation: name });
    const body = this.requestBody(name, operation, input);
    const path = `${config.apiPath}${operationPath(operation, input.id)}`;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const requestId = randomUUID();
      const context: CallContext = { operation: name, requestId };
      const cancelled = (sent: boolean) => () =>
        new CancelledError(
          `${name} was cancelled` +
            (sent && !operation.read ? '; the change had been sent and may have been carried out' : ''),
          context,
        );
      const token = await unlessAborted(tokens.accessToken(), signal, cancelled(false));
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: mode === 'text' ? 'application/json' : '*/*',
        'X-Request-Id': requestId,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      };
      let exchange: Exchange;
      try {
        this.log({ level: 'debug', message: 'call', operation: name, requestId, attempt });
        exchange = await this.send(connection, operation, path, headers, body, signal, mode);
      } catch (error) {
        if (signal?.aborted === true) throw cancelled(true)();
        if (!(error instanceof TransportFailure)) throw error;
        const repeatable = error.repeatable(operation.read);
        const final = error.toError(context, repeatable);
        if (!repeatable || attempt >= config.attempts) throw final;
        this.log({
          level: 'warn',
          message: `${final.message}; trying again`,
          operation: name,
          requestId,
          attempt,
        });
        await unlessAborted(this.sleep(this.backoffMs(config, attempt)), signal, cancelled(false));
        continue;
      }
      const { status } = exchange;
      if (status === 401) {
        // An expired or revoked token: one renewal and one repeat (a call refused at the door never ran).
        if (renewed) {
          throw new AuthenticationError(
            `${name}: KICS for Networks refused the renewed token too (HTTP 401)`,
            context,
          );
        }
        renewed = true;
        attempt--;
        this.log({
          level: 'info',
          message: 'the server refused the token; renewing it',
          operation: name,
          requestId,
          status,
        });
        await unlessAborted(tokens.afterRejection(token), signal, cancelled(false));
        continue;
      }
      if (status >= 200 && status < 300) return exchange;
      const text = exchange.body.kind === 'text' ? exchange.body.text : '';
      const retryable = status === 429 || status === 502 || status === 503 || status === 504;
      if (retryable && operation.read && attempt < config.attempts) {
        this.log({
          level: 'warn',
          message: `HTTP ${status}; trying again`,
          operation: name,
          requestId,
          status,
          attempt,
        });
        await unlessAborted(this.sleep(this.backoffMs(config, attempt)), signal, cancelled(false));
        continue;
      }
      this.log({
        level: status >= 500 ? 'error' : 'warn',
        message: `HTTP ${status}`,
        operation: name,
        requestId,
        status,
      });
      throw new KicsApiError({
        ...context,
        status,
        errorMessage: errorMessageOf(text),
        errors: errorsOf(text),
        retryable: retryable && operation.read,
      });
    }
  }

  private async send(
    { config, pool, transport }: Connection,
    operation: KicsOperation,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
    mode: ReadMode,
  ): Promise<Exchange> {
    if (mode === 'text' && operation.method !== 'PATCH') {
      const answer = await transport.request({
        method: operation.method,
        path,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
      });
      return { status: answer.status, headers: answer.headers, body: { kind: 'text', text: answer.text } };
    }
    // Files are read as bytes, and PATCH is a verb the shared transport does not list: both go to the pool here.
    return transport.guard(
      signal,
      async () => {
        const response = await pool.request({
          origin: config.origin,
          path,
          method: operation.method,
          headers,
          ...(body === undefined ? {} : { body }),
          ...(signal === undefined ? {} : { signal }),
        });
        const succeeded = response.statusCode >= 200 && response.statusCode < 300;
        // A stream is the caller's from here on: undici ends it when the signal aborts.
        if (mode === 'stream' && succeeded)
          return {
            status: response.statusCode,
            headers: response.headers,
            body: { kind: 'stream', stream: response.body },
          };
        const bytes = new Uint8Array(await response.body.arrayBuffer());
        const result: Body =
          mode === 'bytes' && succeeded
            ? { kind: 'bytes', bytes }
            : { kind: 'text', text: Buffer.from(bytes).toString('utf8') };
        return { status: response.statusCode, headers: response.headers, body: result };
      },
      (error) => failure(error, config),
    );
  }
}

/** The content type and the file name (`Content-Disposition`) of a file answer. */
function fileFacts(exchange: Exchange): { contentType: string; fileName?: string } {
  const disposition = header(exchange.headers, 'content-disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  return {
    contentType: header(exchange.headers, 'content-type') ?? 'application/octet-stream',
    ...(fileName === undefined ? {} : { fileName }),
  };
}

/** The `errors` of a device edit or creation refusal (`{"status": "Error", "errors": [...]}`), as texts. */
function errorsOf(text: string): readonly string[] | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    const errors =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>)['errors']
        : undefined;
    if (!Array.isArray(errors)) return undefined;
    return errors.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  } catch {
    return undefined;
  }
}

/** The transport's classification for requests that go straight to the pool. */
function failure(error: unknown, config: ResolvedKicsConfig): TransportFailure {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const origin = config.origin;
  if (error instanceof ConnectFailure)
    return new TransportFailure(
      (context, retryable) =>
        error.kind === 'pin'
          ? new TlsError(`TLS to ${origin} refused: ${error.message}`, { ...context, cause: error })
          : new ConnectionError(error.message, { ...context, retryable, cause: error }),
      true,
      error.kind === 'pin',
    );
  if (TLS_CODE.test(code))
    return new TransportFailure(
      (context) =>
        new TlsError(`TLS to ${origin} refused: the server's certificate failed verification (${code})`, {
          ...context,
          cause: error,
        }),
      true,
      true,
    );
  if (TIMEOUT_CODES.has(code))
    return new TransportFailure(
      (context, retryable) =>
        new TimeoutError(`No answer from ${origin} within ${config.timeoutMs} ms`, {
          ...context,
          retryable,
          cause: error,
        }),
      code === 'UND_ERR_CONNECT_TIMEOUT',
      false,
    );
  return new TransportFailure(
    (context, retryable) =>
      new ConnectionError(`Connection to ${origin} failed (${code || 'unknown error'})`, {
        ...context,
        retryable,
        cause: error,
      }),
    code === 'ECONNREFUSED' || code === 'ENOTFOUND',
    false,
  );
}
