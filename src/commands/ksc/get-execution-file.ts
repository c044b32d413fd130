import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import type { KlParams } from '../../ksc/values.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, resolveOneHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { exeFileContext, exeFileKeyFields, exeFileKeys } from './shared/exe-files.ts';
import { errorEntry, recordsTable, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';

const TITLE = 'Get Execution File';

const input = z.object({
  hostId: inputs
    .host()
    .optional()
    .describe(
      'Host ID: the host whose instance of the files to describe, by id (KLHST_WKS_HOSTNAME, from List ' +
        'Hosts), display name, FQDN or IPv4 address. When omitted, only the attributes common to all ' +
        'instances of each file come back',
    ),
  fileIds: z
    .array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
    .min(1)
    .max(100)
    .describe('File IDs: Application Control file ids (FILE_ID, from List Execution Files), e.g. [123456]'),
});

/** `Get Execution File` (seed 001): `AppCtrlApi.GetExeFileInfo` per file id. */
export const getExecutionFile: KscCommand<typeof input, typeof exeFileKeyFields> = {
  name: 'get_execution_file',
  title: TITLE,
  description:
    'Describes executable files that Application Control reported, by their File IDs (from List Execution ' +
    'Files): name, version, product, publisher, trust group, MD5 and SHA-256 (also as hex), and, for a given ' +
    'host (id, name, FQDN or IP), when the file first appeared there. Each file id is looked up on its own: an ' +
    'id the host (or the server) does not have is a 404 for that id while the others are still returned. ' +
    'Read-only.',
  input,
  keyFields: exeFileKeyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, 'AppCtrlApi.GetExeFileInfo'],
  },
  hints: { cliAliases: { fileIds: 'file-id' }, targetFields: ['hostId'] },
  example: { fileIds: [140566193] },
  async run(ctx, { hostId, fileIds }) {
    const host = hostId === undefined ? undefined : await resolveOneHost(ctx, hostId, 'hostId');
    const results: WireJson[] = [];
    const records: KlParams[] = [];
    const context: PlainJson[] = [];
    const errors: CommandErrorEntry[] = [];
    for (const fileId of [...new Set(fileIds)]) {
      try {
        const answer = await ctx.ksc.callWire('AppCtrlApi.GetExeFileInfo', {
          szwHostId: host?.id ?? '',
          lFileId: fileId,
          // Empty: every attribute (documented).
          pFilter: {},
        });
        const record = answer.reply.PxgRetVal;
        results.push({
          fileID: fileId,
          ...(host === undefined ? {} : { hostId: host.id }),
          PxgRetVal: answer.wire['PxgRetVal'] ?? null,
        });
        records.push(record);
        context.push({ fileID: fileId, hostId: host?.id ?? null, ...exeFileContext(record) });
      } catch (error) {
        errors.push(errorEntry(TITLE, error, String(fileId)));
      }
    }
    return {
      status: statusOf(records.length, errors.length),
      raw: { results },
      context,
      keyFields: exeFileKeys(records),
      result: recordsTable(TITLE, context, [
        'FILE_ID',
        'FILE_NONEMPTY_NAME',
        'FILE_VERSIONRAW',
        'ORGANIZATION_NAME',
        'TRUSTED_GROUP',
        'sha256',
      ]),
      errors,
    };
  },
};
