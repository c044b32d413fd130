import { z } from 'zod';
import { FieldError } from '../../errors.ts';
import { normalizePin } from '../../http/pins.ts';
// The modules themselves, not the `kics` barrel: a CLI run should not load the query builder it never uses.
import { KicsClient } from '../../kics/client/client.ts';
import { resolveKicsConfig, type KicsClientOptions } from '../../kics/client/config.ts';
import type { KicsCredentials } from '../../kics/client/credentials.ts';
import { ConfigError } from '../errors.ts';
import type { Secret } from '../secrets.ts';
import {
  secretForms,
  type ConnectionFlag,
  type ConnectionSettings,
  type EnvVariable,
  type FileRef,
  maskProxy,
} from './settings.ts';
import { describeTls, nonEmpty, readCertificate, tlsFileSchema, tlsSettings, tlsView } from './tls.ts';
import { correlateWithSchema } from './companions.ts';
import { circuitBreakerFileSchema, circuitBreakerSetting } from './circuit-breaker.ts';
import type { CircuitBreakerOptions } from '../../http/circuit-breaker.ts';
import type { BaseConnectionConfig, ConnectionType } from './type.ts';

/** A KICS for Networks connection: its section of the file, variables, flags and client. */

export const kicsConnectionFileSchema = z.strictObject({
  type: z.literal('kics'),
  /** The API base or the server; default: the package's `metadata.json`. */
  url: nonEmpty.optional(),
  /** The communication data package: its folder or its `certificates.pfx`. */
  package: nonEmpty.optional(),
  /** The package's password itself; prefer `packagePasswordFile` or `packagePasswordEnv`. */
  packagePassword: nonEmpty.optional(),
  packagePasswordFile: nonEmpty.optional(),
  packagePasswordEnv: nonEmpty.optional(),
  /** Instead of a package: the connector's certificate and key, PEM files. */
  cert: nonEmpty.optional(),
  key: nonEmpty.optional(),
  /** The CA to trust with `cert`/`key` (the same as `tls.caFile`). */
  ca: nonEmpty.optional(),
  tls: tlsFileSchema.optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  connections: z.number().int().min(1).max(64).optional(),
  attempts: z.number().int().min(1).max(10).optional(),
  backoffMs: z.number().int().min(1).max(60_000).optional(),
  circuitBreaker: circuitBreakerFileSchema.optional(),
  proxy: z.union([nonEmpty, z.literal(false)]).optional(),
  correlateWith: correlateWithSchema,
});

export type KicsConnectionFile = z.infer<typeof kicsConnectionFileSchema>;

export type KicsConnectionCredentials =
  | { readonly package: FileRef; readonly password: Secret }
  | { readonly cert: FileRef; readonly key: FileRef };

/** One KICS for Networks server, after the file, the environment and the flags were merged and checked. */
export interface KicsConnectionConfig extends BaseConnectionConfig {
  readonly type: 'kics';
  readonly credentials: KicsConnectionCredentials;
  readonly connections?: number;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly circuitBreaker?: CircuitBreakerOptions | false;
}

/** The variables of the selected KICS connection; the URL, CA and pins are the ones every type reads. */
export const KICS_ENVIRONMENT: readonly EnvVariable[] = [
  { variable: 'KCONNECT_URL', setting: 'url' },
  { variable: 'KCONNECT_KICS_PACKAGE', setting: 'package' },
  { variable: 'KCONNECT_KICS_PACKAGE_PASSWORD', setting: 'packagePassword', kind: 'secret' },
  { variable: 'KCONNECT_KICS_PACKAGE_PASSWORD_FILE', setting: 'packagePasswordFile' },
  { variable: 'KCONNECT_KICS_CERT', setting: 'cert' },
  { variable: 'KCONNECT_KICS_KEY', setting: 'key' },
  { variable: 'KCONNECT_CA', setting: 'tls.caFile' },
  { variable: 'KCONNECT_PIN', setting: 'tls.pins', kind: 'list' },
  { variable: 'KCONNECT_TIMEOUT_MS', setting: 'timeoutMs', kind: { integer: 'milliseconds' } },
];

