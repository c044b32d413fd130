/**
 * The webhook sink's part of `kconnect.yaml`. At load: the URL's scheme and literal address pass the SSRF guard,
 * secrets' variables are set and their files exist (read again per write), static headers carry no credentials.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { readCertificate } from '../../../config/connections/tls.ts';
import { ConfigError } from '../../../config/errors.ts';
import { Secret } from '../../../config/secrets.ts';
import { assertUrlAllowed, SsrfRefusedError, type SsrfPolicy } from '../../../net/ssrf.ts';
import type { SinkKind, SinkLoadContext } from '../kind.ts';
import type { WebhookFormat } from './requests.ts';
import { WebhookSink, type WebhookAuth } from './sink.ts';

const nonEmpty = z.string().min(1, 'empty');

const secretSource = {
  Env: (what: string) => nonEmpty.optional().describe(`The environment variable that holds the ${what}`),
  File: (what: string) =>
    nonEmpty
      .optional()
      .describe(`A file that holds the ${what} (read again on every write, so it can rotate)`),
};

export const webhookSinkConfigSchema = z.strictObject({
  type: z.literal('webhook'),
  url: nonEmpty.describe(
    'Where batches are POSTed: https:// (http:// only with allowInsecureHttp or to loopback)',
  ),
  format: z
    .enum(['json', 'ndjson'])
    .optional()
    .describe('json (default): one JSON array per request; ndjson: one document per line'),
  tokenEnv: secretSource.Env('bearer token (Authorization: Bearer)'),
  tokenFile: secretSource.File('bearer token (Authorization: Bearer)'),
  basic: z
    .strictObject({
      user: nonEmpty.describe('The user name'),
      passwordEnv: secretSource.Env('password'),
      passwordFile: secretSource.File('password'),
    })
    .optional()
    .describe('HTTP basic authentication (Authorization: Basic)'),
  hmac: z
    .strictObject({
      secretEnv: secretSource.Env('signing key'),
      secretFile: secretSource.File('signing key'),
      header: nonEmpty
        .optional()
        .describe('The header that carries the signature; default X-Kconnect-Signature'),
      algorithm: z.literal('sha256').optional().describe('sha256 (the only one): the header is sha256=<hex>'),
    })
    .optional()
    .describe('An HMAC of the exact body bytes, for receivers that verify where a request came from'),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe('Static headers sent with every request; no credentials (Authorization is refused here)'),
  caFile: nonEmpty
    .optional()
    .describe('A CA (PEM or DER) to trust instead of the system’s, e.g. a self-signed one'),
  insecure: z.boolean().optional().describe('No certificate checks at all (labs only; a warning is logged)'),
  allowInsecureHttp: z
    .boolean()
    .optional()
    .describe('Allow http:// to another machine (the events travel in clear)'),
  allowLoopback: z.boolean().optional().describe('Allow loopback addresses (127.0.0.0/8, ::1, localhost)'),
  allowPrivateNetworks: z
    .boolean()
    .optional()
    .describe('Allow private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)'),
  timeoutSeconds: z
    .number()
    .positive()
    .optional()
    .describe('Connect, answer headers and each gap in the answer; default 30'),
  maxBatchDocuments: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Documents per request at most; default 500'),
  maxBatchBytes: z
    .number()
    .int()
    .min(1024)
    .optional()
    .describe('Bytes per request body at most; default 1048576 (a larger single document goes alone)'),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Attempts per request within one write (408, 429, 5xx, connection failures); default 5'),
  maxRetryAfterSeconds: z
    .number()
    .min(0)
    .optional()
    .describe('The longest Retry-After honoured within a write; default 300'),
});
export type WebhookSinkConfig = z.output<typeof webhookSinkConfigSchema>;

/** The configuration as a run needs it: secrets as {@link Secret}, the CA as PEM text, numbers in ms. */
export interface ResolvedWebhookSinkConfig {
  readonly type: 'webhook';
  readonly url: string;
  readonly format: WebhookFormat;
  readonly auth: WebhookAuth;
  readonly headers: Readonly<Record<string, string>>;
  readonly policy: SsrfPolicy;
  readonly caFile?: string;
  readonly insecure: boolean;
  readonly timeoutMs: number;
  readonly maxBatchDocuments: number;
  readonly maxBatchBytes: number;
  readonly maxAttempts: number;
  readonly maxRetryAfterMs: number;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the sink sets itself, or that carry credentials: never from `headers`. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'idempotency-key',
]);

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** Exactly one of `…Env` and `…File`, as a Secret; a variable must be set now. */
function secretOf(
  given: { readonly env?: string | undefined; readonly file?: string | undefined },
  names: { readonly env: string; readonly file: string },
  context: SinkLoadContext,
  required: boolean,
): Secret | undefined {
  if (given.env !== undefined && given.file !== undefined) {
    throw new ConfigError(names.file, `give ${names.env.split('.').pop()!} or this, not both`);
  }
  if (given.env !== undefined) {
    const value = context.env[given.env];
    if (value === undefined || value === '') {
      throw new ConfigError(names.env, `environment variable ${given.env} is not set`);
    }
    return Secret.env(given.env, names.env, context.env);
  }
  if (given.file !== undefined) {
    const path = resolve(context.base, given.file);
    if (!existsSync(path)) throw new ConfigError(names.file, `file not found: ${path}`);
    return Secret.file(path, names.file);
  }
  if (required)
    throw new ConfigError(
      names.env,
      `give ${names.env.split('.').pop()!} or ${names.file.split('.').pop()!}`,
    );
  return undefined;
}

