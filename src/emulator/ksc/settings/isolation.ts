import type { KlParams, KlValue } from '../../../ksc/values.ts';

/**
 * Kaspersky Endpoint Agent's network-isolation settings, shaped as seed 001's Isolate/Unisolate Hosts samples
 * (`Enable`, `Exclusions`, `IsolationTimeout`, `UseIsolationTimeout`, `NotifyUser`, `BaseSettings`,
 * `__VersionInfo`). KEA's help (spec §9.1): "end isolation after" defaults to 30 minutes; without it,
 * isolation ends after 5 hours.
 */

export const DEFAULT_ISOLATION_TIMEOUT_S = 30 * 60;
export const UNTIMED_ISOLATION_MS = 5 * 3600 * 1000;

interface RuleSpec {
  readonly name: string;
  /** IANA protocol number; 0 with `UseProtocol` false means any. */
  readonly protocol: number;
  readonly remotePort?: readonly [number, number];
  readonly localPort?: readonly [number, number];
}

function portRange(range: readonly [number, number] | undefined): KlParams {
  return { MaxPort: range?.[1] ?? 0, MinPort: range?.[0] ?? 0, __VersionInfo: [1, 0] };
}

function rule(spec: RuleSpec): KlParams {
  return {
    AppProtocolName: spec.name,
    Applications: [],
    Direction: 3,
    Enable: true,
    LocalAddress: '',
    LocalPort: portRange(spec.localPort),
    Protocol: spec.protocol,
    RemoteAddress: '',
    RemotePort: portRange(spec.remotePort),
    UseApplications: false,
    UseLocalAddress: false,
    UseLocalPort: spec.localPort !== undefined,
    UseProtocol: spec.protocol !== 0,
    UseRemoteAddress: false,
    UseRemotePort: spec.remotePort !== undefined,
    __VersionInfo: [1, 1],
  };
}

function profile(name: string, rules: readonly RuleSpec[]): KlParams {
  return { Description: name, Name: name, Rules: rules.map(rule), __VersionInfo: [1, 0] };
}

const UDP = 17;

/** KEA's defaults: isolation off, the DNS/DHCP client and server profiles excluded (KEA help, spec §9.1). */
export function defaultIsolationSettings(): KlParams {
  return {
    BaseSettings: { Revision: 0n, __VersionInfo: [1, 0] },
    Enable: false,
    Exclusions: [
      profile('DNS/DHCP client', [
        { name: 'DNS', protocol: UDP, remotePort: [53, 53] },
        { name: 'DHCP', protocol: UDP, localPort: [68, 68], remotePort: [67, 67] },
      ]),
      profile('DNS/DHCP server', [
        { name: 'DNS', protocol: UDP, localPort: [53, 53] },
        { name: 'DHCP', protocol: UDP, localPort: [67, 67], remotePort: [68, 68] },
      ]),
    ],
    IsolationTimeout: DEFAULT_ISOLATION_TIMEOUT_S,
    NotifyUser: true,
    UseIsolationTimeout: true,
    __VersionInfo: [1, 2],
  };
}

/** Value checks for the keys the agent acts on; other keys are stored as written. */
const CHECKS: Readonly<Record<string, (value: KlValue) => boolean>> = {
  Enable: (v) => typeof v === 'boolean',
  NotifyUser: (v) => typeof v === 'boolean',
  UseIsolationTimeout: (v) => typeof v === 'boolean',
  IsolationTimeout: (v) => (typeof v === 'number' || typeof v === 'bigint') && Number(v) > 0,
  Exclusions: (v) => Array.isArray(v),
};

/** The first key of `settings` with a value the agent could not use, if any. */
export function invalidIsolationKey(settings: KlParams): string | undefined {
  for (const [key, check] of Object.entries(CHECKS)) {
    const value = settings[key];
    if (value !== undefined && !check(value)) return key;
  }
  return undefined;
}

/** How long an isolation applied with these settings lasts, ms. */
export function isolationDurationMs(settings: KlParams): number {
  if (settings['UseIsolationTimeout'] !== true) return UNTIMED_ISOLATION_MS;
  const timeout = settings['IsolationTimeout'];
  const seconds = typeof timeout === 'number' || typeof timeout === 'bigint' ? Number(timeout) : 0;
  return (seconds > 0 ? seconds : DEFAULT_ISOLATION_TIMEOUT_S) * 1000;
}
