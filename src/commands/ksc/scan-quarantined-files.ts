import type { KscCommand } from './shared/vendor.ts';
import { BASIC_READ_WRITE } from './shared/flags.ts';
import { epochMsOf } from './shared/records.ts';
import {
  FILE_ACTION_METHODS,
  fileActionInput,
  fileActionKeyFields,
  runQuarantineAction,
} from './shared/quarantine-actions.ts';

const input = fileActionInput('to scan again');

const TITLE = 'Scan Quarantined Files';

/** `Scan Quarantined Files` (seed 001): `QBTNetworkListApi.AddListItemTask(…, "ScanQuarantine", …)` per file. */
export const scanQuarantinedFiles: KscCommand<typeof input, typeof fileActionKeyFields> = {
  name: 'scan_quarantined_files',
  title: TITLE,
  description:
    'Rescans quarantined files with the current anti-virus databases of their hosts, by their File IDs (nId ' +
    'from List Quarantine Files). The scan is queued at once and runs at each host’s next agent sync; a file ' +
    'the new databases can disinfect is disinfected. Returns per file whether it was queued (or, with wait, ' +
    'scanned); an unknown File ID is a 404 for that file while the others go ahead. Use it after a database ' +
    'update to clear false positives or disinfect stored threats. Side effect: changes the files’ scan state.',
  input,
  keyFields: fileActionKeyFields,
  readOnly: false,
  destructive: true,
  idempotent: false,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ_WRITE],
    operations: FILE_ACTION_METHODS,
  },
  hints: { cliAliases: { fileIds: 'file-id' }, waitField: 'waitTimeoutSeconds' },
  example: { fileIds: [4] },
  run(ctx, args) {
    return runQuarantineAction(
      ctx,
      {
        title: TITLE,
        action: 'ScanQuarantine',
        queued: () => 'Scan queued: the host rescans the file at its next agent sync.',
        isDone: (before, now) => {
          if (now === undefined) return true;
          const last = epochMsOf(now, 'QBLastCheckBaseDate');
          const previous = epochMsOf(before, 'QBLastCheckBaseDate');
          return last !== undefined && (previous === undefined || last > previous);
        },
        doneMessage: (_before, now) => {
          if (now === undefined) return 'The file left the quarantine before it was scanned.';
          const last = epochMsOf(now, 'QBLastCheckBaseDate');
          return `Scanned at ${last === undefined ? 'an unknown time' : new Date(last).toISOString()}.`;
        },
      },
      args,
    );
  },
};
