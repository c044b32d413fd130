import { FieldError } from '../../errors.ts';
import { proxyFor, type ResolvedProxy } from '../../http/proxy.ts';
import {
  resolveCircuitBreaker,
  type CircuitBreakerOptions,
  type ResolvedCircuitBreaker,
} from '../../http/circuit-breaker.ts';
import type { KicsCredentials, KicsTlsOptions, PackageMetadata } from './credentials.ts';
import { DEFAULT_API_PATH, DEFAULT_AUTH_PATH } from './operations.ts';

export interface KicsClientOptions {
  /**
   * The API: its base (`https://kics:8080/kics/api/v3`) or the server alone (`https://kics:8080`, the base then
   * being `/kics/api/v3`). Default: `apiBaseUrl` of the package's `metadata.json`.
   */
  readonly url?: string;
  /** The token endpoint. Default: `authUrl` of `metadata.json`, else `/kics/api/auth/v3/token` on the server. */
  readonly authUrl?: string;
  readonly credentials: KicsCredentials;
  readonly tls?: KicsTlsOptions;
  /** Time for one HTTP exchange, ms. Default 60,000. */
  readonly timeoutMs?: number;
  /** Keep-alive connections to the server. Default 4. */
  readonly connections?: number;
  /** Attempts of a retryable read or token request (1 = no retry). Default 4. */
  readonly attempts?: number;
  /** First backoff step, ms; each retry waits a random time up to base·2^n (full jitter). Default 200. */
  readonly backoffMs?: number;
  /** HTTP proxy for the tunnel, as for KSC. Default `HTTPS_PROXY` unless `NO_PROXY` names the server. */
  readonly proxy?: string | false;
  /** Fail fast while the server is unreachable or hung, as for KSC (`KscClientOptions.circuitBreaker`). */
  readonly circuitBreaker?: CircuitBreakerOptions | false;
  /** The connection's name in errors and logs (`CircuitOpenError.connection`). Default the server's origin. */
  readonly connectionName?: string;
}

export interface ResolvedKicsConfig {
  readonly origin: string;
  /** The path of the API base, e.g. `/kics/api/v3`, without a trailing slash. */
  readonly apiPath: string;
  /** The path of the token endpoint, e.g. `/kics/api/auth/v3/token`. */
  readonly authPath: string;
  readonly timeoutMs: number;
  readonly connections: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly proxy: ResolvedProxy | undefined;
  readonly circuitBreaker: ResolvedCircuitBreaker | undefined;
  readonly connectionName: string;
}

function positiveInteger(field: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new FieldError(field, `an integer from 1 to ${max}`);
  return value;
}

function parseUrl(field: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FieldError(field, 'not a URL');
  }
  // The token endpoint takes nothing but a client certificate: plain HTTP cannot carry it.
  if (url.protocol !== 'https:') throw new FieldError(field, 'must be https:// (mutual TLS)');
  if (url.username !== '' || url.password !== '') throw new FieldError(field, 'no credentials in the URL');
  return url;
}

/**
 * Checks the options against what the package says, once.
 *
 * @throws {FieldError} naming `url`, `authUrl`, `timeoutMs`, … or the proxy variable
 */
export function resolveKicsConfig(
  options: KicsClientOptions,
  metadata: PackageMetadata,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedKicsConfig {
  const urlText = options.url ?? metadata.apiBaseUrl;
  if (urlText === undefined)
    throw new FieldError('url', 'required (the package has no metadata.json apiBaseUrl)');
  const url = parseUrl('url', urlText);
  const trimmed = url.pathname.replace(/\/+$/, '');
  const apiPath = trimmed === '' ? DEFAULT_API_PATH : trimmed;
  const authText = options.authUrl ?? metadata.authUrl;
  let authPath = DEFAULT_AUTH_PATH;
  if (authText !== undefined) {
    const auth = parseUrl('authUrl', authText);
    if (auth.origin !== url.origin)
      throw new FieldError('authUrl', `must be on the API's server (${url.origin})`);
    authPath = auth.pathname;
  }
  return Object.freeze({
    origin: url.origin,
    apiPath,
    authPath,
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 60_000, 3_600_000),
    connections: positiveInteger('connections', options.connections, 4, 64),
    attempts: positiveInteger('attempts', options.attempts, 4, 10),
    backoffMs: positiveInteger('backoffMs', options.backoffMs, 200, 60_000),
    proxy: proxyFor(url, options.proxy, env),
    circuitBreaker: resolveCircuitBreaker(options.circuitBreaker),
    connectionName: options.connectionName ?? url.origin,
  });
}
