import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FieldError } from '../../errors.ts';
// The modules themselves, not the `ksc` barrel: a CLI run should not load the filter language it never uses.
import { KscClient } from '../../ksc/client/client.ts';
import {
  isPlainHttpToAnotherHost,
  resolveKscConfig,
  type KscClientOptions,
  type KscCompression,
} from '../../ksc/client/config.ts';
import { ConfigError } from '../errors.ts';
import type { Secret } from '../secrets.ts';
import {
  secretForms,
  type ConnectionFlag,
  type ConnectionSettings,
  type EnvVariable,
  maskProxy,
} from './settings.ts';
import { nonEmpty, readCertificate, tlsFileSchema, tlsSettings, tlsView } from './tls.ts';
import { correlateWithSchema } from './companions.ts';
import { circuitBreakerFileSchema, circuitBreakerSetting } from './circuit-breaker.ts';
import type { CircuitBreakerOptions } from '../../http/circuit-breaker.ts';
import type { BaseConnectionConfig, ConnectionType } from './type.ts';

/** A Kaspersky Security Center connection: its section of the file, variables, flags and client. */

export const kscConnectionFileSchema = z.strictObject({
  // Optional: files written before there were other types have none.
  type: z.literal('ksc').optional(),
  url: nonEmpty.optional(),
  /** Accept plain `http://` to another machine: the credentials cross the network in clear (labs only). */
  allowInsecureHttp: z.boolean().optional(),
  user: nonEmpty.optional(),
  /** The password itself; prefer `passwordFile` or `passwordEnv`, which keep it out of the file. */
  password: nonEmpty.optional(),
  passwordFile: nonEmpty.optional(),
  passwordEnv: nonEmpty.optional(),
  domain: nonEmpty.optional(),
  internal: z.boolean().optional(),
  token: nonEmpty.optional(),
  tokenFile: nonEmpty.optional(),
  tokenEnv: nonEmpty.optional(),
  /** `KSCWT` (web token, the default) or `KSCT` (one-time token). */
  tokenScheme: z.enum(['KSCT', 'KSCWT']).optional(),
  virtualServer: nonEmpty.optional(),
  tls: tlsFileSchema.optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Pool size: keep-alive connections to the server. */
  connections: z.number().int().min(1).max(64).optional(),
  attempts: z.number().int().min(1).max(10).optional(),
  backoffMs: z.number().int().min(1).max(60_000).optional(),
  circuitBreaker: circuitBreakerFileSchema.optional(),
  login: z.enum(['session', 'connection']).optional(),
  /** Ask KSC for gzip answers: `auto` (default) — for any server but this machine; `gzip`; `none`. */
  compression: z.enum(['auto', 'gzip', 'none']).optional(),
  proxy: z.union([nonEmpty, z.literal(false)]).optional(),
  correlateWith: correlateWithSchema,
});

export type KscConnectionFile = z.infer<typeof kscConnectionFileSchema>;

export type KscCredentials =
  | {
      readonly user: string;
      readonly password: Secret;
      readonly domain?: string;
      readonly internal?: boolean;
    }
  | { readonly scheme: 'KSCT' | 'KSCWT'; readonly token: Secret };

/** One KSC server, after the file, the environment and the flags were merged and checked. */
export interface KscConnectionConfig extends BaseConnectionConfig {
  readonly type: 'ksc';
  readonly credentials: KscCredentials;
  /** Plain `http://` to another machine was allowed explicitly (the client warns at start). */
  readonly allowInsecureHttp?: boolean;
  readonly virtualServer?: string;
  readonly connections?: number;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly circuitBreaker?: CircuitBreakerOptions | false;
  readonly login?: 'session' | 'connection';
  readonly compression?: KscCompression;
}

