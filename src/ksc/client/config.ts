import { FieldError } from '../../errors.ts';
import { normalizePin } from '../../http/pins.ts';
import { proxyFor, type ResolvedProxy } from '../../http/proxy.ts';
import {
  resolveCircuitBreaker,
  type CircuitBreakerOptions,
  type ResolvedCircuitBreaker,
} from '../../http/circuit-breaker.ts';

/** A secret given as a value or fetched when needed (a vault, a file), so it need not sit in a config object. */
export type SecretSource = string | (() => Promise<string>);

/** Log in with a KSC account: `Session.StartSession` under a `KSCBasic` header. */
export interface PasswordCredentials {
  readonly user: string;
  readonly password: SecretSource;
  /** Windows domain of the account; absent for internal users. */
  readonly domain?: string;
  /** The account is a KSC internal user (`internal="1"`). */
  readonly internal?: boolean;
}

/** Log in with a token KSC issued: `KSCT` (one-time, `Session.CreateToken`) or `KSCWT` (web token). */
export interface TokenCredentials {
  readonly scheme: 'KSCT' | 'KSCWT';
  readonly token: SecretSource;
}

export interface KscClientOptions {
  /**
   * Server URL, e.g. `https://ksc.example.com:13299`. Plain `http://` is refused unless the host is this machine
   * (127.0.0.0/8, `::1`, `localhost`) or {@link allowInsecureHttp} is set: the login carries the password.
   */
  readonly url: string;
  /**
   * Accept a plain `http://` URL to another machine, so the credentials and every result cross the network in
   * clear (a warning is logged at start). Only for labs. Default `false`.
   */
  readonly allowInsecureHttp?: boolean;
  readonly credentials: PasswordCredentials | TokenCredentials;
  /** Open API version in the path. Default `v1.0`. */
  readonly apiVersion?: string;
  /** Virtual server name (`X-KSC-VServer`); absent for the main server. */
  readonly virtualServer?: string;
  /** Time for one HTTP exchange, ms. Default 60,000. */
  readonly timeoutMs?: number;
  /** Keep-alive connections to the server (KSC answers one call at a time per connection). Default 4. */
  readonly connections?: number;
  /** Attempts of a retryable read (1 = no retry). Default 4. */
  readonly attempts?: number;
  /** First backoff step, ms; each retry waits a random time up to base·2^n (full jitter). Default 200. */
  readonly backoffMs?: number;
  /**
   * How a login lasts: `session` (default) — `Session.StartSession` and `X-KSC-Session` on every call;
   * `connection` — `POST /login` binds the login to one keep-alive connection (older servers, KLAK style), so
   * calls go one at a time over that connection and a new connection logs in again.
   */
  readonly login?: 'session' | 'connection';
  readonly tls?: KscTlsOptions;
  /**
   * HTTP proxy for the tunnel (`CONNECT`), e.g. `http://user:pass@proxy:3128`. Default: `HTTPS_PROXY` /
   * `HTTP_PROXY` (by the server URL's scheme) unless `NO_PROXY` names the server; `false` ignores them.
   */
  readonly proxy?: string | false;
  /**
   * Fail fast while the server is unreachable or hung: after `failureThreshold` (5) consecutive transport failures
   * calls fail at once with `CircuitOpenError` for `coolDownMs` (30,000), then one probe call decides. `false`
   * turns it off.
   */
  readonly circuitBreaker?: CircuitBreakerOptions | false;
  /** The connection's name in errors and logs (`CircuitOpenError.connection`). Default the server's origin. */
  readonly connectionName?: string;
  /**
   * Ask the server to compress its answers: `gzip` — always send `Accept-Encoding: gzip`; `none` — never;
   * `auto` (default) — gzip unless the server is this machine, where the link is not the bound and compressing
   * costs both sides CPU (figures in docs/benchmarks.md, "KSC client"). The client reads an uncompressed answer
   * too, so a server that ignores the header works either way.
   */
  readonly compression?: KscCompression;
}

export type KscCompression = 'auto' | 'gzip' | 'none';

/** How the server's certificate is checked. Without options: the system's trusted CAs and the host name. */
export interface KscTlsOptions {
  /** Trust this CA (PEM), e.g. the KSC server's self-signed certificate (`klserver.cer`). */
  readonly ca?: string;
  /**
   * SPKI pins, `sha256/<base64>` (see `spkiPin`): the server's key must be one of them. Give the current and
   * the reserve certificate's pins, so KSC's certificate rotation does not lock the client out. Without `ca`,
   * pins replace the CA and host-name checks (KSC's certificate is self-signed and often names another host).
   */
  readonly pins?: readonly string[];
  /** Skip every check (a warning is logged at start). Only for labs. */
  readonly insecure?: boolean;
}

