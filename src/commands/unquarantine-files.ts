import { z } from 'zod';
import { inputs } from './inputs.ts';
import {
  fileActionKeyFields,
  fileIdsInput,
  runQuarantineAction,
  waitInputs,
} from './scan-quarantined-files.ts';
import type { CommandDefinition } from './types.ts';

const input = z.object({
  fileIds: fileIdsInput('to restore'),
  ...waitInputs(),
  idempotencyKey: inputs.idempotencyKey(),
});

const TITLE = 'Unquarantine Files';

function pathOf(record: { readonly [key: string]: unknown }): string {
  const folder = record['szRestorePath'];
  const title = record['szFileTitle'];
  return `${typeof folder === 'string' ? folder : ''}${typeof title === 'string' ? title : ''}`;
}

/** `Unquarantine Files` (seed 001): `QBTNetworkListApi.AddListItemTask(…, "RestoreObj", …)` per file. */
export const unquarantineFiles: CommandDefinition<typeof input, typeof fileActionKeyFields> = {
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
  rights: [{ product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] }],
  kscMethods: ['QBTNetworkListApi.GetListItemInfo', 'QBTNetworkListApi.AddListItemTask'],
  example: { fileIds: [14] },
  run(ctx, { fileIds, wait, waitTimeoutSeconds }) {
    return runQuarantineAction(
      ctx,
      {
        title: TITLE,
        action: 'RestoreObj',
        queued: (path) => `Restore queued: the host restores ${path} at its next agent sync.`,
        // Restored files leave the list.
        isDone: (_before, now) => now === undefined,
        doneMessage: (before) => `Restored to ${pathOf(before)}.`,
      },
      { fileIds, wait, waitTimeoutSeconds },
    );
  },
};