/** The variables of the selected KSC connection (documented in docs/cli.md). */
export const KSC_ENVIRONMENT: readonly EnvVariable[] = [
  { variable: 'KCONNECT_URL', setting: 'url' },
  { variable: 'KCONNECT_USER', setting: 'user' },
  { variable: 'KCONNECT_DOMAIN', setting: 'domain' },
  { variable: 'KCONNECT_PASSWORD', setting: 'password', kind: 'secret' },
  { variable: 'KCONNECT_PASSWORD_FILE', setting: 'passwordFile' },
  { variable: 'KCONNECT_TOKEN', setting: 'token', kind: 'secret' },
  { variable: 'KCONNECT_TOKEN_FILE', setting: 'tokenFile' },
  { variable: 'KCONNECT_TOKEN_SCHEME', setting: 'tokenScheme', kind: { oneOf: ['KSCT', 'KSCWT'] } },
  { variable: 'KCONNECT_VIRTUAL_SERVER', setting: 'virtualServer' },
  { variable: 'KCONNECT_CA', setting: 'tls.caFile' },
  { variable: 'KCONNECT_PIN', setting: 'tls.pins', kind: 'list' },
  { variable: 'KCONNECT_INSECURE', setting: 'tls.insecure', kind: 'boolean' },
  { variable: 'KCONNECT_ALLOW_INSECURE_HTTP', setting: 'allowInsecureHttp', kind: 'boolean' },
  { variable: 'KCONNECT_TIMEOUT_MS', setting: 'timeoutMs', kind: { integer: 'milliseconds' } },
];

/** The flags of a KSC connection as commander parses them. */
export interface KscConnectionFlags {
  readonly url?: string;
  readonly user?: string;
  readonly domain?: string;
  readonly passwordFile?: string;
  readonly passwordEnv?: string;
  readonly ca?: string;
  readonly pin?: readonly string[];
  readonly insecure?: boolean;
  readonly allowInsecureHttp?: boolean;
  readonly virtualServer?: string;
}

/**
 * Each flag beats its variable and the file. There is deliberately no `--password`: a command line is visible
 * to every user of the machine.
 */
export const KSC_FLAGS: readonly (ConnectionFlag & { readonly key: keyof KscConnectionFlags })[] = [
  {
    flags: '--url <url>',
    key: 'url',
    setting: 'url',
    description: 'KSC server, e.g. https://ksc.example.com:13299 (KCONNECT_URL)',
  },
  { flags: '--user <name>', key: 'user', setting: 'user', description: 'KSC account (KCONNECT_USER)' },
  {
    flags: '--domain <domain>',
    key: 'domain',
    setting: 'domain',
    description: 'Windows domain of the account (KCONNECT_DOMAIN)',
  },
  {
    flags: '--password-file <file>',
    key: 'passwordFile',
    setting: 'passwordFile',
    description: 'file holding the password (KCONNECT_PASSWORD_FILE, or KCONNECT_PASSWORD)',
  },
  {
    flags: '--password-env <variable>',
    key: 'passwordEnv',
    setting: 'passwordEnv',
    description: 'environment variable holding the password',
  },
  {
    flags: '--ca <file>',
    key: 'ca',
    setting: 'tls.caFile',
    description: 'certificate to trust, PEM or DER, e.g. KSC’s klserver.cer (KCONNECT_CA)',
  },
  {
    flags: '--pin <pin>',
    key: 'pin',
    setting: 'tls.pins',
    kind: 'list',
    description: 'SPKI pin sha256/<base64>; repeat for the reserve one (KCONNECT_PIN)',
  },
  {
    flags: '--insecure',
    key: 'insecure',
    setting: 'tls.insecure',
    kind: 'switch',
    description: 'no certificate checks, labs only (KCONNECT_INSECURE)',
  },
  {
    flags: '--allow-insecure-http',
    key: 'allowInsecureHttp',
    setting: 'allowInsecureHttp',
    kind: 'switch',
    description: 'accept a plain http:// URL to another machine, labs only (KCONNECT_ALLOW_INSECURE_HTTP)',
  },
  {
    flags: '--virtual-server <name>',
    key: 'virtualServer',
    setting: 'virtualServer',
    description: 'KSC virtual server (KCONNECT_VIRTUAL_SERVER)',
  },
];

