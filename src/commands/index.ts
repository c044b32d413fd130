/** The command catalog: definitions, the registry every surface is generated from, and how to run them. */
export * from './core/types.ts';
export {
  SUBJECTS,
  SUBJECT_NAMES,
  VENDORS,
  VENDOR_NAMES,
  commandNameProblem,
  isVendor,
  type Subject,
  type Vendor,
  type VendorApi,
} from './core/vendors.ts';
export { COMMANDS, commandByName } from './registry.ts';
export { KSC_COMMANDS } from './ksc/index.ts';
export {
  isKscCommand,
  type KscApi,
  type KscCommand,
  type KscContext,
  type KscRight,
} from './ksc/shared/vendor.ts';
export { KICS_COMMANDS } from './kics/index.ts';
export {
  KICS_ROLES,
  isKicsCommand,
  type KicsApi,
  type KicsCommand,
  type KicsContext,
  type KicsRole,
} from './kics/shared/vendor.ts';
export {
  CommandStreamError,
  executeCommand,
  executeCommandStream,
  isStreamingCommand,
} from './core/execute.ts';
export { commandOutputSchema } from './core/result.ts';
export { MemoryIdempotencyStore, type IdempotencyStore } from './core/idempotency.ts';
export {
  FileExistsError,
  FileSinkMissingError,
  producesFile,
  safeFileName,
  type FileSink,
  type OutgoingFile,
  type SavedFile,
} from './core/files.ts';
export {
  fileSystemSink,
  type ExistingFilePolicy,
  type FileSystemSinkOptions,
} from './core/file-system-sink.ts';
export { DIRECTORY_COMMANDS } from './directory/index.ts';
export {
  isDirectoryCommand,
  type DirectoryCommand,
  type DirectoryContext,
} from './directory/shared/vendor.ts';
