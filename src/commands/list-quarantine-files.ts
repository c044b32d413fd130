import { z } from 'zod';
import { KconnectError } from '../errors.ts';
import { filter, type FilterExpression } from '../ksc/filter/index.ts';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import { findHostsByReference } from './hosts.ts';
import { inputs } from './inputs.ts';
import { toPlain, wireRecords } from './plain.ts';
import { invalidInput, summaryTable } from './result.ts';
import type { CommandContext, CommandDefinition, PlainJson } from './types.ts';

/** The attributes of seed 001's List Quarantine Files sample, plus the threat name (`szDescription`). */
export const QUARANTINE_FIELDS = [
  'nId',
  'strId',
  'ObjName',
  'strHostName',
  'nGroup',
  'szFileTitle',
  'szRestorePath',
  'szDescription',
  'QBObjSize',
  'QBStoreTime',
  'QBLastCheckBaseDate',
  'SentToKLDate',
  'iObjStatus',
  'strListProductName',
  'strListProductVersion',
] as const;

const PAGE = 500;

/** A server view read page by page with its records in both shapes: wire (for `raw`) and decoded. */
export interface ViewRead {
  readonly items: WireJson[];
  readonly records: KlParams[];
}

/**
 * Reads up to `limit` records of a `SrvView` view with `callWire`, advancing by what each page returned (never
 * by an assumed `nEnd` convention), and releases the iterator whatever happens.
 */
export async function readSrvViewWire(
  ctx: CommandContext,
  view: string,
  options: {
    readonly filter: string;
    readonly fields: readonly string[];
    readonly order?: readonly { readonly Name: string; readonly Asc: boolean }[];
    readonly limit: number;
  },
): Promise<ViewRead> {
  const reset = await ctx.ksc.call('SrvView.ResetIterator', {
    wstrViewName: view,
    wstrFilter: options.filter,
    vecFieldsToReturn: [...options.fields],
    vecFieldsToOrder: (options.order ?? []).map((o) => ({ Name: o.Name, Asc: o.Asc })),
    pParams: {},
    lifetimeSec: 300,
  });
  const wstrIteratorId = reset.wstrIteratorId;
  const items: WireJson[] = [];
  const records: KlParams[] = [];
  try {
    while (records.length < options.limit) {
      const nStart = records.length;
      const page = await ctx.ksc.callWire('SrvView.GetRecordRange', {
        wstrIteratorId,
        nStart,
        nEnd: nStart + Math.min(PAGE, options.limit - nStart),
      });
      const decoded = page.reply.pRecords.KLCSP_ITERATOR_ARRAY;
      if (decoded.length === 0) break;
      items.push(...wireRecords(page.wire['pRecords'], 'KLCSP_ITERATOR_ARRAY').slice(0, decoded.length));
      records.push(...decoded);
    }
  } finally {
    await ctx.ksc.call('SrvView.ReleaseIterator', { wstrIteratorId }).catch(() => undefined);
  }
  return { items: items.slice(0, options.limit), records: records.slice(0, options.limit) };
}

/**
 * The hosts a read names, as a filter on `attribute`: every host the reference matches (a read may cover
 * several), or a NOT_FOUND when it matches none, so an unknown host is never a silent empty list.
 */
export async function hostFilter(
  ctx: CommandContext,
  reference: string,
  attribute: string,
  field: string,
): Promise<FilterExpression> {
  const hosts = await findHostsByReference(ctx, reference, field);
  if (hosts.length === 0) {
    throw new KconnectError('NOT_FOUND', `No host is named "${reference}" (by id, name, FQDN or IP)`);
  }
  return filter.or(...hosts.map((h) => filter.eq(attribute, h.id)));
}

/** `C:\Test\5.txt` → folder with its trailing separator and file name, as the Quarantine view stores them. */
export function splitPath(path: string): { readonly folder: string; readonly title: string } {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return { folder: path.slice(0, cut + 1), title: path.slice(cut + 1) };
}

/** A full file path (Windows drive or UNC, or POSIX): quarantine works on files, never on patterns. */
export const fullPath = () =>
  z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .regex(
      /^(?:[A-Za-z]:[\\/]|\\\\|\/)[^*?]*[^\\/]$/,
      'a full file path without wildcards, e.g. C:\\Test\\5.txt',
    );

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

function text(record: KlParams, name: string): string {
  const value = record[name];
  return typeof value === 'string' ? value : '';
}

/** `List Quarantine Files` (seed 001): `SrvView` view `Quarantine`, narrowed by host and file paths. */
export const listQuarantineFiles: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'list_quarantine_files',
  title: 'List Quarantine Files',
  description:
    'Lists the files that security applications on managed hosts moved to quarantine: file id (nId, the ' +
    'File ID that Scan Quarantined Files and Unquarantine Files take), host, file name and folder, size, ' +
    'threat name, quarantine and last-scan times and status. Narrow it to one host (by id, name, FQDN or IP) ' +
    'and/or to full file paths. Read-only. An unknown host is an error, not an empty list.',
  input,
  keyFields,
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [
    { product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] },
    {
      product: 'Kaspersky Endpoint Agent',
      feature: 'Host Intrusion Prevention',
      operations: ['Read', 'Write', 'Execute', 'Perform operations on device selections'],
    },
  ],
  kscMethods: [
    'HostGroup.FindHosts',
    'ChunkAccessor.GetItemsChunk',
    'ChunkAccessor.Release',
    'SrvView.ResetIterator',
    'SrvView.GetRecordRange',
    'SrvView.ReleaseIterator',
  ],
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
      ...(toPlain(record) as Record<string, PlainJson>),
      filePath: text(record, 'szRestorePath') + text(record, 'szFileTitle'),
    }));
    return {
      status: 'Successful',
      raw: { pRecords: { KLCSP_ITERATOR_ARRAY: items } },
      context,
      keyFields: {
        QuarantineFilePaths: records.map((r) => text(r, 'szRestorePath') + text(r, 'szFileTitle')),
        QuarantineFiles: records.map((r) => text(r, 'szFileTitle')),
        SourceHosts: records.map((r) => text(r, 'strHostName')),
        QuarantineDate: context.map((c) => (typeof c['QBStoreTime'] === 'string' ? c['QBStoreTime'] : '')),
        FileIDs: records.map((r) => Number(r['nId'] ?? 0)),
        RestorePaths: records.map((r) => text(r, 'szRestorePath')),
        // The action that takes each file out of quarantine (Unquarantine Files), as seed 001 lists it.
        ActionNames: records.map(() => 'RestoreObj'),
      },
      result: summaryTable('List Quarantine Files', { 'Quarantine File Count': records.length }),
      errors: [],
    };
  },
};
