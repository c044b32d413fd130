export { DirectoryStore, type DirectoryStoreOptions } from './store.ts';
export { DIRECTORY_MIGRATIONS, type DirectoryTables } from './schema.ts';
export { MAX_NESTING_DEPTH } from './queries.ts';
export { clockOf } from './clock.ts';
export { sidToBase64, IDENTIFIER_KINDS, type IdentifierKind } from './identity.ts';
export { DirectoryQueryError, DirectoryTimeError, NoResetInProgressError } from './errors.ts';
export type * from './views.ts';
