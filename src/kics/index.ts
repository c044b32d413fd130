/**
 * `kconnect/kics`: KICS for Networks Public API v3 — the entity model (seed 002), the query language shared with
 * the emulator, and the client (mutual TLS with a connector's package, tokens, typed operations, iterators).
 */
export * from './model.ts';
export * from './query/index.ts';
export * from './client/index.ts';