export interface ResolvedKscConfig {
  readonly origin: string;
  /** Plain HTTP to another machine, allowed by `allowInsecureHttp` (the client warns). */
  readonly insecureHttp: boolean;
  readonly apiVersion: string;
  readonly credentials: PasswordCredentials | TokenCredentials;
  readonly virtualServer: string | undefined;
  readonly timeoutMs: number;
  readonly connections: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly login: 'session' | 'connection';
  readonly tls: {
    readonly ca: string | undefined;
    readonly pins: readonly string[] | undefined;
    readonly insecure: boolean;
  };
  readonly proxy: ResolvedProxy | undefined;
  readonly circuitBreaker: ResolvedCircuitBreaker | undefined;
  readonly connectionName: string;
  /** `auto` resolved against the server's host. */
  readonly compression: 'gzip' | 'none';
}

/** Whether a URL's host is this machine: 127.0.0.0/8, `::1` or `localhost`, as `URL` spells `hostname`. */
export function isLoopbackHostname(hostname: string): boolean {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Whether a URL is plain `http://` to another machine, which `KSCBasic` credentials would cross in clear.
 * Unparsable URLs answer `false`: whoever parses them reports that.
 */
export function isPlainHttpToAnotherHost(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !isLoopbackHostname(parsed.hostname);
  } catch {
    return false;
  }
}

function positiveInteger(field: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new FieldError(field, `an integer from 1 to ${max}`);
  return value;
}

/**
 * Checks the options once and freezes them. `env` supplies the proxy variables (default `process.env`).
 *
 * @throws {FieldError} naming the option (`url`, `tls.pins` with the pin's index, …) or the proxy variable
 */
export function resolveKscConfig(
  options: KscClientOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedKscConfig {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new FieldError('url', 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new FieldError('url', 'must be https:// or http://');
  if (url.username !== '' || url.password !== '')
    throw new FieldError('url', 'credentials go in `credentials`, not the URL');
  const insecureHttp = isPlainHttpToAnotherHost(options.url);
  if (insecureHttp && options.allowInsecureHttp !== true) {
    throw new FieldError(
      'url',
      `plain http:// would send the credentials to ${url.hostname} in clear: use https://, ` +
        'or set allowInsecureHttp: true for a lab',
    );
  }
  const apiVersion = options.apiVersion ?? 'v1.0';
  if (!/^v\d+\.\d+$/.test(apiVersion)) throw new FieldError('apiVersion', 'like v1.0');
  const credentials = options.credentials;
  if ('user' in credentials) {
    if (credentials.user.trim() === '') throw new FieldError('credentials.user', 'required');
    if (credentials.password === '') throw new FieldError('credentials.password', 'required');
  } else if (credentials.token === '') {
    throw new FieldError('credentials.token', 'required');
  }
  const login = options.login ?? 'session';
  if (login !== 'session' && login !== 'connection') throw new FieldError('login', 'session or connection');
  if (login === 'connection' && options.connections !== undefined && options.connections !== 1) {
    throw new FieldError('connections', 'a connection-bound login uses exactly one connection');
  }
  const tls = options.tls ?? {};
  if (tls.insecure === true && (tls.ca !== undefined || tls.pins !== undefined)) {
    throw new FieldError('tls.insecure', 'cannot be combined with tls.ca or tls.pins');
  }
  if (tls.pins !== undefined && tls.pins.length === 0) throw new FieldError('tls.pins', 'at least one pin');
  const pins = tls.pins?.map((pin, i) => {
    const normalized = normalizePin(pin);
    if (normalized === undefined)
      throw new FieldError('tls.pins', 'expected sha256/<base64 of 32 bytes>', { index: i });
    return normalized;
  });
  const compression = options.compression ?? 'auto';
  if (compression !== 'auto' && compression !== 'gzip' && compression !== 'none')
    throw new FieldError('compression', 'auto, gzip or none');
  return Object.freeze({
    origin: url.origin,
    insecureHttp,
    apiVersion,
    credentials: Object.freeze({ ...credentials }),
    virtualServer: options.virtualServer,
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 60_000, 3_600_000),
    connections: login === 'connection' ? 1 : positiveInteger('connections', options.connections, 4, 64),
    attempts: positiveInteger('attempts', options.attempts, 4, 10),
    backoffMs: positiveInteger('backoffMs', options.backoffMs, 200, 60_000),
    login,
    tls: Object.freeze({
      ca: tls.ca,
      pins: pins === undefined ? undefined : Object.freeze(pins),
      insecure: tls.insecure === true,
    }),
    proxy: proxyFor(url, options.proxy, env),
    circuitBreaker: resolveCircuitBreaker(options.circuitBreaker),
    connectionName: options.connectionName ?? url.origin,
    compression: compression === 'auto' ? (isLoopbackHostname(url.hostname) ? 'none' : 'gzip') : compression,
  });
}

export async function readSecret(source: SecretSource): Promise<string> {
  return typeof source === 'string' ? source : source();
}
