import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shellQuote } from './shell-quote.ts';
import { Command, Option } from 'commander';
import type { RunningDemo } from './demo.ts';
import { addEmulatorOptions, emulatorOptionsFrom } from './emulator-command.ts';
import { integer } from './option-parsers.ts';
import { onProcessSignals } from './signals.ts';

/**
 * A random password made on the first demo run and kept (mode 600) in the data directory, so the login stays (and the
 * KICS package, whose certificates.pfx it protects, keeps opening with the password the demo prints).
 */
function demoPassword(dataDir: string, name: string, randomPassword: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = randomPassword();
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The name of a machine both emulators know (the plant's Windows machines are KSC hosts), for an example. */
async function sharedMachine(running: RunningDemo): Promise<string | undefined> {
  const hostNames = new Set(
    running.emulator.world.hostsOf(0).map((h) => String(h.attributes['KLHST_WKS_DN'])),
  );
  const last = Math.min(await running.kics.store.devices.maxId(), 1000);
  for (let id = 1; id <= last; id++) {
    const device = await running.kics.store.devices.get(id);
    if (device !== undefined && hostNames.has(device.name)) return device.name;
  }
  return undefined;
}

/** Agents sync often in the demo, so a scan or an isolation shows its effect within seconds. */
const DEMO_SYNC_SECONDS = 10;
/** One new OT event a second: enough to watch the event list grow. */
const DEMO_KICS_LIVE_RATE = 1;
/** And tasks run ten times faster than on real hosts: a full scan ends within a minute or two. */
const DEMO_TASK_TIME_SCALE = 0.1;

/** The process around the demo, injected so tests run it in-process. */
export interface DemoCommandIo {
  readonly stdout?: (line: string) => void;
  /** Calls `stop` when the process is asked to stop; returns how to stop listening. Default: SIGINT, SIGTERM. */
  readonly onStopSignal?: (stop: () => void) => () => void;
  readonly onReady?: (demo: RunningDemo) => void;
}

/**
 * `kconnect demo` (`npm start`): the KSC emulator with a seeded world in live mode, the KICS for Networks
 * emulator beside it (the same seed: the plant's Windows machines are KSC hosts), the HTTP service connected to
 * both (connections `demo` and `demo-kics`) and the web console, on embedded defaults. Prints the console's address with a fresh token and stops
 * cleanly on Ctrl-C.
 */
export function demoCommand(io: DemoCommandIo = {}): Command {
  const stdout = io.stdout ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const onStopSignal = io.onStopSignal ?? onProcessSignals;
  const demo = addEmulatorOptions(
    new Command('demo').description(
      'run the demo: live KSC and KICS for Networks emulators, the HTTP service and the web console, on embedded defaults',
    ),
  )
    .addOption(
      new Option('--service-host <address>', 'address the service and console listen on').default(
        '127.0.0.1',
      ),
    )
    .addOption(
      new Option('--service-port <port>', 'port of the service and console; 0 picks a free one')
        .argParser(integer('--service-port', 0, 65535))
        .default(8080),
    )
    .addOption(
      new Option('--kics-port <port>', 'port of the KICS for Networks emulator; 0 (default) picks a free one')
        .argParser(integer('--kics-port', 0, 65535))
        .default(0),
    )
    .addOption(
      new Option('--kics-devices <n>', 'devices in a new KICS world')
        .argParser(integer('--kics-devices', 0, 1_000_000))
        .default(300),
    )
    .addOption(
      new Option('--kics-events <n>', 'past events in a new KICS world')
        .argParser(integer('--kics-events', 0, 50_000_000))
        .default(10_000),
    )
    .addOption(
      new Option(
        '--intake-dir <dir>',
        "where the intake writes the emulators' events as NDJSON (ksc-events.ndjson, kics-events.ndjson)",
      ).default('.kconnect/intake'),
    )
    .addOption(new Option('--no-intake', 'run no intake pipelines'));
  demo.action(async (flags) => {
    // Loaded when the demo runs only: the emulator and the service are the heaviest parts of kconnect.
    const [{ randomPassword }, { startDemo }] = await Promise.all([
      import('../../emulator/ksc/emulator.ts'),
      import('./demo.ts'),
    ]);
    const dataDir = flags.dataDir as string;
    const password =
      (flags.adminPassword as string | undefined) ?? demoPassword(dataDir, 'demo-password', randomPassword);
    const connectorPassword = demoPassword(dataDir, 'kics-connector-password', randomPassword);
    const emulatorOptions = emulatorOptionsFrom(
      {
        ...flags,
        liveRate: flags.liveRate || 2,
        syncInterval: flags.syncInterval ?? DEMO_SYNC_SECONDS,
        taskTimeScale: flags.taskTimeScale ?? DEMO_TASK_TIME_SCALE,
        dataDir: flags.dataDir,
      },
      password,
    );
    const running = await startDemo({
      emulator: { ...emulatorOptions, dataDir: flags.dataDir as string, adminPassword: password },
      kics: {
        host: emulatorOptions.host ?? '127.0.0.1',
        port: flags.kicsPort as number,
        // Beside the KSC emulator's files, so one --data-dir holds the whole demo.
        dataDir: join(dataDir, 'kics'),
        ...(emulatorOptions.db === undefined ? {} : { db: emulatorOptions.db }),
        // The same seed and the KSC world's size: the Windows machines of the plant are hosts of the KSC world.
        seed: emulatorOptions.seed ?? 1,
        kscHosts: emulatorOptions.hosts ?? 200,
        devices: flags.kicsDevices as number,
        events: flags.kicsEvents as number,
        liveRate: DEMO_KICS_LIVE_RATE,
        connectorPassword,
        ...(emulatorOptions.controlToken === undefined ? {} : { controlToken: emulatorOptions.controlToken }),
      },
      service: { host: flags.serviceHost as string, port: flags.servicePort as number },
      ...(flags.intake === false ? {} : { intake: { dir: resolve(flags.intakeDir as string) } }),
    });
    const { writeDemoConfig } = await import('./demo-config.ts');
    const configFile = writeDemoConfig({
      dataDir,
      kscUrl: running.emulator.url,
      kscUser: emulatorOptions.adminUser ?? 'admin',
      kscPasswordFile: flags.adminPassword === undefined ? join(dataDir, 'demo-password') : undefined,
      // The emulator keeps its certificate there (src/emulator/core/tls.ts), the current one after a rotation too.
      kscCaFile: running.emulator.certificatePem === undefined ? undefined : join(dataDir, 'tls', 'cert.pem'),
      kicsConnection: running.kicsConnection,
      kicsPackage: running.kics.packageDir,
      kicsPasswordFile: join(dataDir, 'kics-connector-password'),
    });
    const world = running.emulator.world;
    stdout('kconnect demo is running.');
    stdout('');
    stdout(`  Web console:   ${running.consoleUrl}`);
    stdout(`  API token:     ${running.token}   (read, respond, admin; a new one each start)`);
    stdout(`  HTTP API:      ${running.service.url}/docs`);
    stdout(
      `  KSC emulator:  ${running.emulator.url}   login ${emulatorOptions.adminUser ?? 'admin'} / ${password}`,
    );
    stdout(
      `                 ${world.hosts.size} hosts, ${world.eventCount} events, ${emulatorOptions.liveRate} new events a second`,
    );
    const kics = running.kics;
    const pfx = join(kics.packageDir, 'certificates.pfx');
    stdout(
      `  KICS emulator: ${kics.apiUrl}   (KICS for Networks Public API v3; the service's connection ${running.kicsConnection})`,
    );
    stdout(`                 package ${kics.packageDir}   certificates.pfx password ${connectorPassword}`);
    stdout(
      `                 ${await kics.store.devices.count()} devices, ${await kics.store.events.count()} events, ${DEMO_KICS_LIVE_RATE} new event a second`,
    );
    const { exampleDirectoryUpn } = await import('./demo.ts');
    const directory = running.emulator.directory?.status().counts;
    if (directory !== undefined) {
      stdout(
        `  Directory:     ${directory.users} users, ${directory.groups} groups published by the KSC emulator (seed 003), changing live`,
      );
      const upn = exampleDirectoryUpn(running.emulator);
      stdout(
        `                 look a user up on the console's Directory page (${running.service.url}/console#/directory)${upn === undefined ? '' : `, e.g. ${upn}`}`,
      );
    }
    if (running.pipelines.length > 0) {
      stdout('');
      stdout(
        'Intake (the events of both emulators, as they arrive; status at /v1/pipelines and in the console):',
      );
      for (const pipeline of running.pipelines) stdout(`  ${pipeline.name}: ${pipeline.file}`);
      const files = running.pipelines.map((p) => shellQuote(p.file)).join(' ');
      stdout(`  tail -f ${files}`);
    }
    stdout('');
    stdout('Get a KICS token with the package (the CA comes out of the PFX first):');
    stdout(
      `  openssl pkcs12 -in ${shellQuote(pfx)} -cacerts -nokeys -passin ${shellQuote(`pass:${connectorPassword}`)} -out kics-ca.pem`,
    );
    stdout(
      `  curl -s --cert-type P12 --cert ${shellQuote(`${pfx}:${connectorPassword}`)} --cacert kics-ca.pem -X POST ${shellQuote(`${kics.url}/kics/api/auth/v3/token?grant_type=certificate`)}`,
    );
    stdout('');
    stdout('Open the web console link, or try:');
    stdout(
      `  curl -s -H "Authorization: Bearer ${running.token}" -X POST ${running.service.url}/v1/commands/list_hosts -d '{"limit":3}'`,
    );
    stdout(
      `  curl -s -H "Authorization: Bearer ${running.token}" -X POST '${running.service.url}/v1/commands/kics_list_devices?connection=${running.kicsConnection}' -d '{"limit":3}'`,
    );
    stdout('');
    stdout(`The CLI with both emulators as connections (${configFile}):`);
    const config = `--config ${shellQuote(configFile)}`;
    stdout(`  npx kconnect list-hosts --limit 3 ${config}`);
    stdout(
      `  npx kconnect kics-list-devices --connection ${running.kicsConnection} --status Unauthorized ${config}`,
    );
    const twin = await sharedMachine(running);
    if (twin !== undefined) stdout(`  npx kconnect resolve-asset --name ${shellQuote(twin)} ${config}`);
    stdout('Stop with Ctrl-C.');
    io.onReady?.(running);
    await new Promise<void>((resolve, reject) => {
      const stopListening = onStopSignal(() => {
        stopListening();
        stdout('stopping…');
        running.close().then(() => {
          stdout('stopped.');
          resolve();
        }, reject);
      });
    });
  });
  return demo;
}
