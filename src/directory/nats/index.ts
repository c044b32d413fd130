/** Directory events consumed from a NATS JetStream subject into the directory. */
export {
  DirectoryNatsConsumer,
  directoryNatsOptions,
  DEFAULT_DIRECTORY_CONSUMER,
  type DirectoryNatsOptions,
  type DirectoryNatsSettings,
  type DirectoryNatsStats,
  type DirectoryNatsLogEntry,
} from './consumer.ts';
