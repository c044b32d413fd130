/**
 * The intake's sources, by the `type` a pipeline's `source` names, and the zod schema of each one's options (the
 * pipeline configuration reuses them).
 */
import { z } from 'zod';
import { KicsClient } from '../../kics/client/client.ts';
import { KscClient } from '../../ksc/client/client.ts';
import type { StateStore } from '../../store/state.ts';
import type { Source, SourceType } from '../types.ts';
import { kicsDevicesOptions, kicsDevicesSource, kscHostsOptions, kscHostsSource } from './assets.ts';
import { SourceSetupError } from './errors.ts';
import { KicsEventsSource, kicsEventsOptions } from './kics-events.ts';
import { KicsLogSource, kicsAppMessagesOptions, kicsAuditOptions } from './kics-logs.ts';
import { KscEventsSource, kscEventsOptions } from './ksc-events.ts';
import { NatsSource, natsSourceOptions } from './nats.ts';

export { SourceCursorError, SourceSetupError } from './errors.ts';
export { startOption, type StartOption } from './options.ts';
export { KscEventsSource, kscEventsOptions, type KscEventsOptions } from './ksc-events.ts';
export { NatsSource, natsSourceOptions, defaultConsumerName, type NatsSourceOptions } from './nats.ts';
export { KicsEventsSource, kicsEventsOptions, type KicsEventsOptions } from './kics-events.ts';
export { KicsLogSource, kicsAuditOptions, kicsAppMessagesOptions, type KicsLogOptions } from './kics-logs.ts';
export { AssetStreamSource, type Asset, type AssetStreamOptions } from './asset-stream.ts';
export {
  KSC_HOST_FIELDS,
  kicsDevicesOptions,
  kicsDevicesSource,
  kscHostsOptions,
  kscHostsSource,
  type KicsDevicesOptions,
  type KscHostsOptions,
} from './assets.ts';

/** Each source's options by its type. */
export const SOURCE_OPTIONS = {
  'ksc.events': kscEventsOptions,
  'kics.events': kicsEventsOptions,
  'kics.audit': kicsAuditOptions,
  'kics.app-messages': kicsAppMessagesOptions,
  'ksc.hosts': kscHostsOptions,
  'kics.devices': kicsDevicesOptions,
  nats: natsSourceOptions,
} as const satisfies Record<SourceType, z.ZodType>;

/** A pipeline's `source`: one of the sources' options, told apart by `type`. */
export const sourceConfig = z.discriminatedUnion('type', [
  kscEventsOptions,
  kicsEventsOptions,
  kicsAuditOptions,
  kicsAppMessagesOptions,
  kscHostsOptions,
  kicsDevicesOptions,
  natsSourceOptions,
]);
export type SourceConfig = z.output<typeof sourceConfig>;

/** What a source runs with: the client of its connection, and for asset streams the state store and a name. */
export interface SourceDependencies {
  /** The client of the source's connection (a `KscClient` or a `KicsClient`). */
  readonly client: unknown;
  /** Asset streams keep their fingerprints here. */
  readonly store?: StateStore;
  /** The pipeline's name: names an asset stream's fingerprints in the store and a nats source's consumer. */
  readonly pipeline: string;
  /** For a nats source's `…Env` credentials. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function kscClient(type: SourceType, client: unknown): KscClient {
  if (client instanceof KscClient) return client;
  throw new SourceSetupError(type, 'its connection must be a ksc connection');
}

function kicsClient(type: SourceType, client: unknown): KicsClient {
  if (client instanceof KicsClient) return client;
  throw new SourceSetupError(type, 'its connection must be a kics connection');
}

function stateStore(type: SourceType, store: StateStore | undefined): StateStore {
  if (store !== undefined) return store;
  throw new SourceSetupError(type, 'an asset stream needs the state store for its fingerprints');
}

/**
 * The source a pipeline's (already validated) `source` describes.
 *
 * @example
 * const source = createSource(sourceConfig.parse({ type: 'ksc.events', connection: 'lab', start: 'start' }),
 *   { client: ksc, pipeline: 'ksc-events' });
 */
export function createSource(config: SourceConfig, deps: SourceDependencies): Source {
  switch (config.type) {
    case 'ksc.events':
      return new KscEventsSource(kscClient(config.type, deps.client), config);
    case 'kics.events':
      return new KicsEventsSource(kicsClient(config.type, deps.client), config);
    case 'kics.audit':
    case 'kics.app-messages':
      return new KicsLogSource(kicsClient(config.type, deps.client), config);
    case 'ksc.hosts':
      return kscHostsSource(
        kscClient(config.type, deps.client),
        stateStore(config.type, deps.store),
        deps.pipeline,
        config,
      );
    case 'kics.devices':
      return kicsDevicesSource(
        kicsClient(config.type, deps.client),
        stateStore(config.type, deps.store),
        deps.pipeline,
        config,
      );
    case 'nats':
      return new NatsSource(config, {
        pipeline: deps.pipeline,
        ...(deps.env === undefined ? {} : { env: deps.env }),
      });
  }
}
