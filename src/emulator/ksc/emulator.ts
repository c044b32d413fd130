import type { Socket } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KconnectError } from '../../errors.ts';
import { EmulatorClock } from '../core/clock.ts';
import { CONTROL_PREFIX } from '../core/control.ts';
import { checkPort, listen, prepareDataDir, type ListeningServer } from '../core/server.ts';
import { EmulatorCertificates } from '../core/tls.ts';
import { checkMaxBodyBytes, DEFAULT_MAX_BODY_BYTES } from '../core/body-limit.ts';
import { readClockOffset, saveClockOffset } from './store/clock-offset.ts';
import type { RoleAssignment } from './auth/rights.ts';
import { KSC_CLASSES } from './classes/index.ts';
import { createKscControlApi } from './control.ts';
import { createKscServer, type KscServerState } from './server.ts';
import type { EmulatorLogger } from '../core/request-log.ts';
import { createLiveEvents } from './world/index.ts';
import { KscWorld, type SeedUser } from './world.ts';
import { DirectoryPublisher, type DirectoryPublishOptions } from './directory/publisher.ts';

/** Options of the KSC emulator; the CLI flags of `kconnect emulator ksc` map one to one. */
export interface KscEmulatorOptions {
  /** Plain HTTP instead of HTTPS (loopback tests). Default false. */
  readonly http?: boolean;
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 13299, KSC's Open API port. */
  readonly port?: number;
  /** Where the SQLite database and the TLS certificate live. Default `.kconnect/ksc-emulator`. */
  readonly dataDir?: string;
  /** A PostgreSQL URL to use instead of SQLite. */
  readonly db?: string;
  /** Seed of the generated world. Default 1. */
  readonly seed?: number;
  /** Number of hosts in a new world. Default 200. */
  readonly hosts?: number;
  /** Number of past events in a new world. Default 5,000. */
  readonly events?: number;
  /** Names of virtual servers, each with its own groups and hosts. */
  readonly virtualServers?: readonly string[];
  /** Name of the main administrator. Default `admin`. */
  readonly adminUser?: string;
  /** Password of the main administrator (and of the other seeded users unless `users` is given). */
  readonly adminPassword?: string;
  /** Users to create besides the administrator; by default a set covering every role and scope combination. */
  readonly users?: readonly SeedUser[];
  /** New events per second in live mode; 0 = off. */
  readonly liveRate?: number;
  /** Enables the control API under `/__emulator/` with this bearer token. */
  readonly controlToken?: string;
  /** Session idle timeout, seconds. Default 1800. */
  readonly sessionIdleSeconds?: number;
  /** Wrong passwords before an account locks. Default 10. */
  readonly lockoutAttempts?: number;
  /** How long a locked account stays locked, seconds. Default 3600. */
  readonly lockoutSeconds?: number;
  /** Maximum number of stored events; the oldest are deleted beyond it. Default 2,000,000. */
  readonly maxEvents?: number;
  /** Interval between two syncs of a simulated Network Agent, seconds. Default 60. */
  readonly agentSyncSeconds?: number;
  /** New task runs take this share of their realistic length (0.1: a full scan in about a minute). Default 1. */
  readonly taskTimeScale?: number;
  /** Largest request body accepted, bytes; larger ones get HTTP 413 unread. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** One line per request (debug) and unexpected errors, each with its request id. Default: none. */
  readonly logger?: EmulatorLogger;
  /**
   * Publishes the seeded domain's directory (users, groups, memberships) to a receiver as seed 003's CloudEvents:
   * in full on start, then live changes (decision 0055).
   */
  readonly directory?: DirectoryPublishOptions;
}

export interface RunningKscEmulator {
  readonly url: string;
  readonly port: number;
  readonly world: KscWorld;
  readonly clock: EmulatorClock;
  readonly state: KscServerState;
  /** The directory publisher, when `directory` was given. */
  readonly directory: DirectoryPublisher | undefined;
  /** PEM of the self-signed certificate (HTTPS only), for clients that pin or trust it. */
  readonly certificatePem: string | undefined;
  /** PEM of the reserve certificate that takes over at the next rotation (HTTPS only). */
  readonly reserveCertificatePem: string | undefined;
  /** Makes the reserve certificate current, issues a new reserve and drops open connections (HTTPS only). */
  rotateCertificate(): Promise<void>;
  close(): Promise<void>;
}

const BOTH = (roles: string[]): RoleAssignment => ({ server: roles, devices: roles });

/** The users a new world gets unless told otherwise: one per interesting combination of roles and scopes. */
export function defaultUsers(
  adminUser: string,
  password: string,
  virtualServers: readonly string[] = [],
): SeedUser[] {
  const perVirtualServer = virtualServers.map((vserver): SeedUser => ({
    name: adminUser,
    password,
    vserver,
    roles: BOTH(['Main Administrator']),
    displayName: `Administrator of ${vserver}`,
  }));
  return [
    ...perVirtualServer,
    { name: adminUser, password, roles: BOTH(['Main Administrator']), displayName: 'Main administrator' },
    { name: 'analyst', password, roles: BOTH(['Read-only Analyst']), displayName: 'SOC analyst (read-only)' },
    { name: 'responder', password, roles: BOTH(['Security Officer']), displayName: 'SOC responder' },
    {
      name: 'reader',
      password,
      roles: BOTH(['Basic Reader']),
      displayName: 'Basic functionality: read only',
    },
    {
      name: 'server-only',
      password,
      roles: { server: ['Security Officer'], devices: [] },
      displayName: 'Role in the Administration Server scope only',
    },
    { name: 'no-rights', password, roles: { server: [], devices: [] }, displayName: 'No role at all' },
  ];
}

