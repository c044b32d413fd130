import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { Option, type Command } from 'commander';
import { renderTable } from '../../commands/core/render.ts';
import { createContextFactory } from '../../config/context.ts';
import { loadConfig } from '../../config/load.ts';
import type { KconnectConfig, KscConnectionConfig } from '../../config/schema.ts';
import { ERROR_CODES, KconnectError, type ErrorCode } from '../../errors.ts';
import { spkiPin } from '../../http/pins.ts';
import { processIo, type CliIo } from './cli-io.ts';
import { addConnectionOptions, cliCommand, connectionFlagsFrom, stderrLogger } from './commands.ts';

/** What the server's certificate says, read on a connection of its own that sends nothing. */
export interface PeerCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: string;
  readonly pin: string;
}

export type ReadPeerCertificate = (url: URL, timeoutMs: number) => Promise<PeerCertificate>;

/**
 * Reads the certificate the server presents, without checking it: `config check` shows it (and its pin) even
 * when the client refused it, which is when the person configuring pins or a CA needs it. Nothing is sent.
 */
export const readPeerCertificate: ReadPeerCertificate = (url, timeoutMs) =>
  new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({
      host,
      port: url.port === '' ? 443 : Number(url.port),
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no TLS handshake in time')));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      if (raw === undefined) return reject(new Error('the server sent no certificate'));
      const certificate = new X509Certificate(raw);
      resolve({
        subject: certificate.subject.replace(/\n/g, ', '),
        issuer: certificate.issuer.replace(/\n/g, ', '),
        validTo: new Date(certificate.validTo).toISOString(),
        pin: spkiPin(certificate.toString()),
      });
    });
  });

