/**
 * An OT incident, end to end, across both products with kconnect's commands:
 *   KICS for Networks saw a system command sent to a PLC → which machine sent it? (resolve_asset: the KICS device
 *   and the KSC host that are the same engineering station) → its protection status in KSC → scan it and isolate
 *   it → mark the KICS event Resolved, with a mark → set the station's device status in KICS to Unauthorized, so
 *   that KICS raises an event for anything it does on the plant network until someone authorizes it again.
 *
 * Run it against emulators it starts itself:   npm run example:ot-incident
 * or against servers of yours:                 KSC_URL=https://ksc:13299 KSC_USER=… KSC_PASSWORD=… \
 *                                              KICS_PACKAGE=./connector KICS_PACKAGE_PASSWORD=… npm run example:ot-incident
 * (KICS_PACKAGE is the communication data package KICS hands out for a connector: its folder or its
 * certificates.pfx; KSC_PIN=sha256/… pins the KSC server's key, else the system CAs must trust it).
 *
 * The steps use only the library's public pieces: the registry, `executeCommand` and the output contract. The KSC
 * side of the playbook (examples/playbook.ts) is unchanged by any of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../src/commands/index.ts';
import { startKicsEmulator, type RunningKicsEmulator } from '../src/emulator/kics/emulator.ts';
import { startKscEmulator, type RunningKscEmulator } from '../src/emulator/ksc/emulator.ts';
import { KicsClient } from '../src/kics/index.ts';
import { KscClient } from '../src/ksc/index.ts';
import { keyList, PlaybookError, rows, step, type Row, type StepRecord } from './steps.ts';

/** What the playbook did, step by step, and what it acted on, for a report or a test. */
export interface OtIncidentRun {
  readonly steps: StepRecord[];
  /** The KICS event it handled. */
  readonly eventId?: number;
  /** The KICS device that sent the command: the engineering station. */
  readonly deviceId?: number;
  /** The same machine's KSC host id. */
  readonly hostId?: string;
}

/** How many of the newest command events the playbook looks at before it gives up finding a sender KSC manages. */
const EVENTS_LOOKED_AT = 200;
/** The KICS event mark (0–7, one of the icons KICS shows) the playbook sets on the events it has handled. */
export const HANDLED_MARK = 5;

/** The KSC applications isolation and a scan need on the host: Endpoint Agent and Endpoint Security. */
const hasScanAndIsolation = (host: Row): boolean => {
  const apps = Array.isArray(host['applications'])
    ? (host['applications'] as Row[]).map((a) => a['name'])
    : [];
  return apps.includes('KES') && apps.includes('EDRAgent');
};

export async function runOtIncident(
  ctx: CommandContext,
  log: (line: string) => void = console.log,
): Promise<OtIncidentRun> {
  const steps: StepRecord[] = [];
  // The event type's code from KICS itself, not a constant: a real server's dictionary says what it is.
  const types = await step(
    ctx,
    steps,
    'kics_list_event_types',
    { title: 'System command' },
    (r) => `codes ${keyList(r, 'EventTypeIds').join(', ')}`,
    log,
  );
  const events = await step(
    ctx,
    steps,
    'kics_list_events',
    { eventType: keyList(types, 'EventTypeIds'), status: ['Proposed', 'Active'], limit: 100_000 },
    (r) => `${keyList(r, 'EventIds').length} open system-command events`,
    log,
  );

  // Newest first: for each sender, the machine behind it, until one is a host KSC can scan and isolate.
  const asked = new Set<string>();
  let found: { event: Row; deviceId: number; hostId: string } | undefined;
  for (const event of rows(events).reverse().slice(0, EVENTS_LOOKED_AT)) {
    const sender = (event['sourceIps'] as string[] | undefined)?.[0];
    if (sender === undefined || asked.has(sender)) continue;
    asked.add(sender);
    const resolved = await step(
      ctx,
      steps,
      'resolve_asset',
      { ipAddress: sender },
      (r) => {
        const k = r.keyFields as Row;
        return `${sender}: ${String(k['Resolution'])}${k['Confidence'] === null ? '' : ` (${String(k['Confidence'])})`} ${keyList(r, 'KscHostNames').join(', ')}`;
      },
      log,
    ).catch((error: unknown) => {
      // A sender neither product knows (404) is no lead; anything else stops the playbook.
      if (error instanceof PlaybookError && error.result?.errors[0]?.code === 'NOT_FOUND') return undefined;
      throw error;
    });
    // One machine, or none: an ambiguous match is for a person to settle, never a guess to isolate.
    if (resolved === undefined || (resolved.keyFields as Row)['Resolution'] !== 'matched') continue;
    const hostId = keyList(resolved, 'KscHostIds')[0] as string;
    const deviceId = keyList(resolved, 'KicsDeviceIds')[0] as number;
    const status = await step(
      ctx,
      steps,
      'get_host_status',
      // withKics: the same host as KICS sees it, and what it is exposed to on the plant network.
      { hostNames: [hostId], withKics: true },
      (r) =>
        `${String(rows(r)[0]?.['KLHST_WKS_DN'])}: ${keyList(r, 'HostGeneralStatuses').join(', ')}, ` +
        `real-time protection ${keyList(r, 'RealTimeProtectionStatusDescriptions').join(', ')}, ` +
        `${String(keyList(r, 'KicsOpenVulnerabilityCounts')[0] ?? 0)} open vulnerabilities in KICS`,
      log,
    );
    if (rows(status).some(hasScanAndIsolation)) {
      found = { event, deviceId, hostId };
      break;
    }
    log(`→ ${hostId} has no Endpoint Agent and Endpoint Security: it cannot be isolated from KSC`);
  }
  if (found === undefined) {
    throw new PlaybookError('no open system-command event was sent by a host that KSC can scan and isolate');
  }
  const { event, deviceId, hostId } = found;
  const eventId = event['id'] as number;
  log(`→ event ${eventId} "${String(event['title'])}" from KICS device ${deviceId}, KSC host ${hostId}`);

  const scanName = `kconnect OT incident ${eventId}`;
  await step(
    ctx,
    steps,
    'scan_hosts',
    {
      hostNames: [hostId],
      scanType: 'Virus Scan with Kaspersky Endpoint Security for Windows(11.7.0)',
      scanDisplayName: scanName,
      wait: true,
      waitTimeoutSeconds: 900,
      idempotencyKey: `ot-incident-scan-${eventId}`,
    },
    (r) => `task ${String((r.keyFields as Row)['ScanTaskID'])}: ${String((r.keyFields as Row)['ScanState'])}`,
    log,
  );
  await step(
    ctx,
    steps,
    'isolate_hosts',
    {
      hostIds: [hostId],
      isolationTimeout: 120,
      wait: true,
      idempotencyKey: `ot-incident-isolate-${eventId}`,
    },
    (r) => `isolation: ${keyList(r, 'IsolationStates').join(', ')}`,
    log,
  );
  await step(
    ctx,
    steps,
    'kics_update_event',
    { eventIds: [eventId], status: 'Resolved', mark: HANDLED_MARK },
    (r) => `event ${eventId}: ${String((r.keyFields as Row)['Status'])}, mark ${HANDLED_MARK}`,
    log,
  );
  await step(
    ctx,
    steps,
    'kics_set_device_status',
    { deviceIds: [deviceId], status: 'Unauthorized', idempotencyKey: `ot-incident-device-${eventId}` },
    (r) => `device ${deviceId}: ${keyList(r, 'PreviousStatuses').join(', ')} → Unauthorized`,
    log,
  );
  return { steps, eventId, deviceId, hostId };
}

