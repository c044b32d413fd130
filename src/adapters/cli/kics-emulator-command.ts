import { Command, Option } from 'commander';
import { integer, rate } from './option-parsers.ts';
import type { KicsEmulatorOptions, RunningKicsEmulator } from '../../emulator/kics/emulator.ts';
import { recordLogger } from '../../logging.ts';
import { addLogOptions, commandLogger, type LogFlags } from './log-options.ts';
import { stopOnSignals } from './stop-on-signals.ts';

interface KicsEmulatorFlags extends LogFlags {
  http?: boolean;
  host: string;
  port: number;
  dataDir: string;
  db?: string;
  seed: number;
  devices: number;
  events: number;
  kscHosts: number;
  liveRate: number;
  controlToken?: string;
  tokenLifetime: number;
  connectorPassword?: string;
  maxBodyBytes?: number;
}

/** Options of `kconnect emulator kics` (and the demo's KICS side), with their environment variables. */
export function addKicsEmulatorOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--http', 'plain HTTP instead of HTTPS (loopback testing; no mutual TLS)').env(
        'KCONNECT_KICS_EMULATOR_HTTP',
      ),
    )
    .addOption(
      new Option('--host <address>', 'address to listen on')
        .default('127.0.0.1')
        .env('KCONNECT_KICS_EMULATOR_HOST'),
    )
    .addOption(
      new Option('--port <port>', 'port; 0 picks a free one')
        .argParser(integer('--port', 0, 65535))
        .default(8443)
        .env('KCONNECT_KICS_EMULATOR_PORT'),
    )
    .addOption(
      new Option('--data-dir <dir>', 'database, certificates and connector packages')
        .default('.kconnect/kics-emulator')
        .env('KCONNECT_KICS_EMULATOR_DATA_DIR'),
    )
    .addOption(
      new Option('--db <url>', 'PostgreSQL URL to use instead of SQLite').env('KCONNECT_KICS_EMULATOR_DB'),
    )
    .addOption(
      new Option('--seed <n>', 'seed of a new world (same as the KSC emulator: shared machines)')
        .argParser(integer('--seed', 0))
        .default(1),
    )
    .addOption(
      new Option('--devices <n>', 'devices in a new world')
        .argParser(integer('--devices', 0, 1_000_000))
        .default(300),
    )
    .addOption(
      new Option('--events <n>', 'past events in a new world')
        .argParser(integer('--events', 0, 50_000_000))
        .default(10_000),
    )
    .addOption(
      new Option('--ksc-hosts <n>', "hosts of the KSC emulator's world to share machines with (its --hosts)")
        .argParser(integer('--ksc-hosts', 0, 1_000_000))
        .default(200),
    )
    .addOption(
      new Option('--live-rate <n>', 'new events per second (0 = off)')
        .argParser(rate('--live-rate'))
        .default(0),
    )
    .addOption(
      new Option(
        '--control-token <token>',
        'enable the control API under /__emulator/ with this bearer token',
      ).env('KCONNECT_KICS_EMULATOR_CONTROL_TOKEN'),
    )
    .addOption(
      new Option('--token-lifetime <seconds>', 'lifetime of access tokens (KICS: 10 hours)')
        .argParser(integer('--token-lifetime', 1, 30 * 86_400))
        .default(36_000),
    )
    .addOption(
      new Option(
        '--connector-password <password>',
        "password of the first connector's certificates.pfx (prefer the env variable; random and printed when absent)",
      ).env('KCONNECT_KICS_CONNECTOR_PASSWORD'),
    )
    .addOption(
      new Option('--max-body-bytes <n>', 'largest request body accepted (default 8 MiB)')
        .argParser(integer('--max-body-bytes', 1))
        .env('KCONNECT_KICS_EMULATOR_MAX_BODY_BYTES'),
    );
}

export function kicsEmulatorOptionsFrom(flags: KicsEmulatorFlags): KicsEmulatorOptions {
  return {
    http: flags.http === true,
    host: flags.host,
    port: flags.port,
    dataDir: flags.dataDir,
    ...(flags.db === undefined ? {} : { db: flags.db }),
    seed: flags.seed,
    devices: flags.devices,
    events: flags.events,
    kscHosts: flags.kscHosts,
    liveRate: flags.liveRate,
    tokenLifetimeSeconds: flags.tokenLifetime,
    ...(flags.controlToken === undefined ? {} : { controlToken: flags.controlToken }),
    ...(flags.connectorPassword === undefined ? {} : { connectorPassword: flags.connectorPassword }),
    ...(flags.maxBodyBytes === undefined ? {} : { maxBodyBytes: flags.maxBodyBytes }),
  };
}

/** What a person needs to call the emulator: the addresses, the package, and the password when it was just made. */
export function describeKicsEmulator(running: RunningKicsEmulator): string[] {
  const lines = [
    `KICS for Networks emulator listening on ${running.url}`,
    `  API:     ${running.apiUrl}`,
    `  package: ${running.packageDir} (certificates.pfx, metadata.json)`,
  ];
  const created = running.firstPackage;
  if (created?.passwordGenerated === true) lines.push(`  certificates.pfx password: ${created.password}`);
  return lines;
}

