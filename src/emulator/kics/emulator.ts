import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { KconnectError } from '../../errors.ts';
import { checkMaxBodyBytes, DEFAULT_MAX_BODY_BYTES } from '../core/body-limit.ts';
import { EmulatorClock } from '../core/clock.ts';
import { CONTROL_PREFIX } from '../core/control.ts';
import type { EmulatorLogger } from '../core/request-log.ts';
import { checkPort, listen, prepareDataDir, type ListeningServer } from '../core/server.ts';
import { createKicsServer } from './api/server.ts';
import { requireBearer } from './auth/bearer.ts';
import { KicsAuth } from './auth/kics-auth.ts';
import type { WrittenPackage } from './auth/package.ts';
import { createTokenRoutes } from './auth/routes.ts';
import { authTables, type AuthTables } from './auth/tables.ts';
import { createKicsControlApi } from './control.ts';
import { KicsLiveWorld } from './live.ts';
import { KicsStore } from './store/kics-store.ts';

/** Options of the KICS for Networks emulator; the flags of `kconnect emulator kics` map one to one. */
export interface KicsEmulatorOptions {
  /** Plain HTTP instead of HTTPS (loopback tests): no mutual TLS, tokens come from the control API. */
  readonly http?: boolean;
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 8443: the real default is unknown (the one deployment on record uses 8080, which is `kconnect serve`'s). */
  readonly port?: number;
  /** Database, PKI and connector packages. Default `.kconnect/kics-emulator`. */
  readonly dataDir?: string;
  /** A PostgreSQL URL to use instead of SQLite. */
  readonly db?: string;
  /** Seed of the generated world; the KSC emulator with the same seed manages the same Windows machines. */
  readonly seed?: number;
  /** Devices in a new world. Default 300. */
  readonly devices?: number;
  /** Past events in a new world. Default 10,000. */
  readonly events?: number;
  /** Hosts of the KSC emulator's world this site shares machines with. Default 200 (its default). */
  readonly kscHosts?: number;
  /** New events per second in live mode; 0 = off. */
  readonly liveRate?: number;
  /** Enables the control API under `/__emulator/` with this bearer token. */
  readonly controlToken?: string;
  /** Lifetime of access tokens, seconds. Default 36,000 (10 hours, like KICS). */
  readonly tokenLifetimeSeconds?: number;
  /** Password of the first connector's `certificates.pfx`; random (and returned) when absent. */
  readonly connectorPassword?: string;
  /** Largest request body accepted, bytes. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  readonly logger?: EmulatorLogger;
}

export interface RunningKicsEmulator {
  readonly url: string;
  readonly port: number;
  /** Base URL of the API: `<url>/kics/api/v3`. */
  readonly apiUrl: string;
  readonly store: KicsStore;
  readonly auth: KicsAuth;
  readonly clock: EmulatorClock;
  /** The first connector's package when this start created it (its password is shown once, here). */
  readonly firstPackage: WrittenPackage | undefined;
  /** Where the first connector's package lives. */
  readonly packageDir: string;
  /** The CA certificate (PEM) that issued the server's and the connectors' certificates. */
  readonly caCertificatePem: string;
  /** Adds events as live mode does; returns their ids. */
  addEvents(count: number): Promise<number[]>;
  rotateCertificate(): Promise<void>;
  close(): Promise<void>;
}

const CLOCK_OFFSET_KEY = 'clockOffsetMs';

/**
 * Starts the KICS for Networks emulator: opens (or creates and seeds) its world, its PKI and its first connector's
 * communication data package, and serves Public API v3 over HTTPS with mutual TLS for the token endpoint (or plain
 * HTTP), the control API and live events when asked.
 *
 * @example
 * const kics = await startKicsEmulator({ port: 0, dataDir: tmp, connectorPassword: 'test-only-password' });
 * console.log(kics.apiUrl, kics.packageDir); // https://127.0.0.1:41877/kics/api/v3 …/connectors/kconnect
 * await kics.close();
 */
export async function startKicsEmulator(options: KicsEmulatorOptions = {}): Promise<RunningKicsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8443;
  checkPort(port);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  checkMaxBodyBytes(maxBodyBytes);
  if (options.connectorPassword !== undefined && options.connectorPassword.length < 8)
    throw new KconnectError('INVALID_INPUT', 'connectorPassword: at least 8 characters');
  const dataDir = prepareDataDir(options.dataDir ?? '.kconnect/kics-emulator');
  const world = {
    seed: options.seed ?? 1,
    devices: options.devices ?? 300,
    events: options.events ?? 10_000,
    kscHosts: options.kscHosts ?? 200,
  };