function urlOf(config: WebhookSinkConfig, field: string): URL {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new ConfigError(field, 'not a URL');
  }
  // Credentials in the URL would end up in logs, status and errors; `basic` keeps them a secret.
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(
      field,
      'credentials in the URL are refused: use basic with passwordEnv or passwordFile',
    );
  }
  const policy = {
    allowLoopback: config.allowLoopback === true,
    allowPrivateNetworks: config.allowPrivateNetworks === true,
  };
  try {
    assertUrlAllowed(url, policy);
  } catch (error) {
    if (error instanceof SsrfRefusedError) throw new ConfigError(field, error.message);
    throw error;
  }
  if (
    url.protocol === 'http:' &&
    config.allowInsecureHttp !== true &&
    !LOOPBACK_HOST.test(url.host.replace(/:\d+$/, ''))
  ) {
    throw new ConfigError(
      field,
      'plain http:// would carry the events and credentials in clear: use https://, or set allowInsecureHttp: true',
    );
  }
  return url;
}

function headersOf(headers: Readonly<Record<string, string>>, field: string): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new ConfigError(`${field}.${name}`, 'not a valid header name');
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new ConfigError(
        `${field}.${name}`,
        name.toLowerCase() === 'authorization' ||
          name.toLowerCase() === 'proxy-authorization' ||
          name.toLowerCase() === 'cookie'
          ? 'credentials are refused in static headers: use tokenEnv, tokenFile or basic'
          : 'set by the sink itself',
      );
    }
    if (/[\r\n\0]/.test(value))
      throw new ConfigError(`${field}.${name}`, 'a line break or NUL in a header value');
    checked[name.toLowerCase()] = value;
  }
  return checked;
}

