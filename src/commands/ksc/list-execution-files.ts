import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, hostFilter } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { summaryTable } from '../core/result.ts';
import { readSrvViewWire, SRV_VIEW_METHODS } from './shared/srv-view.ts';
import { EXE_FILE_FIELDS, exeFileContext, exeFileKeyFields, exeFileKeys } from './shared/exe-files.ts';

const input = z.object({
  hostId: inputs
    .host()
    .optional()
    .describe(
      'Host ID: list the executable files seen on this host (one record per file instance), named by id ' +
        '(KLHST_WKS_HOSTNAME), display name, FQDN or IPv4 address. When omitted, the files of all hosts, ' +
        'one record per file with the host it first appeared on',
    ),
  filter: inputs.searchFilter('file attributes, e.g. (TRUSTED_GROUP = 3) or (FILE_NAME = "cmd.exe")'),
  limit: inputs.limit(1000, 100_000),
  fields: inputs.attributeNames(
    'File attributes to return; default: the documented Application Control file attributes',
  ),
});

/**
 * `List Execution Files` (seed 001): Application Control's `SrvView` views, `ACHostExeFilesSrvViewName` (the
 * instances on one host) or `ACExeFilesSrvViewName` (every file once).
 */
export const listExecutionFiles: KscCommand<typeof input, typeof exeFileKeyFields> = {
  name: 'list_execution_files',
  title: 'List Execution Files',
  description:
    'Lists the executable files that Application Control (in Kaspersky Endpoint Security) reported from ' +
    'managed hosts: file id (the File ID that Get Execution File takes), name, version, product, publisher, ' +
    'trust group, MD5 and SHA-256 hashes (also as hex), and when and on which host it first appeared. Give a ' +
    'host (id, name, FQDN or IP) for the files seen on it, or none for every file once; narrow with a KSC ' +
    'search filter. Use it to hunt for a hash or an untrusted executable across the fleet. Read-only.',
  input,
  keyFields: exeFileKeyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, ...SRV_VIEW_METHODS],
  },
  hints: { targetFields: ['hostId'] },
  example: { filter: '(TRUSTED_GROUP = 3)', limit: 20 },
  async run(ctx, { hostId, filter: search, limit, fields }) {
    let view = 'ACExeFilesSrvViewName';
    let text = search;
    if (hostId !== undefined) {
      view = 'ACHostExeFilesSrvViewName';
      const hosts = await hostFilter(ctx, hostId, 'HOST_NAME', 'hostId');
      // The caller's filter is KSC filter text already; the host part is built safely and wrapped around it.
      text = search.trim() === '' ? hosts.text : `(&${hosts.text}${parenthesised(search)})`;
    }
    const { items, records } = await readSrvViewWire(ctx, view, {
      filter: text,
      fields: fields ?? EXE_FILE_FIELDS,
      order: [{ Name: 'FILE_ID', Asc: true }],
      limit,
    });
    return {
      status: 'Successful',
      raw: { pRecords: { KLCSP_ITERATOR_ARRAY: items } },
      context: records.map(exeFileContext),
      keyFields: exeFileKeys(records),
      result: summaryTable('List Execution Files', { 'Execution Files Count': records.length }),
      errors: [],
    };
  },
};

/** A bare top-level comparison (`a = 1`) is valid filter text; inside `(&…)` it needs its parentheses. */
function parenthesised(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
}
