/**
 * A TCP fault proxy for tests (Toxiproxy's faults, which is not available here): it listens on a free loopback
 * port and forwards bytes to an upstream host:port, so it serves HTTP and HTTPS alike (TLS passes through
 * untouched). Faults can be changed while it runs (`set`, `clear`); each applies to a connection with its
 * `toxicity` (probability, default 1), decided once per connection and fault setting, as Toxiproxy does.
 *
 * Directions: `upstream` is client → server (the request), `downstream` server → client (the answer).
 */
import net from 'node:net';

export type Direction = 'upstream' | 'downstream' | 'both';

interface Toxic {
  /** Probability that the fault applies to a connection, 0..1. Default 1. */
  readonly toxicity?: number;
}

export interface FaultSettings {
  /** Delay each chunk by `ms` ± `jitterMs` (uniform). Default direction: both. */
  readonly latency?: Toxic & {
    readonly ms: number;
    readonly jitterMs?: number;
    readonly direction?: Direction;
  };
  /** At most `bytesPerSecond`. Default direction: downstream. */
  readonly bandwidth?: Toxic & { readonly bytesPerSecond: number; readonly direction?: Direction };
  /**
   * Reset both sides with an RST when the first chunk of the direction arrives (after `afterMs`), instead of
   * forwarding it. Downstream (default): the request has reached the server, its answer is lost.
   */
  readonly resetPeer?: Toxic & { readonly afterMs?: number; readonly direction?: Direction };
  /** Stop forwarding and hold the connection; with `ms` > 0 close it after that long. Default direction: both. */
  readonly timeout?: Toxic & { readonly ms: number; readonly direction?: Direction };
  /** Delay the close of the connection by `delayMs`. */
  readonly slowClose?: Toxic & { readonly delayMs: number };
  /** Split chunks into pieces of `averageSize` ± `sizeVariation` bytes, `delayMs` apart. Default: downstream. */
  readonly slicer?: Toxic & {
    readonly averageSize: number;
    readonly sizeVariation?: number;
    readonly delayMs?: number;
    readonly direction?: Direction;
  };
  /** Close the connection once `bytes` have passed in the direction (downstream by default). */
  readonly limitData?: Toxic & { readonly bytes: number; readonly direction?: Direction };
  /** Refuse new connections (reset at once) and cut the open ones. */
  readonly down?: boolean;
}

export type FaultName = Exclude<keyof FaultSettings, 'down'>;
const FAULT_NAMES: readonly FaultName[] = [
  'latency',
  'bandwidth',
  'resetPeer',
  'timeout',
  'slowClose',
  'slicer',
  'limitData',
];

export interface FaultProxyCounters {
  /** Connections accepted and forwarded (refused ones excluded). */
  connections: number;
  /** Connections refused while `down`. */
  refused: number;
  bytesUpstream: number;
  bytesDownstream: number;
  /** Times each fault acted on a connection (once per connection and fault). */
  faults: Record<FaultName | 'down', number>;
}

export interface FaultProxyOptions {
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  /**
   * When toxicity is decided: per `connection` (Toxiproxy's way, the default), or per `exchange` — again at each
   * request on a keep-alive connection (the first client bytes after server bytes), so a pooled client meets the
   * fault at the given rate per request rather than only on the connections it happens to open.
   */
  readonly rollPer?: 'connection' | 'exchange';
  /** Seeded randomness for repeatable runs; default `Math.random`. */
  readonly random?: () => number;
}