/** The flags of a KICS connection as commander parses them. */
export interface KicsConnectionFlags {
  readonly url?: string;
  readonly package?: string;
  readonly packagePasswordFile?: string;
  readonly packagePasswordEnv?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  readonly pin?: readonly string[];
}

/** No `--package-password`: a command line is visible to every user of the machine. */
export const KICS_FLAGS: readonly (ConnectionFlag & { readonly key: keyof KicsConnectionFlags })[] = [
  { flags: '--url <url>', key: 'url', setting: 'url', description: 'server URL (KCONNECT_URL)' },
  {
    flags: '--package <path>',
    key: 'package',
    setting: 'package',
    description: 'KICS communication data package: its folder or certificates.pfx (KCONNECT_KICS_PACKAGE)',
  },
  {
    flags: '--package-password-file <file>',
    key: 'packagePasswordFile',
    setting: 'packagePasswordFile',
    description: 'file holding the package password (KCONNECT_KICS_PACKAGE_PASSWORD_FILE)',
  },
  {
    flags: '--package-password-env <variable>',
    key: 'packagePasswordEnv',
    setting: 'packagePasswordEnv',
    description: 'environment variable holding the package password',
  },
  {
    flags: '--cert <file>',
    key: 'cert',
    setting: 'cert',
    description: 'KICS connector certificate, PEM (KCONNECT_KICS_CERT)',
  },
  {
    flags: '--key <file>',
    key: 'key',
    setting: 'key',
    description: 'KICS connector private key, PEM (KCONNECT_KICS_KEY)',
  },
  {
    flags: '--ca <file>',
    key: 'ca',
    setting: 'tls.caFile',
    description: 'certificate to trust (KCONNECT_CA)',
  },
  {
    flags: '--pin <pin>',
    key: 'pin',
    setting: 'tls.pins',
    kind: 'list',
    description: 'SPKI pin sha256/<base64>; repeatable (KCONNECT_PIN)',
  },
];

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function credentialsFrom(settings: ConnectionSettings): KicsConnectionCredentials {
  const packageRef = settings.path('package');
  const cert = settings.has('cert');
  const key = settings.has('key');
  if (packageRef !== undefined) {
    if (cert || key)
      throw new ConfigError(
        settings.fieldOf(cert ? 'cert' : 'key'),
        `cannot be combined with ${packageRef.field}`,
      );
    const password = settings.secret('packagePassword');
    if (password === undefined) {
      throw new ConfigError(
        `${settings.prefix}.packagePassword`,
        'required with a package: give packagePassword, packagePasswordFile or packagePasswordEnv ' +
          '(KCONNECT_KICS_PACKAGE_PASSWORD, --package-password-file)',
      );
    }
    return { package: packageRef, password };
  }
  if (settings.secretForm('packagePassword') !== undefined)
    throw new ConfigError(
      settings.fieldOf(settings.secretForm('packagePassword')!),
      'given without a package',
    );
  if (cert && key) return { cert: settings.file('cert')!, key: settings.file('key')! };
  if (cert || key)
    throw new ConfigError(
      `${settings.prefix}.${cert ? 'key' : 'cert'}`,
      `required with ${cert ? 'cert' : 'key'}`,
    );
  throw new ConfigError(
    `${settings.prefix}.package`,
    'required: the communication data package (KCONNECT_KICS_PACKAGE, --package), or cert and key',
  );
}

function buildKicsConnection(settings: ConnectionSettings): KicsConnectionConfig {
  const credentials = credentialsFrom(settings);
  const tls = tlsSettings(settings);
  if (tls.insecure)
    throw new ConfigError(settings.fieldOf('tls.insecure'), 'KICS connections always check the server');
  tls.pins?.forEach((pin, index) => {
    if (normalizePin(pin) === undefined)
      throw new ConfigError(settings.fieldOf('tls.pins'), 'expected sha256/<base64 of 32 bytes>', { index });
  });
  const ca = settings.file('ca');
  if (ca !== undefined && tls.caFile !== undefined)
    throw new ConfigError(ca.field, `give either ca or ${tls.caFile.field}`);
  // Without a URL the package's metadata.json says where the server is; checked when the client reads it.
  const url = settings.value<string>('url') ?? '';
  if (url === '' && !('package' in credentials)) {
    throw new ConfigError(`${settings.prefix}.url`, 'required with cert and key (KCONNECT_URL or --url)');
  }
  const connection: KicsConnectionConfig = {
    name: settings.name,
    type: 'kics',
    url,
    credentials,
    tls: { ...tls, ...optional('caFile', ca ?? tls.caFile) },
    ...optional('timeoutMs', settings.value<number>('timeoutMs')),
    ...optional('connections', settings.value<number>('connections')),
    ...optional('attempts', settings.value<number>('attempts')),
    ...optional('backoffMs', settings.value<number>('backoffMs')),
    ...optional('circuitBreaker', circuitBreakerSetting(settings)),
    ...optional('proxy', settings.value<string | false>('proxy')),
    ...optional('correlateWith', settings.value<string>('correlateWith')),
    sources: settings.sources(),
  };
  if (url !== '') checkWithClientRules(connection, settings);
  return connection;
}