/**
 * Starts the KSC emulator: opens (or creates and seeds) its world, serves the Open API over HTTPS (or HTTP), and
 * optionally the control API and live events.
 *
 * @example
 * const ksc = await startKscEmulator({ http: true, port: 0, dataDir: tmp, adminPassword: 'test-only-password' });
 * console.log(ksc.url); // http://127.0.0.1:41877
 * await ksc.close();
 */
export async function startKscEmulator(options: KscEmulatorOptions = {}): Promise<RunningKscEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 13299;
  const adminUser = options.adminUser ?? 'admin';
  const adminPassword = options.adminPassword;
  if (adminPassword === undefined || adminPassword.length < 8) {
    throw new KconnectError('INVALID_INPUT', 'adminPassword: required, at least 8 characters');
  }
  checkPort(port);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  checkMaxBodyBytes(maxBodyBytes);
  const dataDir = prepareDataDir(options.dataDir ?? '.kconnect/ksc-emulator');

  const clock = new EmulatorClock();
  const world = await KscWorld.open({
    db: options.db !== undefined ? { url: options.db } : { file: join(dataDir, 'ksc.sqlite') },
    clock,
    world: {
      seed: options.seed ?? 1,
      hosts: options.hosts ?? 200,
      events: options.events ?? 5000,
      ...(options.virtualServers === undefined ? {} : { virtualServers: options.virtualServers }),
    },
    users: [...(options.users ?? defaultUsers(adminUser, adminPassword, options.virtualServers))],
    maxEvents: options.maxEvents ?? 2_000_000,
  });

  // The clock continues where the last run left it (a control call advanced it, or a test did).
  const savedOffset = await readClockOffset(world);
  if (savedOffset !== undefined) clock.restoreOffset(savedOffset);
  const persistClock = (): Promise<void> => saveClockOffset(world, clock.offsetMs);
  // A reset empties the database, the clock's row with it; the clock itself keeps its time.
  world.onReset(() => void persistClock().catch(() => undefined));

  // The password given now is the administrator's, also in a world created by an earlier start.
  for (const user of world.users.values()) {
    if (user.name.toLowerCase() === adminUser.toLowerCase()) await world.setPassword(user, adminPassword);
  }

  const { app, state } = createKscServer({
    world,
    clock,
    classes: KSC_CLASSES,
    sessionIdleTimeoutMs: (options.sessionIdleSeconds ?? 1800) * 1000,
    lockout: { attempts: options.lockoutAttempts ?? 10, durationMs: (options.lockoutSeconds ?? 3600) * 1000 },
    syncIntervalMs: (options.agentSyncSeconds ?? 60) * 1000,
    maxBodyBytes,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });

  world.taskTimeScale = options.taskTimeScale ?? 1;
  const live = createLiveEvents(world, options.seed ?? 1);
  const addEvents = (count: number, hostId?: string, riseTime?: number): Promise<number> =>
    live.add(count, riseTime ?? clock.now(), hostId);
  const certificates =
    options.http === true
      ? undefined
      : await EmulatorCertificates.open(dataDir, { host, commonName: 'kconnect KSC emulator' });
  // The control API is mounted before the server listens; rotating needs the listening server.
  const listening: { server?: ListeningServer } = {};
  const rotateCertificate = async (keep?: Socket): Promise<void> => {
    if (listening.server === undefined)
      throw new KconnectError('CONFLICT', 'the emulator is not listening yet');
    await listening.server.rotateCertificate(keep);
  };
  const directory =
    options.directory === undefined
      ? undefined
      : new DirectoryPublisher(world, clock, options.seed ?? 1, options.directory, options.logger);
  if (options.controlToken !== undefined) {
    const control = createKscControlApi({
      world,
      clock,
      state,
      token: options.controlToken,
      addEvents,
      rotateCertificate,
      clockChanged: persistClock,
      ...(directory === undefined ? {} : { directory }),
    });
    app.route(CONTROL_PREFIX, control);
  }

  const server = await listen({
    fetch: app.fetch,
    host,
    port,
    certificates,
    // KSC keeps a client's connection for the whole session (spec §1.1); Node's 5 s default would cut logins short.
    keepAliveTimeoutMs: 120_000,
  });
  listening.server = server;
  directory?.start();

  let liveTimer: NodeJS.Timeout | undefined;
  const rate = options.liveRate ?? 0;
  if (rate > 0) {
    let carry = 0;
    liveTimer = setInterval(() => {
      carry += rate;
      const count = Math.floor(carry);
      carry -= count;
      if (count > 0) void addEvents(count).catch(() => undefined);
    }, 1000);
    liveTimer.unref();
  }

  // Agents keep working between calls: scheduled work falls due on the clock even when nobody asks.
  // A failure here also fails the next API call, which reports it; the timer only must not crash the process.
  const agentTimer = setInterval(() => void state.agents.runDue().catch(() => undefined), 1000);
  agentTimer.unref();

  let closed = false;
  return {
    url: server.url,
    port: server.port,
    world,
    clock,
    state,
    directory,
    get certificatePem() {
      return certificates?.current.cert;
    },
    get reserveCertificatePem() {
      return certificates?.reserve.cert;
    },
    rotateCertificate,
    async close() {
      if (closed) return;
      closed = true;
      if (liveTimer !== undefined) clearInterval(liveTimer);
      clearInterval(agentTimer);
      await directory?.close();
      await state.agents.stop();
      state.sessions.endAll();
      await persistClock();
      await server.close();
      await world.close();
    },
  };
}

/** A random password for demos that print their own login. */
export function randomPassword(): string {
  return `Ksc-${randomBytes(9).toString('base64url')}`;
}
