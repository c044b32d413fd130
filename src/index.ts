/**
 * `kconnect`: the command catalog (run any command with `executeCommand`), the error vocabulary, and the
 * decoders of KSC statuses. The KSC client and wire layer are `kconnect/ksc`; the emulators `kconnect/emulator`.
 */
export * from './commands/index.ts';
export * from './errors.ts';
export * from './status/host-status.ts';
export * from './status/general-status.ts';
