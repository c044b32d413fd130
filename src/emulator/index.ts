/** `kconnect/emulator`: emulators of the vendor APIs, for tests, demos and integration development. */
export {
  startKscEmulator,
  defaultUsers,
  type KscEmulatorOptions,
  type RunningKscEmulator,
} from './ksc/emulator.ts';
export type { SeedUser } from './ksc/world.ts';
export { startKicsEmulator, type KicsEmulatorOptions, type RunningKicsEmulator } from './kics/emulator.ts';
