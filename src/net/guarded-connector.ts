/**
 * The connect-time half of the SSRF guard: an undici connector whose DNS lookup checks every address a resolver
 * answers before the socket is opened, and which checks IP-literal hosts itself (Node does not call `lookup` for
 * those). A name that resolves to a refused address fails with {@link SsrfRefusedError} and no connection is made.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { buildConnector } from 'undici';
import { undici } from '../http/undici.ts';
import { parseIp } from './ip.ts';
import { assertAddressAllowed, type SsrfPolicy } from './ssrf.ts';

/** Every address of a name (tests inject their own: no DNS server runs here). */
export type Resolve = (hostname: string) => Promise<readonly LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * A `lookup` for `net.connect`/`tls.connect` that refuses the connection when any answer is refused: a name that
 * answers both a public and a private address (DNS rebinding) must not get through on the private one.
 */
export function guardedLookup(policy: SsrfPolicy, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        try {
          if (answers.length === 0)
            throw Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' });
          for (const answer of answers) assertAddressAllowed(hostname, answer.address, policy);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '', 0);
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = wanted === undefined ? answers : answers.filter((a) => a.family === wanted);
        if (options.all === true) {
          (callback as unknown as (e: null, a: readonly LookupAddress[]) => void)(null, usable);
          return;
        }
        const first = usable[0] ?? answers[0]!;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

export interface GuardedConnectorOptions {
  readonly policy: SsrfPolicy;
  /** Trust this CA (PEM) instead of the system's. */
  readonly ca?: string | undefined;
  /** No certificate checks (labs only). */
  readonly insecure?: boolean | undefined;
  /** Time to connect (and complete TLS), ms. */
  readonly timeoutMs: number;
  readonly resolve?: Resolve | undefined;
}

/** An undici `connect` that applies the policy to every address before connecting. */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connect = undici().buildConnector({
    rejectUnauthorized: options.insecure !== true,
    timeout: options.timeoutMs,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    lookup: guardedLookup(options.policy, options.resolve),
  });
  return (target, callback) => {
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (parseIp(host) !== undefined) {
      try {
        assertAddressAllowed(host, host, options.policy);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
    }
    connect(target, callback);
  };
}
