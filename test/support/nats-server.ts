/**
 * A real, throwaway NATS server with JetStream for the tests (Debian's `nats-server`, v2.9).
 *
 * `startNatsServer()` starts `nats-server -js` on 127.0.0.1 at a free port with its store in a fresh temporary
 * directory and waits until the monitoring endpoint says it is healthy (JetStream included). `stop()` ends it by
 * PID and removes the directory; `kill()` ends it with SIGKILL and keeps the store, so `restart()` brings the same
 * server back on the same port with the same streams (a receiver outage in a test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const NATS_SERVER = '/usr/sbin/nats-server';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface NatsServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The current process's PID (changes with `restart`). */
  readonly pid: number;
  /** JetStream's store directory. */
  readonly storeDir: string;
  /** SIGKILL, keeping the store: the server is down until `restart()`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and store; resolves when it is healthy. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s), then removes the store. Idempotent. */
  stop(): Promise<void>;
}

export interface StartNatsOptions {
  /** Extra command-line arguments (`--user`, `--pass`, `--auth` …). */
  readonly args?: readonly string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, signal);
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
}

/** Healthy means the monitoring endpoint answers 200 for `/healthz?js-enabled-only=true`… and JetStream is up. */
async function waitHealthy(child: ChildProcess, monitorPort: number, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`nats-server exited before it was ready:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${monitorPort}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`nats-server not ready after ${READY_TIMEOUT_MS} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a JetStream server on loopback; the caller stops it in teardown (`afterAll(() => server.stop())`). */
export async function startNatsServer(options: StartNatsOptions = {}): Promise<NatsServer> {
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-nats-'));
  const port = await freePort();
  const monitorPort = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async () => {
    output = '';
    const started = spawn(
      NATS_SERVER,
      [
        '-js',
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '-m',
        String(monitorPort),
        '-sd',
        storeDir,
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    child = started;
    try {
      await waitHealthy(started, monitorPort, () => output);
    } catch (error) {
      await stopChild(started, 'SIGKILL');
      throw error;
    }
  };

  try {
    await launch();
  } catch (error) {
    rmSync(storeDir, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? -1;
    },
    storeDir,
    async kill() {
      if (child !== undefined) await stopChild(child, 'SIGKILL');
    },
    async restart() {
      if (child !== undefined) await stopChild(child, 'SIGKILL');
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child !== undefined) await stopChild(child, 'SIGTERM');
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
