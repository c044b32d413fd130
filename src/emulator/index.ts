/** `kconnect/emulator`: emulators of the vendor APIs, for tests, demos and integration development. */
export {
  startKscEmulator,
  defaultUsers,
  type KscEmulatorOptions,
  type RunningKscEmulator,
} from './ksc/emulator.ts';
export type { SeedUser } from './ksc/world.ts';
export type {
  DirectoryPublisher,
  DirectoryPublishOptions,
  PublisherStatus,
  RestoreOptions,
  RestoreOutcome,
} from './ksc/directory/publisher.ts';
export type { DirectorySnapshot } from './ksc/directory/truth.ts';
export type { DirectoryObject } from './ksc/directory/identity.ts';
export { startKicsEmulator, type KicsEmulatorOptions, type RunningKicsEmulator } from './kics/emulator.ts';
