/** The command catalog: definitions, the registry every surface is generated from, and how to run them. */
export * from './types.ts';
export { COMMANDS, commandByName } from './registry.ts';
export { executeCommand } from './execute.ts';
export { commandOutputSchema } from './result.ts';
export { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.ts';
