import type { HostRecord } from '../world/model.ts';
import { COMPUTER_TYPE, PLATFORM_TYPE } from '../world/platforms.ts';
import type { Audience } from './catalogue.ts';

/** What inventory generation needs to know about a host's platform, read from its attributes. */
export interface HostPlatform {
  readonly family: 'windows' | 'linux';
  readonly server: boolean;
  /** `KLHST_WKS_OS_NAME`. */
  readonly osName: string;
  /** The narrow audience this host belongs to (`windows-workstation`…). */
  readonly audience: Audience;
}

export function hostPlatform(host: HostRecord): HostPlatform {
  const attrs = host.attributes;
  const family = attrs['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX ? 'linux' : 'windows';
  const ctype = attrs['KLHST_WKS_CTYPE'];
  const server = ctype === COMPUTER_TYPE.WINDOWS_SERVER || ctype === COMPUTER_TYPE.LINUX_SERVER;
  const osName = attrs['KLHST_WKS_OS_NAME'];
  const audience: Audience =
    family === 'linux'
      ? server
        ? 'linux-server'
        : 'linux-workstation'
      : server
        ? 'windows-server'
        : 'windows-workstation';
  return { family, server, osName: typeof osName === 'string' ? osName : '', audience };
}

export function fitsAudience(platform: HostPlatform, audience: Audience): boolean {
  return audience === platform.family || audience === platform.audience;
}

/** Epoch ms of a Date attribute of the host, or `fallback`. */
export function hostTime(host: HostRecord, attribute: string, fallback: number): number {
  const value = host.attributes[attribute];
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : fallback;
}
