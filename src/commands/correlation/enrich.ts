import type { Device } from '../../kics/model.ts';
import type { KlParams } from '../../ksc/values.ts';
import type { PlainJson } from '../core/types.ts';
import type { KicsContext } from '../kics/shared/vendor.ts';
import type { KscContext } from '../ksc/shared/vendor.ts';
import { bestMatchOf, matchAssets } from './match.ts';
import {
  deviceReferencesOfHost,
  hostReferencesOfDevice,
  itHostOf,
  kicsDevicesBy,
  kscHostsNamed,
  kscStatusOf,
  otDeviceOf,
} from './sides.ts';

/**
 * The enrichments that show one product's view beside the other's records: a KICS device's KSC twin with its
 * protection status, a KSC host's KICS twin with its open vulnerabilities. The twin is the best match by the
 * rule of `match.ts`; several at the best confidence are reported as ambiguous with the first shown.
 */

/** A KICS device's KSC host: id, name, status as `get_host_status` decodes it, and the match; null when none. */
export interface KscTwin {
  readonly hostId: string;
  readonly record: { [key: string]: PlainJson };
}

export async function kscTwinOf(ksc: KscContext, device: Device): Promise<KscTwin | null> {
  const ot = otDeviceOf(device);
  const hosts = await kscHostsNamed(ksc, hostReferencesOfDevice(ot));
  const best = bestMatchOf(matchAssets([ot], hosts.map(itHostOf)), { deviceId: device.id });
  if (best === undefined) return null;
  const host = hosts.find((h) => itHostOf(h).id === best.match.hostId) as KlParams;
  return {
    hostId: best.match.hostId,
    record: {
      ...kscStatusOf(host),
      confidence: best.match.confidence,
      ambiguous: best.ambiguous,
      evidence: best.match.evidence.map((e) => ({ ...e })),
    },
  };
}

/** Vulnerability states KICS still counts against a device (not remediated, not ignored). */
const OPEN_STATES = new Set(['Active']);

/** A KSC host's KICS device: id, name, status, its open vulnerabilities, and the match; null when none. */
export interface KicsTwin {
  readonly deviceId: number;
  readonly openVulnerabilities: number;
  readonly record: { [key: string]: PlainJson };
}

export async function kicsTwinOf(kics: KicsContext, host: KlParams): Promise<KicsTwin | null> {
  const it = itHostOf(host);
  const devices = await kicsDevicesBy(kics, deviceReferencesOfHost(it));
  const best = bestMatchOf(matchAssets(devices.map(otDeviceOf), [it]), { hostId: it.id });
  if (best === undefined) return null;
  const device = devices.find((d) => d.id === best.match.deviceId) as Device;
  const open = device.vulnerabilities.filter((v) => OPEN_STATES.has(v.state));
  return {
    deviceId: device.id,
    openVulnerabilities: open.length,
    record: {
      deviceId: device.id,
      deviceName: device.name,
      status: device.status,
      category: device.category,
      securityState: device.securityState,
      openVulnerabilities: open.map((v) => ({ cveId: v.cveId, cvsScore: v.cvsScore, state: v.state })),
      confidence: best.match.confidence,
      ambiguous: best.ambiguous,
      evidence: best.match.evidence.map((e) => ({ ...e })),
    },
  };
}
