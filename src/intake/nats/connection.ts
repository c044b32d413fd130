/**
 * How the intake reaches a NATS server, shared by the `nats` sink and the `nats` source: the options of a `sink:`
 * or `source:` block (`url`, credentials from the environment or a creds file), resolved at load, and the connect.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type * as NatsTransportModule from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { ConfigError } from '../../config/errors.ts';
import { Secret } from '../../config/secrets.ts';
import { NatsConnectError } from './errors.ts';

/** The members of a `sink:` or `source:` block that say where the server is and who connects. */
export const natsConnectionFields = {
  url: z
    .string()
    .min(1, 'empty')
    .describe('The server: nats://host:4222 or tls://host:4222 (credentials never in the URL)'),
  userEnv: z.string().min(1).optional().describe('Environment variable holding the user name'),
  passwordEnv: z
    .string()
    .min(1)
    .optional()
    .describe('Environment variable holding the password (with userEnv)'),
  tokenEnv: z.string().min(1).optional().describe('Environment variable holding an authentication token'),
  credsFile: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A NATS .creds file (JWT and NKey seed); relative paths start at the configuration file’s folder',
    ),
};

/** The connection members as the schema gives them. */
export interface NatsConnectionConfig {
  readonly url: string;
  readonly userEnv?: string | undefined;
  readonly passwordEnv?: string | undefined;
  readonly tokenEnv?: string | undefined;
  readonly credsFile?: string | undefined;
}

export type NatsAuth =
  | { readonly kind: 'user'; readonly user: Secret; readonly password: Secret }
  | { readonly kind: 'token'; readonly token: Secret }
  | { readonly kind: 'creds'; readonly file: string };

/** Where the server is and how to authenticate: secrets as `Secret`s, the creds file absolute. */
export interface NatsConnectionSettings {
  readonly url: string;
  readonly auth?: NatsAuth;
}

function envSecret(name: string, field: string, env: Readonly<Record<string, string | undefined>>): Secret {
  if (env[name] === undefined || env[name] === '')
    throw new ConfigError(field, `environment variable ${name} is not set`);
  return Secret.env(name, field, env);
}

/**
 * At load: the URL checked (nats:// or tls://, no credentials in it), one way of authenticating at most.
 *
 * @throws {ConfigError} naming `<field>.url`, `<field>.userEnv` … and the reason.
 */
export function resolveNatsConnection(
  config: NatsConnectionConfig,
  context: {
    readonly field: string;
    readonly base: string;
    readonly env: Readonly<Record<string, string | undefined>>;
  },
): NatsConnectionSettings {
  const { field, env } = context;
  let parsed: URL;
  try {
    parsed = new URL(config.url);
  } catch {
    throw new ConfigError(`${field}.url`, 'not a URL (expected nats://host:4222)');
  }
  if (parsed.protocol !== 'nats:' && parsed.protocol !== 'tls:')
    throw new ConfigError(`${field}.url`, `expected nats:// or tls://, not ${parsed.protocol}//`);
  if (parsed.username !== '' || parsed.password !== '')
    throw new ConfigError(
      `${field}.url`,
      'credentials in the URL are refused: use userEnv/passwordEnv, tokenEnv or credsFile',
    );
  if (parsed.hostname === '') throw new ConfigError(`${field}.url`, 'no host');
  const ways = [
    config.userEnv !== undefined || config.passwordEnv !== undefined ? 'userEnv/passwordEnv' : undefined,
    config.tokenEnv !== undefined ? 'tokenEnv' : undefined,
    config.credsFile !== undefined ? 'credsFile' : undefined,
  ].filter((way) => way !== undefined);
  if (ways.length > 1)
    throw new ConfigError(field, `give one way of authenticating, not ${ways.join(' and ')}`);
  const url = `${parsed.protocol}//${parsed.host}`;
  if (config.userEnv !== undefined || config.passwordEnv !== undefined) {
    if (config.userEnv === undefined) throw new ConfigError(`${field}.userEnv`, 'required with passwordEnv');
    if (config.passwordEnv === undefined)
      throw new ConfigError(`${field}.passwordEnv`, 'required with userEnv');
    return {
      url,
      auth: {
        kind: 'user',
        user: envSecret(config.userEnv, `${field}.userEnv`, env),
        password: envSecret(config.passwordEnv, `${field}.passwordEnv`, env),
      },
    };
  }
  if (config.tokenEnv !== undefined)
    return { url, auth: { kind: 'token', token: envSecret(config.tokenEnv, `${field}.tokenEnv`, env) } };
  if (config.credsFile !== undefined)
    return { url, auth: { kind: 'creds', file: resolve(context.base, config.credsFile) } };
  return { url };
}

type NatsTransport = typeof NatsTransportModule;

/**
 * The NATS client, loaded by the first connect: loading the configuration (every CLI call does) must not load it
 * (decision 0073).
 */
const natsTransport = (): Promise<NatsTransport> => import('@nats-io/transport-node');

async function authOptions(
  auth: NatsAuth | undefined,
  { credsAuthenticator }: NatsTransport,
): Promise<Record<string, unknown>> {
  if (auth === undefined) return {};
  switch (auth.kind) {
    case 'user':
      return { user: await auth.user.read(), pass: await auth.password.read() };
    case 'token':
      return { token: await auth.token.read() };
    case 'creds':
      return { authenticator: credsAuthenticator(await readFile(auth.file)) };
  }
}

/**
 * Connects, reconnecting on its own for as long as the connection lives (a publish during an outage fails and the
 * runner retries it). A refused or unreachable server is retryable; refused credentials are not.
 */
export async function connectNats(settings: NatsConnectionSettings, name: string): Promise<NatsConnection> {
  const transport = await natsTransport();
  const { AuthorizationError, UserAuthenticationExpiredError, connect } = transport;
  let auth: Record<string, unknown>;
  try {
    auth = await authOptions(settings.auth, transport);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new NatsConnectError(settings.url, 'cannot read the creds file', {
      retryable: false,
      cause: error,
    });
  }
  try {
    return await connect({
      servers: settings.url,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5_000,
      ...auth,
    });
  } catch (error) {
    const authentication =
      error instanceof AuthorizationError || error instanceof UserAuthenticationExpiredError;
    const reason = error instanceof Error ? error.message : String(error);
    throw new NatsConnectError(settings.url, authentication ? `authentication failed: ${reason}` : reason, {
      retryable: !authentication,
      authentication,
      cause: error,
    });
  }
}