const SECRETS = ['password', 'token'] as const;

function credentialsFrom(settings: ConnectionSettings): KscCredentials {
  const password = settings.secretForm('password');
  const token = settings.secretForm('token');
  if (password !== undefined && token !== undefined) {
    throw new ConfigError(
      settings.fieldOf(token),
      `a token cannot be combined with ${settings.fieldOf(password)}`,
    );
  }
  if (token !== undefined) {
    if (settings.has('user')) throw new ConfigError(settings.fieldOf('user'), 'a token login has no user');
    return {
      scheme: settings.value<'KSCT' | 'KSCWT'>('tokenScheme') ?? 'KSCWT',
      token: settings.secret('token') as Secret,
    };
  }
  if (password !== undefined) {
    const user = settings.value<string>('user');
    if (user === undefined) {
      throw new ConfigError(
        `${settings.prefix}.user`,
        'required with a password (in the file, KCONNECT_USER or --user)',
      );
    }
    const domain = settings.value<string>('domain');
    const internal = settings.value<boolean>('internal');
    return {
      user,
      password: settings.secret('password') as Secret,
      ...(domain === undefined ? {} : { domain }),
      ...(internal === undefined ? {} : { internal }),
    };
  }
  throw new ConfigError(
    `${settings.prefix}.password`,
    'required: give password, passwordFile or passwordEnv (KCONNECT_PASSWORD, --password-file), or a token',
  );
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function buildKscConnection(settings: ConnectionSettings): KscConnectionConfig {
  const url = settings.value<string>('url');
  if (url === undefined) {
    throw new ConfigError(
      `${settings.prefix}.url`,
      'required (in the configuration file, KCONNECT_URL or --url)',
    );
  }
  const allowInsecureHttp = settings.value<boolean>('allowInsecureHttp') === true;
  if (!allowInsecureHttp && isPlainHttpToAnotherHost(url)) {
    throw new ConfigError(
      settings.fieldOf('url'),
      `plain http:// would send the credentials of connection "${settings.name}" to ${new URL(url).hostname} ` +
        'in clear: use https://, or for a lab set allowInsecureHttp: true in the connection ' +
        '(KCONNECT_ALLOW_INSECURE_HTTP=1, --allow-insecure-http)',
    );
  }
  const credentials = credentialsFrom(settings);
  const connection: KscConnectionConfig = {
    name: settings.name,
    type: 'ksc',
    url,
    ...(allowInsecureHttp ? { allowInsecureHttp } : {}),
    credentials,
    ...optional('virtualServer', settings.value<string>('virtualServer')),
    tls: tlsSettings(settings),
    ...optional('timeoutMs', settings.value<number>('timeoutMs')),
    ...optional('connections', settings.value<number>('connections')),
    ...optional('attempts', settings.value<number>('attempts')),
    ...optional('backoffMs', settings.value<number>('backoffMs')),
    ...optional('circuitBreaker', circuitBreakerSetting(settings)),
    ...optional('login', settings.value<'session' | 'connection'>('login')),
    ...optional('compression', settings.value<KscCompression>('compression')),
    ...optional('proxy', settings.value<string | false>('proxy')),
    ...optional('correlateWith', settings.value<string>('correlateWith')),
    sources: settings.sources(),
  };
  checkWithClientRules(connection, settings);
  return connection;
}

/** The client's option names that differ from the configuration's settings. */
const CLIENT_FIELDS: Readonly<Record<string, string>> = {
  'credentials.user': 'user',
  'credentials.password': 'password',
  'credentials.token': 'token',
  'tls.ca': 'tls.caFile',
};

/** Fields of the client's errors that are variables, not settings: named as they are. */
const PROXY_VARIABLES = new Set(['HTTPS_PROXY', 'HTTP_PROXY']);

/** The client's own checks (URL, pins, ranges, combinations), its fields turned into where the user gave them. */
function checkWithClientRules(connection: KscConnectionConfig, settings: ConnectionSettings): void {
  try {
    // Secrets and the CA file are not read while checking: only whether they are given matters.
    const ca = connection.tls.caFile === undefined ? undefined : 'read later';
    resolveKscConfig(clientOptions(connection, ca), settings.env);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    const field = PROXY_VARIABLES.has(error.field)
      ? error.field
      : settings.fieldOf(CLIENT_FIELDS[error.field] ?? error.field);
    throw new ConfigError(field, error.reason, error.index === undefined ? {} : { index: error.index });
  }
}

/**
 * The client's options for a connection. The password or token becomes an async provider, so nothing is read
 * until the client logs in; the CA file is read now (PEM, or DER as KSC sometimes exports `klserver.cer`).
 */
export function kscClientOptions(
  connection: KscConnectionConfig,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): KscClientOptions {
  const caFile = connection.tls.caFile;
  return clientOptions(connection, caFile === undefined ? undefined : readCertificate(caFile, readFile));
}

function clientOptions(connection: KscConnectionConfig, ca: string | undefined): KscClientOptions {
  const credentials = connection.credentials;
  const tls = connection.tls;
  return {
    url: connection.url,
    ...optional('allowInsecureHttp', connection.allowInsecureHttp),
    credentials:
      'user' in credentials
        ? {
            user: credentials.user,
            password: () => credentials.password.read(),
            ...optional('domain', credentials.domain),
            ...optional('internal', credentials.internal),
          }
        : { scheme: credentials.scheme, token: () => credentials.token.read() },
    ...optional('virtualServer', connection.virtualServer),
    tls: { ...optional('ca', ca), ...optional('pins', tls.pins), insecure: tls.insecure },
    ...optional('timeoutMs', connection.timeoutMs),
    ...optional('connections', connection.connections),
    ...optional('attempts', connection.attempts),
    ...optional('backoffMs', connection.backoffMs),
    ...optional('circuitBreaker', connection.circuitBreaker),
    connectionName: connection.name,
    ...optional('login', connection.login),
    ...optional('compression', connection.compression),
    ...optional('proxy', connection.proxy),
  };
}

export const kscConnectionType: ConnectionType<KscConnectionConfig> = {
  type: 'ksc',
  title: 'KSC',
  schema: kscConnectionFileSchema,
  environment: KSC_ENVIRONMENT,
  flags: KSC_FLAGS,
  secrets: SECRETS.flatMap(secretForms),
  build: buildKscConnection,
  createClient(connection, options) {
    return new KscClient(kscClientOptions(connection, options.readFile), {
      ...optional('logger', options.logger),
      ...optional('env', options.env),
      ...optional('sleep', options.sleep),
      ...optional('random', options.random),
      ...optional('now', options.now),
    });
  },
  view(c) {
    const credentials =
      'user' in c.credentials
        ? {
            user: c.credentials.user,
            password: c.credentials.password.describe(),
            ...optional('domain', c.credentials.domain),
            ...optional('internal', c.credentials.internal),
          }
        : { tokenScheme: c.credentials.scheme, token: c.credentials.token.describe() };
    return {
      type: c.type,
      url: c.url,
      ...optional('allowInsecureHttp', c.allowInsecureHttp),
      ...credentials,
      ...optional('virtualServer', c.virtualServer),
      tls: tlsView(c.tls),
      ...optional('timeoutMs', c.timeoutMs),
      ...optional('connections', c.connections),
      ...optional('attempts', c.attempts),
      ...optional('backoffMs', c.backoffMs),
      ...optional('circuitBreaker', c.circuitBreaker),
      ...optional('login', c.login),
      ...optional('compression', c.compression),
      ...(c.proxy === undefined ? {} : { proxy: c.proxy === false ? false : maskProxy(c.proxy) }),
      ...optional('correlateWith', c.correlateWith),
    };
  },
};
