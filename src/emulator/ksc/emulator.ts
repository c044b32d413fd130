import { mkdirSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { KconnectError } from '../../errors.ts';
import type { RoleAssignment } from './auth/rights.ts';
import { KSC_CLASSES } from './classes/index.ts';
import { EmulatorClock } from './clock.ts';
import { mountControlApi } from './control.ts';
import { createKscServer, type KscServerState } from './server.ts';
import { EmulatorCertificates } from './tls.ts';
import { createLiveEvents } from './world/index.ts';
import { KscWorld, type SeedUser } from './world.ts';

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
}

export interface RunningKscEmulator {
  readonly url: string;
  readonly port: number;
  readonly world: KscWorld;
  readonly clock: EmulatorClock;
  readonly state: KscServerState;
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
  const dataDir = resolve(options.dataDir ?? '.kconnect/ksc-emulator');
  const adminUser = options.adminUser ?? 'admin';
  const adminPassword = options.adminPassword;
  if (adminPassword === undefined || adminPassword.length < 8) {
    throw new KconnectError('INVALID_INPUT', 'adminPassword: required, at least 8 characters');
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new KconnectError('INVALID_INPUT', 'port: 0–65535');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

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
  });

  world.taskTimeScale = options.taskTimeScale ?? 1;
  const live = createLiveEvents(world, options.seed ?? 1);
  const addEvents = (count: number, hostId?: string): Promise<number> => live.add(count, clock.now(), hostId);
  const certificates = options.http === true ? undefined : await EmulatorCertificates.open(dataDir, host);
  const connections = new Set<Socket>();
  const rotateCertificate = async (keep?: Socket): Promise<void> => {
    if (certificates === undefined) throw new KconnectError('CONFLICT', 'the emulator serves plain HTTP');
    const pair = await certificates.rotate();
    (server as HttpsServer).setSecureContext({ key: pair.key, cert: pair.cert });
    // KSC restarts its service to change certificates: every client reconnects and meets the new one.
    for (const socket of connections) if (socket !== keep) socket.destroy();
  };
  if (options.controlToken !== undefined) {
    mountControlApi(app as never, {
      world,
      clock,
      state,
      token: options.controlToken,
      addEvents,
      rotateCertificate,
    });
  }

  let server: ServerType;
  const fetch = app.fetch;
  if (certificates === undefined) {
    server = serve({ fetch, port, hostname: host });
  } else {
    server = serve({
      fetch,
      port,
      hostname: host,
      createServer: createHttpsServer,
      serverOptions: { key: certificates.current.key, cert: certificates.current.cert },
    });
    server.on('secureConnection', (socket: Socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
    });
  }
  // KSC keeps a client's connection for the whole session (spec §1.1); Node's 5 s default would cut logins short.
  (server as { keepAliveTimeout?: number }).keepAliveTimeout = 120_000;
  await new Promise<void>((resolveListen, reject) => {
    if (server.listening) resolveListen();
    server.once('listening', () => resolveListen());
    server.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `${options.http === true ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

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
    url,
    port: actualPort,
    world,
    clock,
    state,
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
      await state.agents.stop();
      state.sessions.endAll();
      await new Promise<void>((done) => {
        server.close(() => done());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await world.close();
    },
  };
}

/** A random password for demos that print their own login. */
export function randomPassword(): string {
  return `Ksc-${randomBytes(9).toString('base64url')}`;
}
