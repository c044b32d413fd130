import { KconnectError } from '../../errors.ts';

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
  /** Server URL, e.g. `https://ksc.example.com:13299`. */
  readonly url: string;
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
  /** TLS: trust this CA (PEM; e.g. the KSC server's self-signed certificate), or skip verification. */
  readonly tls?: { readonly ca?: string; readonly insecure?: boolean };
}

export interface ResolvedKscConfig {
  readonly origin: string;
  readonly apiVersion: string;
  readonly credentials: PasswordCredentials | TokenCredentials;
  readonly virtualServer: string | undefined;
  readonly timeoutMs: number;
  readonly connections: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly tls: { readonly ca: string | undefined; readonly insecure: boolean };
}

function invalid(field: string, reason: string): KconnectError {
  return new KconnectError('INVALID_INPUT', `${field}: ${reason}`);
}

function positiveInteger(field: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw invalid(field, `an integer from 1 to ${max}`);
  return value;
}

/** Checks the options once and freezes them; every error names the field and the reason. */
export function resolveKscConfig(options: KscClientOptions): ResolvedKscConfig {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalid('url', 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid('url', 'must be https:// or http://');
  if (url.username !== '' || url.password !== '')
    throw invalid('url', 'credentials go in `credentials`, not the URL');
  const apiVersion = options.apiVersion ?? 'v1.0';
  if (!/^v\d+\.\d+$/.test(apiVersion)) throw invalid('apiVersion', 'like v1.0');
  const credentials = options.credentials;
  if ('user' in credentials) {
    if (credentials.user.trim() === '') throw invalid('credentials.user', 'required');
    if (credentials.password === '') throw invalid('credentials.password', 'required');
  } else if (credentials.token === '') {
    throw invalid('credentials.token', 'required');
  }
  return Object.freeze({
    origin: url.origin,
    apiVersion,
    credentials: Object.freeze({ ...credentials }),
    virtualServer: options.virtualServer,
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 60_000, 3_600_000),
    connections: positiveInteger('connections', options.connections, 4, 64),
    attempts: positiveInteger('attempts', options.attempts, 4, 10),
    backoffMs: positiveInteger('backoffMs', options.backoffMs, 200, 60_000),
    tls: Object.freeze({ ca: options.tls?.ca, insecure: options.tls?.insecure === true }),
  });
}

export async function readSecret(source: SecretSource): Promise<string> {
  return typeof source === 'string' ? source : source();
}
