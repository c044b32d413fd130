export {
  CHECKPOINT_MIGRATIONS,
  CheckpointStore,
  type CheckpointContent,
  type CheckpointFence,
  type CheckpointRead,
  type CheckpointStoreOptions,
  type CheckpointTables,
} from './store.ts';
export { CheckpointConflictError, CheckpointCorruptError, CheckpointUnreadableError } from './errors.ts';