function resolveWebhook(config: WebhookSinkConfig, context: SinkLoadContext): ResolvedWebhookSinkConfig {
  const field = context.field;
  const url = urlOf(config, `${field}.url`);
  if (config.tokenEnv !== undefined || config.tokenFile !== undefined) {
    if (config.basic !== undefined)
      throw new ConfigError(`${field}.basic`, 'give a token or basic, not both');
  }
  const token = secretOf(
    { env: config.tokenEnv, file: config.tokenFile },
    { env: `${field}.tokenEnv`, file: `${field}.tokenFile` },
    context,
    false,
  );
  const basic =
    config.basic === undefined
      ? undefined
      : {
          user: config.basic.user,
          password: secretOf(
            { env: config.basic.passwordEnv, file: config.basic.passwordFile },
            { env: `${field}.basic.passwordEnv`, file: `${field}.basic.passwordFile` },
            context,
            true,
          )!,
        };
  const hmac =
    config.hmac === undefined
      ? undefined
      : {
          secret: secretOf(
            { env: config.hmac.secretEnv, file: config.hmac.secretFile },
            { env: `${field}.hmac.secretEnv`, file: `${field}.hmac.secretFile` },
            context,
            true,
          )!,
          header: config.hmac.header ?? 'X-Kconnect-Signature',
          algorithm: config.hmac.algorithm ?? ('sha256' as const),
        };
  if (hmac !== undefined && !HEADER_NAME.test(hmac.header)) {
    throw new ConfigError(`${field}.hmac.header`, 'not a valid header name');
  }
  const headers = headersOf(config.headers ?? {}, `${field}.headers`);
  if (hmac !== undefined && headers[hmac.header.toLowerCase()] !== undefined) {
    throw new ConfigError(
      `${field}.headers.${hmac.header}`,
      'the HMAC signature header is set by the sink itself',
    );
  }
  let caFile: string | undefined;
  if (config.caFile !== undefined) {
    caFile = resolve(context.base, config.caFile);
    // Read now only to refuse a missing file or one that is no certificate; the run reads it again.
    readCertificate({ path: caFile, field: `${field}.caFile` }, readFileSync);
  }
  return {
    type: 'webhook',
    url: url.href,
    format: config.format ?? 'json',
    auth: {
      ...(token === undefined ? {} : { token }),
      ...(basic === undefined ? {} : { basic }),
      ...(hmac === undefined ? {} : { hmac }),
    },
    headers,
    policy: {
      allowLoopback: config.allowLoopback === true,
      allowPrivateNetworks: config.allowPrivateNetworks === true,
    },
    ...(caFile === undefined ? {} : { caFile }),
    insecure: config.insecure === true,
    timeoutMs: Math.round((config.timeoutSeconds ?? 30) * 1000),
    maxBatchDocuments: config.maxBatchDocuments ?? 500,
    maxBatchBytes: config.maxBatchBytes ?? 1024 * 1024,
    maxAttempts: config.maxAttempts ?? 5,
    maxRetryAfterMs: Math.round((config.maxRetryAfterSeconds ?? 300) * 1000),
  };
}

/** The receiver's origin and path, for people: never the query (it may carry a key) or credentials. */
function targetOf(config: ResolvedWebhookSinkConfig): string {
  const url = new URL(config.url);
  return `${url.origin}${url.pathname}`;
}

/** HTTP POSTs of each batch (`type: webhook`). */
export const webhookSinkKind: SinkKind<WebhookSinkConfig, ResolvedWebhookSinkConfig> = {
  type: 'webhook',
  schema: webhookSinkConfigSchema,
  resolve: resolveWebhook,
  target: targetOf,
  create: (config, deps) => {
    if (config.insecure) {
      deps.logger?.warn(
        { pipeline: deps.pipeline, sink: 'webhook', target: targetOf(config) },
        'intake: webhook sink with insecure: true — the receiver’s certificate is not checked',
      );
    }
    return new WebhookSink({
      url: config.url,
      format: config.format,
      pipeline: deps.pipeline,
      auth: config.auth,
      headers: config.headers,
      policy: config.policy,
      ca:
        config.caFile === undefined
          ? undefined
          : readCertificate({ path: config.caFile, field: 'caFile' }, readFileSync),
      insecure: config.insecure,
      timeoutMs: config.timeoutMs,
      maxBatchDocuments: config.maxBatchDocuments,
      maxBatchBytes: config.maxBatchBytes,
      maxAttempts: config.maxAttempts,
      maxRetryAfterMs: config.maxRetryAfterMs,
      ...(deps.now === undefined ? {} : { now: deps.now }),
      logger: deps.logger,
    });
  },
};
