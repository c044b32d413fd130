/**
 * `ksc.hosts` and `kics.devices`: the two asset inventories as change streams ({@link AssetStreamSource}).
 */
import { z } from 'zod';
import { findHosts } from '../../ksc/client/iterators.ts';
import type { KscClient } from '../../ksc/client/client.ts';
import { plainRecord } from '../../ksc/plain.ts';
import type { KlParams } from '../../ksc/values.ts';
import { all } from '../../kics/client/iterators.ts';
import type { KicsClient } from '../../kics/client/client.ts';
import type { StateStore } from '../../store/state.ts';
import type { PlainObject } from '../types.ts';
import { AssetStreamSource, type Asset } from './asset-stream.ts';
import { commonSourceOptions } from './options.ts';

/** Host attributes the stream reads: seed 001's List Hosts sample, plus the agent's last contact. */
export const KSC_HOST_FIELDS = [
  'KLHST_INSTANCEID',
  'KLHST_WKS_DN',
  'KLHST_WKS_DNSDOMAIN',
  'KLHST_WKS_DNSNAME',
  'KLHST_WKS_FQDN',
  'KLHST_WKS_GROUPID',
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_IP_LONG',
  'KLHST_WKS_LAST_NAGENT_CONNECTED',
  'KLHST_WKS_LAST_VISIBLE',
  'KLHST_WKS_OS_NAME',
  'KLHST_WKS_OS_VER_MAJOR',
  'KLHST_WKS_OS_VER_MINOR',
  'KLHST_WKS_RTP_STATE',
  'KLHST_WKS_STATUS',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_VIRUS_COUNT',
  'KLHST_WKS_WINDOMAIN',
  'KLHST_WKS_WINHOSTNAME',
] as const;

const assetOptions = {
  ...commonSourceOptions,
  intervalSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(300)
    .describe('The least time between two full reads of the inventory'),
};

export const kscHostsOptions = z.strictObject({
  type: z.literal('ksc.hosts'),
  ...assetOptions,
  fields: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
    .min(1)
    .default([...KSC_HOST_FIELDS]),
  volatileFields: z
    .array(z.string())
    .default(['KLHST_WKS_LAST_NAGENT_CONNECTED', 'KLHST_WKS_LAST_VISIBLE'])
    .describe('Attributes whose change alone is not a change of the host'),
});
export type KscHostsOptions = z.output<typeof kscHostsOptions>;

export const kicsDevicesOptions = z.strictObject({
  type: z.literal('kics.devices'),
  ...assetOptions,
  volatileFields: z
    .array(z.string())
    .default(['lastSeen'])
    .describe('Device members whose change alone is not a change of the device'),
});
export type KicsDevicesOptions = z.output<typeof kicsDevicesOptions>;

export function kscHostsSource(
  client: KscClient,
  store: StateStore,
  stateKey: string,
  options: KscHostsOptions,
): AssetStreamSource {
  const fields = [...new Set(['KLHST_WKS_HOSTNAME', ...options.fields])];
  return new AssetStreamSource(store, {
    type: 'ksc.hosts',
    stateKey,
    volatileFields: options.volatileFields,
    intervalMs: options.intervalSeconds * 1000,
    async *inventory(signal): AsyncIterable<Asset> {
      for await (const host of findHosts(client.withSignal(signal), { fields, pageSize: 1000 })) {
        const data = plainRecord(host as KlParams);
        const id = data['KLHST_WKS_HOSTNAME'];
        if (typeof id === 'string') yield { id, data };
      }
    },
  });
}

export function kicsDevicesSource(
  client: KicsClient,
  store: StateStore,
  stateKey: string,
  options: KicsDevicesOptions,
): AssetStreamSource {
  return new AssetStreamSource(store, {
    type: 'kics.devices',
    stateKey,
    volatileFields: options.volatileFields,
    intervalMs: options.intervalSeconds * 1000,
    async *inventory(signal): AsyncIterable<Asset> {
      for await (const device of all(client, 'devices', {}, { signal })) {
        yield { id: String(device.id), data: device as unknown as PlainObject };
      }
    },
  });
}
