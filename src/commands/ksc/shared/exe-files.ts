import { z } from 'zod';
import type { KlParams } from '../../../ksc/values.ts';
import { plainRecord, toPlain } from './plain.ts';
import type { PlainJson } from '../../core/types.ts';
import { EXE_FILE_ATTRIBUTES } from '../../../ksc/view-attributes.ts';
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
