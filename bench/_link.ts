/**
 * The network a benchmark's client reaches the emulator over, chosen with KCONNECT_BENCH_LINK:
 * - `loopback` (default): straight to the emulator;
 * - `wan`: through a TCP proxy shaped as a 100 Mbit/s link with 20 ms round trips (10 ms each way), the distance
 *   between a SOC and a KSC server in another site (issue 22, "Over a real network").
 * KCONNECT_BENCH_COMPRESSION (`auto`, `gzip`, `none`; default `auto`) is the KSC client's `compression`.
 *
 * Why not the fault proxy's `latency` and `bandwidth`: those are faults — each chunk waits its full delay
 * before the next may leave, so a 20 MB answer in 64 KB chunks would wait 10 ms three hundred times. A link
 * delays every byte by the same propagation time while the next bytes are already on the wire: here each
 * chunk is serialised at the link's rate behind the ones before it, then delivered one propagation delay later,
 * in order.
 */
import net from 'node:net';
import type { KscCompression } from '../src/ksc/index.ts';

export type LinkName = 'loopback' | 'wan';

export interface LinkShape {
  readonly bytesPerSecond: number;
  readonly oneWayDelayMs: number;
}

export const WAN: LinkShape = { bytesPerSecond: 100_000_000 / 8, oneWayDelayMs: 10 };

export interface BenchLink {
  readonly name: LinkName;
  /** The URL the client uses (the proxy's, or the emulator's own on loopback). */
  readonly url: string;
  readonly compression: KscCompression;
  /** e.g. `100 Mbit/s, 20 ms RTT` or `loopback`. */
  readonly description: string;
  /** Bytes that crossed the link towards the client (0 on loopback: not counted). */
  bytesDownstream(): number;
  close(): Promise<void>;
}

export function linkFromEnv(): { name: LinkName; compression: KscCompression } {
  const name = process.env['KCONNECT_BENCH_LINK'] ?? 'loopback';
  if (name !== 'loopback' && name !== 'wan')
    throw new Error(`KCONNECT_BENCH_LINK: loopback or wan, not ${name}`);
  const compression = process.env['KCONNECT_BENCH_COMPRESSION'] ?? 'auto';
  if (compression !== 'auto' && compression !== 'gzip' && compression !== 'none')
    throw new Error(`KCONNECT_BENCH_COMPRESSION: auto, gzip or none, not ${compression}`);
  return { name, compression };
}

/**
 * The link of the environment in front of `url`. `auto` compression is resolved as the client would for a
 * server on another machine when the link is `wan` (the proxy listens on loopback, which the client would
 * otherwise take for this machine).
 */
export async function openLink(url: string): Promise<BenchLink> {
  const { name, compression } = linkFromEnv();
  if (name === 'loopback') {
    return {
      name,
      url,
      compression,
      description: 'loopback',
      bytesDownstream: () => 0,
      close: () => Promise.resolve(),
    };
  }
  const target = new URL(url);
  const proxy = await startShapedLink(target.hostname, Number(target.port), WAN);
  const proxied = new URL(url);
  proxied.port = String(proxy.port);
  return {
    name,
    url: proxied.origin,
    compression: compression === 'auto' ? 'gzip' : compression,
    description: `${(WAN.bytesPerSecond * 8) / 1e6} Mbit/s, ${WAN.oneWayDelayMs * 2} ms RTT`,
    bytesDownstream: () => proxy.bytesDownstream,
    close: () => proxy.close(),
  };
}

interface ShapedLink {
  readonly port: number;
  readonly bytesDownstream: number;
  close(): Promise<void>;
}

/** A TCP proxy on a free loopback port whose two directions each behave as `shape`. */
export async function startShapedLink(host: string, port: number, shape: LinkShape): Promise<ShapedLink> {
  const sockets = new Set<net.Socket>();
  let bytesDownstream = 0;

  function direction(from: net.Socket, to: net.Socket, count: (n: number) => void): void {
    // When the link's sender is free again: chunks queue behind one another at the link's rate.
    let wireFreeAt = 0;
    let ended = false;
    // One FIFO and one timer per direction, so the bytes leave in the order they came whatever the timers do.
    const queue: Array<{ chunk: Buffer; deliverAt: number }> = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0]!.deliverAt <= now) {
        const { chunk } = queue.shift()!;
        count(chunk.length);
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(pump, Math.max(1, queue[0]!.deliverAt - now));
      else if (ended && !to.destroyed) to.end();
      // Back-pressure: read on once less than a round trip's worth waits on the wire.
      if (from.isPaused() && wireFreeAt - now < 2 * shape.oneWayDelayMs) from.resume();
    };
    from.on('data', (chunk: Buffer) => {
      const now = performance.now();
      wireFreeAt = Math.max(now, wireFreeAt) + (chunk.length / shape.bytesPerSecond) * 1000;
      queue.push({ chunk, deliverAt: wireFreeAt + shape.oneWayDelayMs });
      timer ??= setTimeout(pump, Math.max(1, queue[0]!.deliverAt - now));
      if (wireFreeAt - now > 4 * shape.oneWayDelayMs) from.pause();
    });
    from.on('end', () => {
      ended = true;
      if (queue.length === 0 && timer === undefined && !to.destroyed) to.end();
    });
  }

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host, port, allowHalfOpen: true });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    direction(client, upstream, () => undefined);
    direction(upstream, client, (n) => (bytesDownstream += n));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    get bytesDownstream() {
      return bytesDownstream;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
