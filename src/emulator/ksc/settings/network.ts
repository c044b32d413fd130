import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord } from '../world/model.ts';
import { Random } from '../../core/random.ts';

/**
 * KES network settings as seed 001's Get Open Ports sample shows them: the monitored ports, encrypted-traffic
 * decoding and the custom root certificates. The section's keys and value types are the sample's.
 */

/** Ports KES monitors by default, with the descriptions its settings carry. */
const STANDARD_PORTS: ReadonlyArray<readonly [number, string]> = [
  [20, 'FTP'],
  [21, 'FTP'],
  [25, 'SMTP'],
  [80, 'HTTP'],
  [110, 'POP3'],
  [119, 'NNTP'],
  [143, 'IMAP'],
  [443, 'HTTPS'],
  [465, 'SMTPS'],
  [587, 'SMTP'],
  [993, 'IMAPS'],
  [995, 'POP3S'],
];

/** Ports some administrators add (proxies, web consoles); a host gets a few of them by its id. */
const EXTRA_PORTS: ReadonlyArray<readonly [number, string]> = [
  [3128, 'HTTP proxy'],
  [8080, 'HTTP'],
  [8443, 'HTTPS'],
  [1080, 'SOCKS'],
];

function portEntry(port: number, description: string, enabled: boolean): KlParams {
  return { description, enabled, port };
}

/** The default network settings of a KES host: the standard ports plus a deterministic per-host variation. */
export function defaultNetworkSettings(host: HostRecord, seed: number): KlParams {
  const rng = Random.derive(seed, `ports:${host.id}`);
  const ports: KlParams[] = STANDARD_PORTS.map(([port, name]) =>
    // A few hosts have one mail port switched off, as administrators do when a mail gateway scans it.
    portEntry(port, name, !(name === 'NNTP' && rng.chance(0.3))),
  );
  for (const [port, name] of EXTRA_PORTS) if (rng.chance(0.2)) ports.push(portEntry(port, name, true));
  return {
    customRootCA: { certificates: [] },
    portsMonitoring: {
      allPorts: false,
      includesSettings: { enabled: true, includes: [], useTrafmonIncludes: true },
      ports,
    },
    trafficDecoding: {
      breakSSLv2Connections: true,
      certificateStorage: 0,
      checkMozillaProduct: true,
      decodeSslWithEvCertificate: false,
      decodingErrorAction: 1,
      decodingMode: 1,
      domainExclusions: [],
      embededScript: false,
      invalidCertificateAction: 0,
      limitTraffic: true,
    },
  };
}