export interface ConnectionCheck {
  readonly connection: string;
  readonly url: string;
  readonly ok: boolean;
  readonly server: { readonly version: string; readonly hostName: string } | null;
  /** How the server's certificate is checked, from the configuration. */
  readonly tls: string;
  readonly certificate: PeerCertificate | null;
  readonly elapsedMs: number;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** How a connection checks the server's certificate, in words. */
function tlsMode(connection: KscConnectionConfig): string {
  if (connection.url.startsWith('http:')) return 'none: plain HTTP';
  const { caFile, pins, insecure } = connection.tls;
  if (insecure) return 'not checked (insecure)';
  const parts: string[] = [];
  if (caFile !== undefined) parts.push(`CA ${caFile.path}`);
  if (pins !== undefined) parts.push(`${pins.length} pin${pins.length === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'system CAs and host name' : parts.join(' + ');
}

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof KconnectError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Checks one connection: a login and one cheap read (`HostGroup.GetStaticInfo`), and the server's certificate. */
async function checkConnection(
  config: KconnectConfig,
  name: string,
  io: CliIo,
  readCertificate: ReadPeerCertificate,
): Promise<ConnectionCheck> {
  const connection = config.connections[name] as KscConnectionConfig;
  const started = (io.now ?? Date.now)();
  const factory = createContextFactory(config, { logger: stderrLogger(io), env: io.env });
  const elapsed = (): number => (io.now ?? Date.now)() - started;
  let certificate: PeerCertificate | null = null;
  const url = new URL(connection.url);
  // Through a proxy the certificate seen directly may not be the one the client sees: not read then.
  if (url.protocol === 'https:' && connection.proxy === undefined) {
    certificate = await readCertificate(url, connection.timeoutMs ?? 10_000).catch(() => null);
  }
  try {
    const info = await factory.client(name).call('HostGroup.GetStaticInfo', {
      pValues: ['KLADMSRV_PRODUCT_VERSION', 'KLADMSRV_SERVER_HOSTNAME'],
    });
    const facts = info.PxgRetVal;
    return {
      connection: name,
      url: connection.url,
      ok: true,
      server: {
        version: text(facts['KLADMSRV_PRODUCT_VERSION']),
        hostName: text(facts['KLADMSRV_SERVER_HOSTNAME']),
      },
      tls: tlsMode(connection),
      certificate,
      elapsedMs: elapsed(),
      error: null,
    };
  } catch (error) {
    return {
      connection: name,
      url: connection.url,
      ok: false,
      server: null,
      tls: tlsMode(connection),
      certificate,
      elapsedMs: elapsed(),
      error: errorOf(error),
    };
  } finally {
    await factory.close();
  }
}

function checksTable(checks: readonly ConnectionCheck[]): string {
  return renderTable(
    {
      title: 'Connections',
      columns: ['Connection', 'URL', 'Result', 'Server', 'TLS', 'Certificate'],
      rows: checks.map((c) => [
        c.connection,
        c.url,
        c.ok ? `ok (${c.elapsedMs} ms)` : `failed: ${c.error?.message ?? ''} (${c.error?.code ?? ''})`,
        c.server === null ? '' : `KSC ${c.server.version} on ${c.server.hostName}`,
        c.tls,
        c.certificate === null
          ? ''
          : `${c.certificate.subject}, until ${c.certificate.validTo.slice(0, 10)}, ${c.certificate.pin}`,
      ]),
    },
    'text',
  );
}

/** The configuration as `config show` prints it: secrets as `***` with their file or variable, and sources. */
export function configView(config: KconnectConfig): Record<string, unknown> {
  const connections: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(config.connections)) {
    const credentials =
      'user' in c.credentials
        ? {
            user: c.credentials.user,
            password: c.credentials.password.describe(),
            ...(c.credentials.domain === undefined ? {} : { domain: c.credentials.domain }),
            ...(c.credentials.internal === undefined ? {} : { internal: c.credentials.internal }),
          }
        : { tokenScheme: c.credentials.scheme, token: c.credentials.token.describe() };
    connections[name] = {
      type: c.type,
      url: c.url,
      ...credentials,
      ...(c.virtualServer === undefined ? {} : { virtualServer: c.virtualServer }),
      tls: {
        ...(c.tls.caFile === undefined ? {} : { caFile: c.tls.caFile.path }),
        ...(c.tls.pins === undefined ? {} : { pins: [...c.tls.pins] }),
        insecure: c.tls.insecure,
      },
      ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }),
      ...(c.connections === undefined ? {} : { connections: c.connections }),
      ...(c.attempts === undefined ? {} : { attempts: c.attempts }),
      ...(c.backoffMs === undefined ? {} : { backoffMs: c.backoffMs }),
      ...(c.login === undefined ? {} : { login: c.login }),
      ...(c.proxy === undefined ? {} : { proxy: c.proxy === false ? false : maskProxy(c.proxy) }),
      sources: { ...c.sources },
    };
  }
  return {
    file: config.file ?? null,
    defaultConnection: config.defaultConnection ?? null,
    connections,
    ...(config.service === undefined ? {} : { service: config.service }),
    ...(config.mcp === undefined ? {} : { mcp: config.mcp }),
  };
}

/** A proxy URL may carry a password. */
function maskProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '***';
  }
}

function loadFrom(values: Readonly<Record<string, unknown>>, io: CliIo): KconnectConfig {
  const { file, flags } = connectionFlagsFrom(values);
  return loadConfig({ ...(file === undefined ? {} : { file }), env: io.env, flags, cwd: io.cwd });
}

/** A configuration error: its message names the field; exit 2. */
function reportError(io: CliIo, error: unknown): void {
  if (!(error instanceof KconnectError)) throw error;
  io.stderr.write(`error: ${error.message}\n`);
  io.exit(ERROR_CODES[error.code].exitCode);
}

/**
 * `kconnect config check` — every configured connection: a login, one cheap read, how TLS is checked and what
 * certificate the server shows (with its pin). Exits with the first failure's code (3 authentication, 8
 * unreachable, …), 0 when all work. `kconnect config show` — the effective configuration after the file, the
 * environment and the flags, secrets masked.
 */
export function configCommand(
  io: CliIo = processIo(),
  readCertificate: ReadPeerCertificate = readPeerCertificate,
): Command {
  const config = cliCommand('config', io).description('check and show the configuration');

  const check = addConnectionOptions(
    cliCommand('check', io).description(
      'test every configured connection: login, a cheap call, TLS and the server certificate',
    ),
  ).addOption(
    new Option('--format <format>', 'table on a terminal, json when piped')
      .choices(['table', 'json'])
      .helpGroup('Output:'),
  );
  check.action(async (_options: unknown, self: Command) => {
    const values = self.opts();
    let loaded: KconnectConfig;
    try {
      loaded = loadFrom(values, io);
    } catch (error) {
      reportError(io, error);
      return;
    }
    // `--connection` narrows the check to that one connection.
    const chosen = typeof values['connection'] === 'string' ? loaded.defaultConnection : undefined;
    const names = chosen === undefined ? Object.keys(loaded.connections) : [chosen];
    if (names.length === 0) {
      reportError(io, new KconnectError('INVALID_INPUT', 'connection: none configured'));
      return;
    }
    const checks = await Promise.all(names.map((name) => checkConnection(loaded, name, io, readCertificate)));
    const format = (values['format'] as string | undefined) ?? (io.stdout.isTTY === true ? 'table' : 'json');
    if (format === 'json')
      io.stdout.write(`${JSON.stringify({ ok: checks.every((c) => c.ok), connections: checks }, null, 2)}\n`);
    else io.stdout.write(checksTable(checks));
    const failed = checks.find((c) => !c.ok);
    const code = failed?.error?.code;
    io.exit(
      failed === undefined
        ? 0
        : code !== undefined && code in ERROR_CODES
          ? ERROR_CODES[code as ErrorCode].exitCode
          : 1,
    );
  });

  const show = addConnectionOptions(
    cliCommand('show', io).description(
      'the effective configuration (file, environment, flags), secrets masked',
    ),
  ).addOption(
    new Option('--format <format>', 'yaml (default) or json').choices(['yaml', 'json']).helpGroup('Output:'),
  );
  show.action(async (_options: unknown, self: Command) => {
    const values = self.opts();
    try {
      const view = configView(loadFrom(values, io));
      const yaml = values['format'] === 'json' ? undefined : await import('yaml');
      io.stdout.write(yaml === undefined ? `${JSON.stringify(view, null, 2)}\n` : yaml.stringify(view));
      io.exit(0);
    } catch (error) {
      reportError(io, error);
    }
  });

  return config.addCommand(check).addCommand(show);
}
