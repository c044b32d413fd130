export { NatsSink, type NatsSinkOptions, type NatsPosition } from './sink.ts';
export {
  natsSinkConfigSchema,
  natsSinkKind,
  type NatsSinkConfig,
  type ResolvedNatsSinkConfig,
} from './config.ts';
export { NatsConnectError, NatsOperationError, NatsStreamSetupError } from '../../nats/errors.ts';
