/** The command catalog: definitions, the registry every surface is generated from, and how to run them. */
export * from './core/types.ts';
export { COMMANDS, commandByName } from './registry.ts';
export { executeCommand } from './core/execute.ts';
export { commandOutputSchema } from './core/result.ts';
export { MemoryIdempotencyStore, type IdempotencyStore } from './core/idempotency.ts';
