/**
 * A real rsyslog (Debian's /usr/sbin/rsyslogd) as the syslog receiver of a test: `startRsyslog()` writes a config
 * with imudp and imtcp (octet-counted framing is on by default) on free loopback ports, runs `rsyslogd -n` in the
 * foreground, waits until both inputs deliver, and writes every message as one JSON line with rsyslog's own parse
 * of it (RFC 5424 header fields, structured data, MSG) and the raw message. `stop()` ends it by PID (SIGTERM,
 * SIGKILL after 10 s); `start()` runs it again on the same ports and file (a receiver going down and coming back).
 *
 * With `tls` (a CA and a server certificate the test made, see issueTestPki in test/support/tls-syslog.ts) it also
 * listens for RFC 5425 syslog over TLS on a third port, through the gtls driver of Debian's `rsyslog-gnutls` package
 * (CI installs it; {@link RSYSLOG_GTLS} says whether this machine has it). Clients are not asked for a certificate
 * (`anon`): the tests check the sink's side — that it trusts only its CA.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { waitFor } from './wait-for.ts';

export const RSYSLOGD = '/usr/sbin/rsyslogd';
/** rsyslog's GnuTLS network stream driver, from the `rsyslog-gnutls` package. */
export const RSYSLOG_GTLS = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so';

/** The files of rsyslog's TLS input, PEM. */
export interface RsyslogTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** One message as rsyslog received and parsed it. */
export interface ReceivedMessage {
  readonly raw: string;
  readonly msg: string;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  readonly structuredData: string;
  readonly facility: string;
  readonly severity: string;
  readonly protocolVersion: string;
  readonly inputName: string;
}

export interface Rsyslog {
  readonly udpPort: number;
  readonly tcpPort: number;
  /** The TLS input's port, when started with `tls`. */
  readonly tlsPort: number | undefined;
  readonly dir: string;
  /** The PID of the running rsyslogd, undefined while stopped. */
  readonly pid: number | undefined;
  /** Every message received so far (across restarts), readiness probes left out. */
  messages(): ReceivedMessage[];
  /** Runs rsyslogd again after stop(), same ports and output. */
  start(): Promise<void>;
  /** SIGTERM by PID, SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
  /** stop() and remove the directory. */
  dispose(): Promise<void>;
}

const PROBE_APP = 'rsyslog-probe';

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

const PROPERTIES: ReadonlyArray<readonly [keyof ReceivedMessage, string]> = [
  ['raw', 'rawmsg'],
  ['msg', 'msg'],
  ['hostname', 'hostname'],
  ['appName', 'app-name'],
  ['procId', 'procid'],
  ['msgId', 'msgid'],
  ['structuredData', 'structured-data'],
  ['facility', 'syslogfacility-text'],
  ['severity', 'syslogseverity-text'],
  ['protocolVersion', 'protocol-version'],
  ['inputName', 'inputname'],
];

function configOf(
  dir: string,
  ports: { udp: number; tcp: number; tls: number | undefined },
  output: string,
  tls: RsyslogTls | undefined,
): string {
  const properties = PROPERTIES.map(
    ([outname, name]) => `  property(outname="${outname}" name="${name}" format="jsonf")`,
  ).join('\n');
  // The driver is chosen per input, so the plain TCP input stays plain next to the TLS one.
  const tlsInput =
    tls === undefined || ports.tls === undefined
      ? ''
      : `input(type="imtcp" address="127.0.0.1" port="${ports.tls}" streamDriver.name="gtls" streamDriver.mode="1"
  streamDriver.authMode="anon" streamDriver.CAFile="${tls.caFile}" streamDriver.CertFile="${tls.certFile}"
  streamDriver.KeyFile="${tls.keyFile}")
`;
  return `global(workDirectory="${dir}" maxMessageSize="1m" parser.escapeControlCharactersOnReceive="off")
module(load="imudp")
module(load="imtcp")
template(name="kconnectJson" type="list" option.jsonf="on") {
${properties}
}
input(type="imudp" address="127.0.0.1" port="${ports.udp}")
input(type="imtcp" address="127.0.0.1" port="${ports.tcp}")
${tlsInput}*.* action(type="omfile" file="${output}" template="kconnectJson")
`;
}

