import { z } from 'zod';
import type { KlParams } from '../ksc/values.ts';
import { BASIC_READ, READ_ONLY } from './flags.ts';
import { HOST_LOOKUP_METHODS, hostFilter } from './hosts.ts';
import { inputs } from './inputs.ts';
import { plainRecord, toPlain } from './plain.ts';
import { summaryTable } from './result.ts';
import { readSrvViewWire, SRV_VIEW_METHODS } from './srv-view.ts';
import type { CommandDefinition, PlainJson } from './types.ts';
import { EXE_FILE_ATTRIBUTES } from '../ksc/view-attributes.ts';

/** The documented attributes of an Application Control file (and of its instances on hosts). */
export const EXE_FILE_FIELDS = EXE_FILE_ATTRIBUTES;

/** Hashes are binary on the wire; SOC tools compare them as lowercase hex. */
export function hexOf(value: unknown): string | null {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : null;
}

/** A file record as plain JSON, with its hashes also as hex (`md5`, `sha256`). */
export function exeFileContext(record: KlParams): Record<string, PlainJson> {
  return {
    ...plainRecord(record),
    md5: hexOf(record['FILE_HASH_MD5']),
    sha256: hexOf(record['FILE_HASH_SHA256']),
  };
}

export const exeFileKeyFields = z.object({
  FileIDs: z.array(z.number().int()),
  FileNames: z.array(z.string()),
  FileHashesSHA256: z.array(z.string()),
  FileHashesMD5: z.array(z.string()),
  HostIDs: z.array(z.string()),
});

/** The key fields of file records: ids, names, hashes (hex) and the hosts they were seen on. */
export function exeFileKeys(records: readonly KlParams[]): z.output<typeof exeFileKeyFields> {
  const texts = (name: string) =>
    records.flatMap((r) => {
      const value = r[name];
      return typeof value === 'string' && value !== '' ? [value] : [];
    });
  const hashes = (name: string) =>
    records.flatMap((r) => {
      const hex = hexOf(r[name]);
      return hex === null ? [] : [hex];
    });
  return {
    FileIDs: records.flatMap((r) => {
      const id = toPlain(r['FILE_ID']);
      return typeof id === 'number' ? [id] : [];
    }),
    FileNames: texts('FILE_NONEMPTY_NAME'),
    FileHashesSHA256: hashes('FILE_HASH_SHA256'),
    FileHashesMD5: hashes('FILE_HASH_MD5'),
    HostIDs: [...new Set(texts('HOST_NAME'))],
  };
}

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
export const listExecutionFiles: CommandDefinition<typeof input, typeof exeFileKeyFields> = {
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
  rights: [BASIC_READ],
  kscMethods: [...HOST_LOOKUP_METHODS, ...SRV_VIEW_METHODS],
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
