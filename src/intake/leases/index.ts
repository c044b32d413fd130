export { LeaseHeldError, LeaseLostError } from './errors.ts';
export { createLeaseTables, type LeaseTables } from './schema.ts';
export { LeaseStore, newWorkerId, type Lease } from './store.ts';
