/**
 * `kconnect/ksc`: the Kaspersky Security Center Open API (KLOAPI) wire layer — typed values, lossless JSON,
 * KLOAPI errors and the search-filter language.
 */
export * from './values.ts';
export * from '../wire/json.ts';
export * from './codec.ts';
export * from './codec-errors.ts';
export * from './kl.ts';
export * from './pxg-error.ts';
export * from './filter/index.ts';
export * from './client/index.ts';