/** The two emulators of the same seed (their worlds share the plant's Windows machines) and a context on both. */
export interface EmulatedPlant {
  readonly ksc: RunningKscEmulator;
  readonly kics: RunningKicsEmulator;
  readonly ctx: CommandContext;
}

/**
 * Runs `work` against a throwaway KSC emulator and KICS emulator, and stops both after. The KSC emulator's clock
 * moves when a command waits, so a scan and the agents' syncs pass in moments instead of in real time; the KICS
 * client connects as a user's would, with the connector's package over mutual TLS.
 */
export async function withEmulatedPlant<T>(work: (plant: EmulatedPlant) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-ot-incident-'));
  const password = `ot-incident-${process.pid}-${Date.now()}`;
  const hosts = 200;
  let ksc: RunningKscEmulator | undefined;
  let kics: RunningKicsEmulator | undefined;
  let kscClient: KscClient | undefined;
  let kicsClient: KicsClient | undefined;
  try {
    ksc = await startKscEmulator({
      http: true,
      port: 0,
      dataDir: path.join(dataDir, 'ksc'),
      adminPassword: password,
      hosts,
      agentSyncSeconds: 5,
    });
    kics = await startKicsEmulator({
      port: 0,
      dataDir: path.join(dataDir, 'kics'),
      kscHosts: hosts,
      devices: 300,
      events: 3000,
      connectorPassword: password,
    });
    kscClient = new KscClient({ url: ksc.url, credentials: { user: 'admin', password } });
    kicsClient = new KicsClient({ credentials: { package: kics.packageDir, password } });
    const clock = ksc.clock;
    return await work({
      ksc,
      kics,
      ctx: {
        ksc: kscClient,
        kics: kicsClient,
        now: () => clock.now(),
        sleep: (ms) => {
          clock.advance(ms);
          return Promise.resolve();
        },
      },
    });
  } finally {
    await kscClient?.close().catch(() => undefined);
    await kicsClient?.close().catch(() => undefined);
    await kics?.close();
    await ksc?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Servers of yours from the environment, or undefined when none is named. */
function fromEnvironment(env: NodeJS.ProcessEnv): { ksc: KscClient; kics: KicsClient } | undefined {
  const url = env['KSC_URL'];
  const pkg = env['KICS_PACKAGE'];
  if (url === undefined && pkg === undefined) return undefined;
  if (url === undefined || pkg === undefined) {
    throw new PlaybookError('KSC_URL and KICS_PACKAGE: give both servers, or neither for the emulators');
  }
  const pin = env['KSC_PIN'];
  return {
    ksc: new KscClient({
      url,
      credentials: { user: env['KSC_USER'] ?? '', password: env['KSC_PASSWORD'] ?? '' },
      ...(pin === undefined ? {} : { tls: { pins: [pin] } }),
    }),
    kics: new KicsClient({ credentials: { package: pkg, password: env['KICS_PACKAGE_PASSWORD'] ?? '' } }),
  };
}

async function main(): Promise<void> {
  const servers = fromEnvironment(process.env);
  if (servers === undefined) {
    await withEmulatedPlant(async ({ ksc, kics, ctx }) => {
      console.log(`KSC emulator on ${ksc.url}, KICS emulator on ${kics.apiUrl}`);
      await runOtIncident(ctx);
    });
    return;
  }
  try {
    await runOtIncident({ ...servers, now: Date.now });
  } finally {
    await servers.ksc.close().catch(() => undefined);
    await servers.kics.close().catch(() => undefined);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
