import { Command, InvalidArgumentError, Option } from 'commander';
import { integer, rate } from './option-parsers.ts';
import type { KscEmulatorOptions } from '../../emulator/ksc/emulator.ts';
import { recordLogger } from '../../logging.ts';
import { kicsEmulatorCommand } from './kics-emulator-command.ts';
import { addLogOptions, commandLogger, type LogFlags } from './log-options.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import {
  addDirectoryPublishOptions,
  directoryPublishOptionsFrom,
  type DirectoryPublishFlags,
} from './emulator-directory-options.ts';

function scale(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 100) {
    throw new InvalidArgumentError('--task-time-scale must be a number above 0 and at most 100');
  }
  return value;
}

/** Options shared by `kconnect emulator ksc` and the demo, with their environment variables. */
export function addEmulatorOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--http', 'plain HTTP instead of HTTPS (loopback testing)').env('KCONNECT_EMULATOR_HTTP'),
    )
    .addOption(
      new Option('--host <address>', 'address to listen on')
        .default('127.0.0.1')
        .env('KCONNECT_EMULATOR_HOST'),
    )
    .addOption(
      new Option('--port <port>', 'port; 0 picks a free one')
        .argParser(integer('--port', 0, 65535))
        .default(13299)
        .env('KCONNECT_EMULATOR_PORT'),
    )
    .addOption(
      new Option('--data-dir <dir>', 'SQLite database and TLS certificate')
        .default('.kconnect/ksc-emulator')
        .env('KCONNECT_EMULATOR_DATA_DIR'),
    )
    .addOption(
      new Option('--db <url>', 'PostgreSQL URL to use instead of SQLite').env('KCONNECT_EMULATOR_DB'),
    )
    .addOption(new Option('--seed <n>', 'seed of a new world').argParser(integer('--seed', 0)).default(1))
    .addOption(
      new Option('--hosts <n>', 'hosts in a new world')
        .argParser(integer('--hosts', 0, 1_000_000))
        .default(200),
    )
    .addOption(
      new Option('--events <n>', 'past events in a new world')
        .argParser(integer('--events', 0, 50_000_000))
        .default(5000),
    )
    .addOption(new Option('--virtual-server <name...>', 'add a virtual server with its own groups and hosts'))
    .addOption(new Option('--admin-user <name>', 'main administrator').default('admin'))
    .addOption(
      new Option('--admin-password <password>', 'password of the seeded users (prefer the env variable)').env(
        'KCONNECT_EMULATOR_PASSWORD',
      ),
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
      ).env('KCONNECT_EMULATOR_CONTROL_TOKEN'),
    )
    .addOption(
      new Option('--session-idle <seconds>', 'session idle timeout')
        .argParser(integer('--session-idle', 1))
        .default(1800),
    )
    .addOption(
      new Option('--lockout-attempts <n>', 'wrong passwords before an account locks')
        .argParser(integer('--lockout-attempts', 1))
        .default(10),
    )
    .addOption(
      new Option('--lockout-seconds <n>', 'how long an account stays locked')
        .argParser(integer('--lockout-seconds', 1))
        .default(3600),
    )
    .addOption(
      new Option(
        '--sync-interval <seconds>',
        "interval of the simulated Network Agents' syncs (default 60; the demo uses 10)",
      )
        .argParser(integer('--sync-interval', 1))
        .env('KCONNECT_EMULATOR_SYNC_INTERVAL'),
    )
    .addOption(
      new Option(
        '--task-time-scale <factor>',
        'new task runs take this share of their realistic length (default 1; the demo uses 0.1)',
      )
        .argParser(scale)
        .env('KCONNECT_EMULATOR_TASK_TIME_SCALE'),
    )
    .addOption(
      new Option('--max-events <n>', 'maximum stored events; the oldest are deleted beyond it')
        .argParser(integer('--max-events', 1))
        .default(2_000_000),
    )
    .addOption(
      new Option(
        '--max-body-bytes <n>',
        'largest request body accepted; larger ones get HTTP 413 unread (default 8 MiB)',
      )
        .argParser(integer('--max-body-bytes', 1))
        .env('KCONNECT_EMULATOR_MAX_BODY_BYTES'),
    );
}

interface EmulatorFlags extends LogFlags {
  http?: boolean;
  host: string;
  port: number;
  dataDir: string;
  db?: string;
  seed: number;
  hosts: number;
  events: number;
  virtualServer?: string[];
  adminUser: string;
  adminPassword?: string;
  liveRate: number;
  controlToken?: string;
  sessionIdle: number;
  lockoutAttempts: number;
  lockoutSeconds: number;
  maxEvents: number;
  syncInterval?: number;
  taskTimeScale?: number;
  maxBodyBytes?: number;
}

export function emulatorOptionsFrom(flags: EmulatorFlags, password: string): KscEmulatorOptions {
  return {
    http: flags.http === true,
    host: flags.host,
    port: flags.port,
    dataDir: flags.dataDir,
    ...(flags.db === undefined ? {} : { db: flags.db }),
    seed: flags.seed,
    hosts: flags.hosts,
    events: flags.events,
    ...(flags.virtualServer === undefined ? {} : { virtualServers: flags.virtualServer }),
    adminUser: flags.adminUser,
    adminPassword: password,
    liveRate: flags.liveRate,
    ...(flags.controlToken === undefined ? {} : { controlToken: flags.controlToken }),
    sessionIdleSeconds: flags.sessionIdle,
    lockoutAttempts: flags.lockoutAttempts,
    lockoutSeconds: flags.lockoutSeconds,
    maxEvents: flags.maxEvents,
    ...(flags.syncInterval === undefined ? {} : { agentSyncSeconds: flags.syncInterval }),
    ...(flags.taskTimeScale === undefined ? {} : { taskTimeScale: flags.taskTimeScale }),
    ...(flags.maxBodyBytes === undefined ? {} : { maxBodyBytes: flags.maxBodyBytes }),
  };
}

export function emulatorCommand(): Command {
  const emulator = new Command('emulator').description('run an emulator of a vendor API');
  const ksc = addLogOptions(
    addDirectoryPublishOptions(
      addEmulatorOptions(new Command('ksc').description('Kaspersky Security Center Open API emulator')),
    ),
  );
  ksc.action(async (flags: EmulatorFlags & DirectoryPublishFlags) => {
    if (flags.adminPassword === undefined) {
      throw new InvalidArgumentError('--admin-password or KCONNECT_EMULATOR_PASSWORD is required');
    }
    // Loaded here, not at the top: every other kconnect command would otherwise load the emulator too.
    const { startKscEmulator } = await import('../../emulator/ksc/emulator.ts');
    // stderr: stdout has the listening line scripts wait for.
    const logger = commandLogger('emulator-ksc', flags, process.env);
    const directory = await directoryPublishOptionsFrom(flags, process.env);
    const running = await startKscEmulator({
      ...emulatorOptionsFrom(flags, flags.adminPassword),
      logger: recordLogger(logger),
      ...(directory === undefined ? {} : { directory }),
    });
    // One line, for scripts that wait for the emulator to be ready.
    console.log(`KSC emulator listening on ${running.url}`);
    stopOnSignals(() => running.close());
  });
  emulator.addCommand(ksc);
  emulator.addCommand(kicsEmulatorCommand());
  return emulator;
}
