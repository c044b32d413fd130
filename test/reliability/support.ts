/** What the reliability scenarios share: a seeded random for the proxy, and the emulator behind a fault proxy. */
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';

/** mulberry32: a small seeded generator, so a scenario's faults fall the same way on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fault proxy in front of a server URL, deciding faults per request (`rollPer: 'exchange'`). */
export function proxyInFrontOf(url: string, seed: number): Promise<FaultProxy> {
  const { hostname, port } = new URL(url);
  return startFaultProxy({
    upstreamHost: hostname,
    upstreamPort: Number(port),
    rollPer: 'exchange',
    random: seeded(seed),
  });
}
