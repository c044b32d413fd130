import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { randomPassword, startKscEmulator } from '../emulator/ksc/emulator.ts';
import { addEmulatorOptions, emulatorOptionsFrom, stopOnSignals } from './emulator-command.ts';

/** A random password made on the first demo run and kept (mode 600) in the data directory, so the login stays. */
function demoPassword(dataDir: string): string {
  const file = join(dataDir, 'demo-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const password = randomPassword();
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Agents sync often in the demo, so a scan or an isolation shows its effect within seconds. */
const DEMO_SYNC_SECONDS = 10;

/**
 * The demo on embedded defaults: a seeded KSC emulator in live mode. The HTTP service and the web console join
 * it when they exist (the Surfaces issue).
 */
export function demoCommand(): Command {
  const demo = addEmulatorOptions(
    new Command('demo').description('run the demo: a live KSC emulator on embedded defaults'),
  );
  demo.action(async (flags) => {
    const password = (flags.adminPassword as string | undefined) ?? demoPassword(flags.dataDir as string);
    const options = emulatorOptionsFrom(
      {
        ...flags,
        liveRate: flags.liveRate || 2,
        syncInterval: flags.syncInterval ?? DEMO_SYNC_SECONDS,
        dataDir: flags.dataDir,
      },
      password,
    );
    const running = await startKscEmulator(options);
    console.log(`KSC emulator listening on ${running.url}`);
    console.log(
      `  login: ${options.adminUser ?? 'admin'} / ${password}   (self-signed certificate in ${options.dataDir}/tls)`,
    );
    console.log(
      `  ${running.world.hosts.size} hosts, ${running.world.eventCount} events, ${options.liveRate} new events per second`,
    );
    console.log('  stop with Ctrl-C');
    stopOnSignals(() => running.close());
  });
  return demo;
}