export function kicsEmulatorCommand(): Command {
  const kics = addLogOptions(
    addKicsEmulatorOptions(
      new Command('kics').description(
        'Kaspersky Industrial CyberSecurity for Networks Public API v3 emulator',
      ),
    ),
  );
  kics.action(async (flags: KicsEmulatorFlags) => {
    // Loaded here, not at the top: every other kconnect command would otherwise load the emulator too.
    const { startKicsEmulator } = await import('../../emulator/kics/emulator.ts');
    const logger = commandLogger('emulator-kics', flags, process.env);
    const running = await startKicsEmulator({
      ...kicsEmulatorOptionsFrom(flags),
      logger: recordLogger(logger),
    });
    // The first line is the one scripts wait for.
    for (const line of describeKicsEmulator(running)) console.log(line);
    stopOnSignals(() => running.close());
  });
  kics.addCommand(connectorCommand());
  return kics;
}

interface ConnectorFlags {
  url?: string;
  user?: string;
  role?: string;
  password?: string;
}

function withStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--data-dir <dir>', "the emulator's data folder")
        .default('.kconnect/kics-emulator')
        .env('KCONNECT_KICS_EMULATOR_DATA_DIR'),
    )
    .addOption(
      new Option('--db <url>', "the emulator's PostgreSQL URL, if it uses one").env(
        'KCONNECT_KICS_EMULATOR_DB',
      ),
    )
    .addOption(new Option('--host <address>', 'address the emulator listens on').default('127.0.0.1'));
}

/**
 * The value of an option the connector commands share with `kics`: `kics` declares the same options and, parsing the
 * line first, takes them wherever they stand (`kics connector add x --data-dir d` gives `d` to `kics`). So the
 * nearest command where the value was given (or came from the environment) wins; else the connector command's default.
 */
function sharedOption(command: Command, key: 'dataDir' | 'db' | 'host'): string | undefined {
  for (let current: Command | null = command; current !== null; current = current.parent) {
    const source = current.getOptionValueSource(key);
    if (source !== undefined && source !== 'default')
      return current.getOptionValue(key) as string | undefined;
  }
  return command.getOptionValue(key) as string | undefined;
}

async function openAdministration(command: Command) {
  const { openKicsAdministration } = await import('../../emulator/kics/administration.ts');
  return openKicsAdministration({
    dataDir: sharedOption(command, 'dataDir') ?? '.kconnect/kics-emulator',
    db: sharedOption(command, 'db'),
    host: sharedOption(command, 'host') ?? '127.0.0.1',
  });
}

/** `kconnect emulator kics connector add|remove|block|unblock|list`: manages connectors in the emulator's database. */
function connectorCommand(): Command {
  const connector = new Command('connector').description(
    "manage the emulator's connectors and their users (works while it runs)",
  );
  withStoreOptions(
    connector
      .command('add <name>')
      .description('add a connector and write its communication data package')
      .option('--user <name>', 'application user it acts as (created if needed; default kconnect-connector)')
      .option('--role <role>', 'role of a user created for it: Administrator or Operator')
      .option(
        '--url <url>',
        "server URL for metadata.json (default: the emulator's address, from its packages' metadata.json)",
      )
      .addOption(
        new Option(
          '--password <password>',
          'password of certificates.pfx (random and printed when absent)',
        ).env('KCONNECT_KICS_CONNECTOR_PASSWORD'),
      ),
  ).action(async (name: string, flags: ConnectorFlags, command: Command) => {
    const admin = await openAdministration(command);
    try {
      const written = await admin.addConnector(name, flags);
      console.log(`connector ${name}: package in ${written.dir}`);
      if (written.passwordGenerated) console.log(`certificates.pfx password: ${written.password}`);
    } finally {
      await admin.close();
    }
  });
  withStoreOptions(
    connector.command('remove <name>').description('remove a connector: its certificate gets no more tokens'),
  ).action(async (name: string, _flags: ConnectorFlags, command: Command) => {
    const admin = await openAdministration(command);
    try {
      await admin.removeConnector(name);
      console.log(`connector ${name} removed`);
    } finally {
      await admin.close();
    }
  });
  for (const [verb, blocked] of [
    ['block', true],
    ['unblock', false],
  ] as const) {
    withStoreOptions(
      connector
        .command(`${verb} <name>`)
        .description(`${verb} the application user behind a connector (a blocked user gets no new token)`),
    ).action(async (name: string, _flags: ConnectorFlags, command: Command) => {
      const admin = await openAdministration(command);
      try {
        const user = await admin.setBlocked(name, blocked);
        console.log(`user ${user} of connector ${name} ${blocked ? 'blocked' : 'unblocked'}`);
      } finally {
        await admin.close();
      }
    });
  }
  withStoreOptions(connector.command('list').description('list connectors and their users')).action(
    async (_flags: ConnectorFlags, command: Command) => {
      const admin = await openAdministration(command);
      try {
        for (const line of await admin.describe()) console.log(line);
      } finally {
        await admin.close();
      }
    },
  );
  return connector;
}