export interface FaultProxy {
  /** `127.0.0.1` and the port the proxy listens on. */
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` (use `https:` for a TLS upstream). */
  url(scheme?: 'http' | 'https'): string;
  /** Replaces the faults (open connections follow the new ones from their next chunk). */
  set(faults: FaultSettings): void;
  /** Removes every fault. */
  clear(): void;
  readonly counters: FaultProxyCounters;
  /** Connections open now. */
  openConnections(): number;
  /** Stops listening and cuts every connection. */
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));

function applies(
  direction: Direction | undefined,
  fallback: Direction,
  flow: 'upstream' | 'downstream',
): boolean {
  const wanted = direction ?? fallback;
  return wanted === 'both' || wanted === flow;
}

/** Starts a proxy on a free loopback port in front of `upstreamHost:upstreamPort`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = options.random ?? Math.random;
  let faults: FaultSettings = {};
  const counters: FaultProxyCounters = {
    connections: 0,
    refused: 0,
    bytesUpstream: 0,
    bytesDownstream: 0,
    faults: {
      latency: 0,
      bandwidth: 0,
      resetPeer: 0,
      timeout: 0,
      slowClose: 0,
      slicer: 0,
      limitData: 0,
      down: 0,
    },
  };
  const links = new Set<Link>();

  class Link {
    private readonly rolls = new Map<FaultName, { setting: unknown; active: boolean }>();
    private readonly counted = new Set<FaultName>();
    private readonly sent = { upstream: 0, downstream: 0 };
    private held = false;
    private lastFlow: 'upstream' | 'downstream' | undefined;
    private ended = false;

    constructor(
      readonly client: net.Socket,
      readonly server: net.Socket,
    ) {}

    /** The fault's setting if it applies to this connection (rolled once per connection and setting). */
    active<N extends FaultName>(name: N): FaultSettings[N] | undefined {
      const setting = faults[name];
      if (setting === undefined) return undefined;
      let roll = this.rolls.get(name);
      if (roll === undefined || roll.setting !== setting) {
        roll = { setting, active: random() < (setting.toxicity ?? 1) };
        this.rolls.set(name, roll);
      }
      return roll.active ? setting : undefined;
    }

    count(name: FaultName): void {
      if (this.counted.has(name)) return;
      this.counted.add(name);
      counters.faults[name]++;
    }

    reset(): void {
      this.ended = true;
      if (!this.client.destroyed) this.client.resetAndDestroy();
      if (!this.server.destroyed) this.server.resetAndDestroy();
    }

    isHeld(): boolean {
      return this.held;
    }

    cut(): void {
      this.ended = true;
      this.client.destroy();
      this.server.destroy();
    }

    /** Forwards one chunk in `flow` through the active faults. Resolves when it is written (or dropped). */
    async forward(chunk: Buffer, flow: 'upstream' | 'downstream'): Promise<void> {
      const target = flow === 'upstream' ? this.server : this.client;
      if (this.held || this.ended) return;
      if (options.rollPer === 'exchange' && flow === 'upstream' && this.lastFlow === 'downstream') {
        this.rolls.clear();
        this.counted.clear();
        this.sent.upstream = 0;
        this.sent.downstream = 0;
      }
      this.lastFlow = flow;
      const timeout = this.active('timeout');
      if (timeout !== undefined && applies(timeout.direction, 'both', flow)) {
        this.count('timeout');
        this.held = true;
        if (timeout.ms > 0) setTimeout(() => this.cut(), timeout.ms).unref();
        return;
      }
      const reset = this.active('resetPeer');
      if (reset !== undefined && applies(reset.direction, 'downstream', flow)) {
        this.count('resetPeer');
        await sleep(reset.afterMs ?? 0);
        this.reset();
        return;
      }
      let data = chunk;
      let closeAfter = false;
      const limit = this.active('limitData');
      if (limit !== undefined && applies(limit.direction, 'downstream', flow)) {
        const room = limit.bytes - this.sent[flow];
        if (data.length >= room) {
          this.count('limitData');
          data = data.subarray(0, Math.max(0, room));
          closeAfter = true;
        }
      }
      const latency = this.active('latency');
      if (latency !== undefined && applies(latency.direction, 'both', flow)) {
        this.count('latency');
        const jitter = latency.jitterMs ?? 0;
        await sleep(latency.ms + (random() * 2 - 1) * jitter);
      }
      const slicer = this.active('slicer');
      const pieces: Buffer[] = [];
      if (slicer !== undefined && applies(slicer.direction, 'downstream', flow) && data.length > 0) {
        this.count('slicer');
        for (let at = 0; at < data.length;) {
          const variation = slicer.sizeVariation ?? 0;
          const size = Math.max(1, Math.round(slicer.averageSize + (random() * 2 - 1) * variation));
          pieces.push(data.subarray(at, at + size));
          at += size;
        }
      } else {
        pieces.push(data);
      }
      const bandwidth = this.active('bandwidth');
      for (const [i, piece] of pieces.entries()) {
        if (i > 0) await sleep(slicer?.delayMs ?? 0);
        if (bandwidth !== undefined && applies(bandwidth.direction, 'downstream', flow)) {
          this.count('bandwidth');
          await sleep((piece.length / bandwidth.bytesPerSecond) * 1000);
        }
        if (this.ended || this.held || target.destroyed) return;
        this.sent[flow] += piece.length;
        if (flow === 'upstream') counters.bytesUpstream += piece.length;
        else counters.bytesDownstream += piece.length;
        if (!target.write(piece)) await new Promise<void>((resolve) => target.once('drain', resolve));
      }
      if (closeAfter) this.cut();
    }

    /** The source of `flow` ended: end the other side, late when a slow close applies. */
    async finish(flow: 'upstream' | 'downstream'): Promise<void> {
      if (this.held || this.ended) return;
      const slow = this.active('slowClose');
      if (slow !== undefined) {
        this.count('slowClose');
        await sleep(slow.delayMs);
      }
      const target = flow === 'upstream' ? this.server : this.client;
      if (!target.destroyed) target.end();
    }
  }

  function pipe(link: Link, from: net.Socket, flow: 'upstream' | 'downstream'): void {
    // One chunk at a time per direction, so delays keep the order of the bytes.
    let queue = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      from.pause();
      queue = queue
        .then(() => link.forward(chunk, flow))
        .then(() => {
          if (!from.destroyed) from.resume();
        });
    });
    from.on('end', () => {
      queue = queue.then(() => link.finish(flow));
    });
  }

  // Half-open sockets: the proxy, not Node, decides when each side's close passes on (slow close, held links).
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (faults.down === true) {
      counters.refused++;
      counters.faults.down++;
      client.resetAndDestroy();
      return;
    }
    counters.connections++;
    const upstream = net.connect({
      host: options.upstreamHost,
      port: options.upstreamPort,
      allowHalfOpen: true,
    });
    const link = new Link(client, upstream);
    links.add(link);
    const gone = (): void => {
      // Ends flow through `finish` (after the chunks in the queue); here only a held connection is let go.
      if (link.isHeld()) link.cut();
      if (link.client.destroyed && link.server.destroyed) links.delete(link);
    };
    client.on('error', () => link.cut());
    upstream.on('error', () => link.reset());
    client.on('close', gone);
    upstream.on('close', gone);
    pipe(link, client, 'upstream');
    pipe(link, upstream, 'downstream');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    url: (scheme = 'http') => `${scheme}://127.0.0.1:${port}`,
    set(next) {
      faults = { ...next };
      if (faults.down === true) for (const link of links) link.reset();
    },
    clear() {
      faults = {};
    },
    counters,
    openConnections: () => links.size,
    async close() {
      for (const link of links) link.cut();
      links.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { FAULT_NAMES };