/** The client's own checks (URL, ranges, proxy), its fields turned into where the user gave them. */
function checkWithClientRules(connection: KicsConnectionConfig, settings: ConnectionSettings): void {
  try {
    resolveKicsConfig(
      kicsClientOptions(connection, () => Buffer.from('')),
      {},
      settings.env,
    );
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    const field = error.field.endsWith('_PROXY') ? error.field : settings.fieldOf(error.field);
    throw new ConfigError(field, error.reason, error.index === undefined ? {} : { index: error.index });
  }
}

/** The client's options for a connection; the package password is read only when the client first calls. */
export function kicsClientOptions(
  connection: KicsConnectionConfig,
  readFile: (path: string) => Buffer,
): KicsClientOptions {
  const c = connection.credentials;
  const credentials: KicsCredentials =
    'package' in c
      ? { package: c.package.path, password: () => c.password.read() }
      : { cert: c.cert.path, key: c.key.path };
  const caFile = connection.tls.caFile;
  return {
    ...(connection.url === '' ? {} : { url: connection.url }),
    credentials,
    tls: {
      ...optional('ca', caFile === undefined ? undefined : readCertificate(caFile, readFile)),
      ...optional('pins', connection.tls.pins),
    },
    ...optional('timeoutMs', connection.timeoutMs),
    ...optional('connections', connection.connections),
    ...optional('attempts', connection.attempts),
    ...optional('backoffMs', connection.backoffMs),
    ...optional('circuitBreaker', connection.circuitBreaker),
    connectionName: connection.name,
    ...optional('proxy', connection.proxy),
  };
}

export const kicsConnectionType: ConnectionType<KicsConnectionConfig> = {
  describeTrust: (connection) =>
    'package' in connection.credentials &&
    connection.tls.caFile === undefined &&
    connection.tls.pins === undefined
      ? "the package's CA and host name"
      : describeTls(connection.url === '' ? 'https:' : connection.url, connection.tls),
  type: 'kics',
  title: 'KICS for Networks',
  schema: kicsConnectionFileSchema,
  environment: KICS_ENVIRONMENT,
  flags: KICS_FLAGS,
  secrets: secretForms('packagePassword'),
  build: buildKicsConnection,
  createClient(connection, options) {
    return new KicsClient(kicsClientOptions(connection, options.readFile), {
      ...optional('logger', options.logger),
      ...optional('env', options.env),
      ...optional('sleep', options.sleep),
      ...optional('random', options.random),
      ...optional('now', options.now),
    });
  },
  view(c) {
    const credentials =
      'package' in c.credentials
        ? { package: c.credentials.package.path, packagePassword: c.credentials.password.describe() }
        : { cert: c.credentials.cert.path, key: c.credentials.key.path };
    return {
      type: c.type,
      ...(c.url === '' ? {} : { url: c.url }),
      ...credentials,
      tls: tlsView(c.tls),
      ...optional('timeoutMs', c.timeoutMs),
      ...optional('connections', c.connections),
      ...optional('attempts', c.attempts),
      ...optional('backoffMs', c.backoffMs),
      ...optional('circuitBreaker', c.circuitBreaker),
      ...(c.proxy === undefined ? {} : { proxy: c.proxy === false ? false : maskProxy(c.proxy) }),
      ...optional('correlateWith', c.correlateWith),
    };
  },
};