/**
 * A detached shell that stops rsyslogd (SIGTERM, then SIGKILL) if this process dies without doing it (SIGKILL of
 * the test runner, a crash), so no receiver outlives its test. stop() kills it first.
 */
function spawnWatchdog(rsyslogPid: number): ChildProcess {
  const script = `
while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
kill -0 "$1" 2>/dev/null && exit 0
kill -TERM "$2" 2>/dev/null; sleep 2; kill -KILL "$2" 2>/dev/null
`;
  const child = spawn(
    '/bin/sh',
    ['-c', script, 'kconnect-rsyslog-watchdog', String(process.pid), String(rsyslogPid)],
    { detached: true, stdio: 'ignore' },
  );
  child.once('error', () => undefined);
  child.unref();
  return child;
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function sendTlsProbe(port: number, caFile: string, body: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = tls.connect(
      { port, host: '127.0.0.1', ca: readFileSync(caFile), servername: 'localhost' },
      () => socket.end(Buffer.concat([Buffer.from(`${body.length} `), body]), () => resolve()),
    );
    socket.once('error', reject);
  });
}

async function sendProbe(udpPort: number, tcpPort: number, id: string): Promise<void> {
  const message = (transport: string) =>
    Buffer.from(`<14>1 2026-01-01T00:00:00.000Z probe ${PROBE_APP} - ${transport}-${id} - probe`);
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => udp.send(message('udp'), udpPort, '127.0.0.1', () => resolve()));
  udp.close();
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(tcpPort, '127.0.0.1', () => {
      const body = message('tcp');
      socket.end(Buffer.concat([Buffer.from(`${body.length} `), body]), () => resolve());
    });
    socket.once('error', reject);
  });
}

export async function startRsyslog(options: { readonly tls?: RsyslogTls } = {}): Promise<Rsyslog> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-rsyslog-'));
  const [udpPort, tcpPort] = [await freeUdpPort(), await freeTcpPort()];
  const tlsPort = options.tls === undefined ? undefined : await freeTcpPort();
  const output = path.join(dir, 'messages.jsonl');
  const conf = path.join(dir, 'rsyslog.conf');
  writeFileSync(conf, configOf(dir, { udp: udpPort, tcp: tcpPort, tls: tlsPort }, output, options.tls));
  let child: ChildProcess | undefined;
  let watchdog: ChildProcess | undefined;
  let log = '';
  let probes = 0;

  const read = (): ReceivedMessage[] =>
    existsSync(output)
      ? readFileSync(output, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as ReceivedMessage)
      : [];

  const start = async (): Promise<void> => {
    const started = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    if (started.pid !== undefined) watchdog = spawnWatchdog(started.pid);
    started.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    probes += 1;
    const id = String(probes);
    await waitFor(
      async () => {
        if (!isAlive(started)) throw new Error(`rsyslogd exited (${started.exitCode}): ${log}`);
        try {
          await sendProbe(udpPort, tcpPort, id);
          if (tlsPort !== undefined && options.tls !== undefined)
            await sendTlsProbe(
              tlsPort,
              options.tls.caFile,
              Buffer.from(`<14>1 2026-01-01T00:00:00.000Z probe ${PROBE_APP} - tls-${id} - probe`),
            );
        } catch {
          return false;
        }
        const seen = read().filter((m) => m.appName === PROBE_APP && m.msgId.endsWith(`-${id}`));
        return (
          seen.some((m) => m.msgId.startsWith('udp')) &&
          seen.some((m) => m.msgId.startsWith('tcp')) &&
          (tlsPort === undefined || seen.some((m) => m.msgId.startsWith('tls')))
        );
      },
      {
        timeoutMs: 20_000,
        intervalMs: 200,
        what: () => `rsyslogd ready on ${udpPort}/${tcpPort}/${tlsPort ?? '-'}: ${log}`,
      },
    );
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (watchdog?.pid !== undefined) {
      // Its process group: the shell and its sleep.
      try {
        process.kill(-watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    watchdog = undefined;
    if (running === undefined || !isAlive(running) || running.pid === undefined) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    process.kill(running.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (isAlive(running) && running.pid !== undefined) process.kill(running.pid, 'SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    udpPort,
    tcpPort,
    tlsPort,
    dir,
    get pid() {
      return child?.pid;
    },
    messages: () => read().filter((m) => m.appName !== PROBE_APP),
    start,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
