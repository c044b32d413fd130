import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { Option, type Command } from 'commander';
import { renderTable } from '../../commands/core/render.ts';
import { connectionTypeOf } from '../../config/connections/registry.ts';
import { describeTls } from '../../config/connections/tls.ts';
import { createContextFactory } from '../../config/context.ts';
import { CONFIG_SCHEMA_FILE, configJsonSchema, starterConfig } from '../../config/json-schema.ts';
import { loadConfig } from '../../config/load.ts';
import type { KconnectConfig } from '../../config/schema.ts';
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
  /** The connection's type: `ksc`. */
  readonly type: string;
  readonly url: string;
  readonly ok: boolean;
  /** What the server says it is, when its health check tells (`product`: `KSC`). */
  readonly server: { readonly product: string; readonly version: string; readonly hostName: string } | null;
  /** How the server's certificate is checked, from the configuration. */
  readonly tls: string;
  readonly certificate: PeerCertificate | null;
  readonly elapsedMs: number;
  readonly error: { readonly code: string; readonly message: string } | null;
}

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof KconnectError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Checks one connection: its client's health check (a login and one cheap read: KSC's
 * `HostGroup.GetStaticInfo`), and the server's certificate.
 */
async function checkConnection(
  config: KconnectConfig,
  name: string,
  io: CliIo,
  readCertificate: ReadPeerCertificate,
): Promise<ConnectionCheck> {
  const connection = config.connections[name]!;
  const started = (io.now ?? Date.now)();
  const factory = createContextFactory(config, { logger: stderrLogger(io), env: io.env });
  const elapsed = (): number => (io.now ?? Date.now)() - started;
  let certificate: PeerCertificate | null = null;
  // A KICS connection may take its URL from its package (read by the client): no certificate is read ahead then.
  const url = connection.url === '' ? undefined : new URL(connection.url);
  // Through a proxy the certificate seen directly may not be the one the client sees: not read then.
  if (url?.protocol === 'https:' && connection.proxy === undefined) {
    certificate = await readCertificate(url, connection.timeoutMs ?? 10_000).catch(() => null);
  }
  const about = {
    connection: name,
    type: connection.type,
    url: connection.url === '' ? "(the package's metadata.json)" : connection.url,
  };
  try {
    const health = await factory.vendorClient(name).checkHealth();
    return {
      ...about,
      ok: true,
      server: health.server ?? null,
      tls:
        connectionTypeOf(connection).describeTrust?.(connection) ??
        describeTls(connection.url, connection.tls),
      certificate,
      elapsedMs: elapsed(),
      error: null,
    };
  } catch (error) {
    return {
      ...about,
      ok: false,
      server: null,
      tls:
        connectionTypeOf(connection).describeTrust?.(connection) ??
        describeTls(connection.url, connection.tls),
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
        c.server === null ? '' : `${c.server.product} ${c.server.version} on ${c.server.hostName}`,
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
  for (const [name, connection] of Object.entries(config.connections)) {
    connections[name] = {
      ...connectionTypeOf(connection).view(connection),
      sources: { ...connection.sources },
    };
  }
  return {
    file: config.file ?? null,
    defaultConnection: config.defaultConnection ?? null,
    connections,
    ...(Object.keys(config.pipelines).length === 0
      ? {}
      : {
          pipelines: Object.fromEntries(
            Object.entries(config.pipelines).map(([name, { name: _name, ...pipeline }]) => [name, pipeline]),
          ),
          intake: { state: config.intake.stateDescription },
        }),
    ...(config.service === undefined ? {} : { service: config.service }),
    ...(config.mcp === undefined ? {} : { mcp: config.mcp }),
  };
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

  const schema = cliCommand('schema', io).description(
    'print the JSON Schema of kconnect.yaml (for editor completion and checks)',
  );
  schema.action(() => {
    io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    io.exit(0);
  });

  const init = cliCommand('init', io)
    .description(
      `write a commented starter kconnect.yaml and its ${CONFIG_SCHEMA_FILE} in the working directory`,
    )
    .addOption(new Option('--force', 'overwrite files that exist'));
  init.action(async (_options: unknown, self: Command) => {
    const force = self.opts()['force'] === true;
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files = [
      { name: 'kconnect.yaml', text: starterConfig() },
      { name: CONFIG_SCHEMA_FILE, text: `${JSON.stringify(configJsonSchema(), null, 2)}\n` },
    ];
    try {
      for (const file of files) {
        try {
          writeFileSync(join(io.cwd, file.name), file.text, { flag: force ? 'w' : 'wx' });
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
          throw new KconnectError('CONFLICT', `${file.name}: exists already; --force overwrites it`);
        }
        io.stderr.write(`wrote ${file.name}\n`);
      }
      io.exit(0);
    } catch (error) {
      reportError(io, error);
    }
  });

  return config.addCommand(check).addCommand(show).addCommand(schema).addCommand(init);
}
