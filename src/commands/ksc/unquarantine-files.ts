import type { KscCommand } from './shared/vendor.ts';
import { BASIC_READ } from './shared/flags.ts';
import { quarantinedPath } from './shared/quarantine.ts';
import {
  FILE_ACTION_METHODS,
  fileActionInput,
  fileActionKeyFields,
  runQuarantineAction,
} from './shared/quarantine-actions.ts';

const input = fileActionInput('to restore');

const TITLE = 'Unquarantine Files';

/** `Unquarantine Files` (seed 001): `QBTNetworkListApi.AddListItemTask(…, "RestoreObj", …)` per file. */
export const unquarantineFiles: KscCommand<typeof input, typeof fileActionKeyFields> = {
  name: 'unquarantine_files',
  title: TITLE,
  description:
    'Restores quarantined files to where they were, by their File IDs (nId from List Quarantine Files). The ' +
    'restore is queued at once and happens at each host’s next agent sync, when the file leaves the ' +
    'quarantine. Returns per file whether it was queued (or, with wait, restored); an unknown File ID is a 404 ' +
    'for that file while the others go ahead. Use it to release a false positive. Side effect: the file is ' +
    'back on the host and can run again.',
  input,
  keyFields: fileActionKeyFields,
  readOnly: false,
  destructive: true,
  idempotent: true,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: FILE_ACTION_METHODS,
  },
  hints: { cliAliases: { fileIds: 'file-id' }, waitField: 'waitTimeoutSeconds' },
  example: { fileIds: [4] },
  run(ctx, args) {
    return runQuarantineAction(
      ctx,
      {
        title: TITLE,
        action: 'RestoreObj',
        queued: (path) => `Restore queued: the host restores ${path} at its next agent sync.`,
        // Restored files leave the list.
        isDone: (_before, now) => now === undefined,
        doneMessage: (before) => `Restored to ${quarantinedPath(before)}.`,
      },
      args,
    );
  },
};
