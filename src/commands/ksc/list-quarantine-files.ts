import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { filter, type FilterExpression } from '../../ksc/filter/index.ts';
import { BASIC_READ, EVERY_OPERATION, KEA_HIPS, READ_ONLY, right } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, hostFilter } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { plainRecord } from './shared/plain.ts';
import { fullPath, quarantinedPath, splitPath } from './shared/quarantine.ts';
import { textAttr } from './shared/records.ts';
import { invalidInput, summaryTable } from '../core/result.ts';
import { readSrvViewWire, SRV_VIEW_METHODS } from './shared/srv-view.ts';
import type { PlainJson } from '../core/types.ts';
import { LIST_ITEM_ATTRIBUTES } from '../../ksc/view-attributes.ts';

/** The attributes of seed 001's List Quarantine Files sample, plus the threat name (`szDescription`). */
export const QUARANTINE_FIELDS = LIST_ITEM_ATTRIBUTES;

const input = z.object({
  hostId: inputs
    .host()
    .optional()
    .describe(
      'Host ID: only the files of this host, named by id (KLHST_WKS_HOSTNAME), display name, FQDN or IPv4 ' +
        'address; all hosts when omitted',
    ),
  filePaths: z
    .array(fullPath())
    .min(1)
    .max(100)
    .optional()
    .describe(
      'File Full Paths: only these quarantined files, e.g. ["C:\\\\Test\\\\5.txt"]; all when omitted',
    ),
  limit: inputs.limit(1000, 100_000),
});

const keyFields = z.object({
  QuarantineFilePaths: z.array(z.string()),
  QuarantineFiles: z.array(z.string()),
  SourceHosts: z.array(z.string()),
  QuarantineDate: z.array(z.string()),
  FileIDs: z.array(z.number().int()),
  RestorePaths: z.array(z.string()),
  ActionNames: z.array(z.string()),
});

/** `List Quarantine Files` (seed 001): `SrvView` view `Quarantine`, narrowed by host and file paths. */
export const listQuarantineFiles: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_quarantine_files',
  title: 'List Quarantine Files',
  description:
    'Lists the files that security applications on managed hosts moved to quarantine: file id (nId, the ' +
    'File ID that Scan Quarantined Files and Unquarantine Files take), host, file name and folder, size, ' +
    'threat name, quarantine and last-scan times and status. Narrow it to one host (by id, name, FQDN or IP) ' +
    'and/or to full file paths. Read-only. An unknown host is an error, not an empty list.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ, right(KEA_HIPS, ...EVERY_OPERATION)],
    operations: [...HOST_LOOKUP_METHODS, ...SRV_VIEW_METHODS],
  },
  hints: { cliAliases: { filePaths: 'file' }, targetFields: ['hostId'] },
  example: { limit: 10 },
  async run(ctx, { hostId, filePaths, limit }) {
    const parts: FilterExpression[] = [];
    if (hostId !== undefined) parts.push(await hostFilter(ctx, hostId, 'strHostName', 'hostId'));
    if (filePaths !== undefined) {
      parts.push(
        filter.or(
          ...filePaths.map((path) => {
            const { folder, title } = splitPath(path);
            if (title === '') throw invalidInput('filePaths', `"${path}" names a folder, not a file`);
            return filter.and(filter.eq('szRestorePath', folder), filter.eq('szFileTitle', title));
          }),
        ),
      );
    }
    const { items, records } = await readSrvViewWire(ctx, 'Quarantine', {
      filter: filter.and(...parts).text,
      fields: QUARANTINE_FIELDS,
      order: [{ Name: 'nId', Asc: true }],
      limit,
    });
    const context: Record<string, PlainJson>[] = records.map((record) => ({
      ...plainRecord(record),
      filePath: quarantinedPath(record),
    }));
    return {
      status: 'Successful',
      raw: { pRecords: { KLCSP_ITERATOR_ARRAY: items } },
      context,
      keyFields: {
        QuarantineFilePaths: records.map(quarantinedPath),
        QuarantineFiles: records.map((r) => textAttr(r, 'szFileTitle')),
        SourceHosts: records.map((r) => textAttr(r, 'strHostName')),
        QuarantineDate: context.map((c) => (typeof c['QBStoreTime'] === 'string' ? c['QBStoreTime'] : '')),
        FileIDs: records.map((r) => Number(r['nId'] ?? 0)),
        RestorePaths: records.map((r) => textAttr(r, 'szRestorePath')),
        // The action that takes each file out of quarantine (Unquarantine Files), as seed 001 lists it.
        ActionNames: records.map(() => 'RestoreObj'),
      },
      result: summaryTable('List Quarantine Files', { 'Quarantine File Count': records.length }),
      errors: [],
    };
  },
};