  const clock = new EmulatorClock();
  const store = await KicsStore.open({
    db: options.db !== undefined ? { url: options.db } : { file: join(dataDir, 'kics.sqlite') },
    clock,
    world,
    parts: [authTables],
  });
  try {
    const saved = await store.meta(CLOCK_OFFSET_KEY);
    if (saved !== undefined) clock.restoreOffset(Number(saved));
    const persistClock = (): Promise<void> => store.setMeta(CLOCK_OFFSET_KEY, String(clock.offsetMs));
    // A reset empties the world's tables, the clock's row with them; the clock itself keeps its time.
    store.onReset(() => void persistClock().catch(() => undefined));

    const auth = await KicsAuth.open({
      db: store.db as unknown as Kysely<AuthTables>,
      clock,
      dataDir,
      host,
      ...(options.tokenLifetimeSeconds === undefined
        ? {}
        : { accessTokenLifetimeSeconds: options.tokenLifetimeSeconds }),
      audit: (entry) => store.audit(entry),
    });
    const { app, faults } = createKicsServer({
      store,
      clock,
      guard: (access) => requireBearer(auth.tokens, access),
      tokenRoutes: createTokenRoutes(auth.tokens),
      maxBodyBytes,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    const live = new KicsLiveWorld(store, world);
    const listening: { server?: ListeningServer } = {};
    const rotateCertificate = async (keep?: Socket): Promise<void> => {
      if (listening.server === undefined)
        throw new KconnectError('CONFLICT', 'the emulator is not listening yet');
      await listening.server.rotateCertificate(keep);
    };
    if (options.controlToken !== undefined) {
      app.route(
        CONTROL_PREFIX,
        createKicsControlApi({
          store,
          auth,
          clock,
          faults,
          token: options.controlToken,
          clockChanged: persistClock,
          addEvents: (count) => live.addEvents(count, clock.now()),
          addDevices: (count) => live.addUnauthorizedDevices(count, clock.now()),
          rotateCertificate,
        }) as never,
      );
    }
    const server = await listen({
      fetch: app.fetch,
      host,
      port,
      certificates: options.http === true ? undefined : auth.pki.serverCertificates,
      clientCertificates: options.http === true ? undefined : { ca: auth.pki.caCertificate },
      keepAliveTimeoutMs: 60_000,
    });
    listening.server = server;
    const firstPackage = await auth.ensureFirstConnector({
      serverUrl: server.url,
      password: options.connectorPassword,
    });

    let liveTimer: NodeJS.Timeout | undefined;
    const rate = options.liveRate ?? 0;
    if (rate > 0) {
      let carry = 0;
      liveTimer = setInterval(() => {
        carry += rate;
        const count = Math.floor(carry);
        carry -= count;
        // A failure surfaces in the next API call; the timer only must not crash the process.
        void live.tick(count, clock.now()).catch(() => undefined);
      }, 1000);
      liveTimer.unref();
    }

    let closed = false;
    return {
      url: server.url,
      port: server.port,
      apiUrl: `${server.url}/kics/api/v3`,
      store,
      auth,
      clock,
      firstPackage,
      packageDir: auth.packageDir('kconnect'),
      caCertificatePem: auth.pki.caCertificate,
      addEvents: (count) => live.addEvents(count, clock.now()),
      rotateCertificate: () => rotateCertificate(),
      async close() {
        if (closed) return;
        closed = true;
        if (liveTimer !== undefined) clearInterval(liveTimer);
        await persistClock();
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
