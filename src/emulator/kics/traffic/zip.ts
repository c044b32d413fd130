import { zipSync, type Zippable } from 'fflate';
import { FieldError } from '../../../errors.ts';

/**
 * Every entry's modification time. ZIP stores local (DOS) date-time fields and fflate fills them from the local
 * time of a Date, so the Date is built from local fields: the same fields, hence the same bytes, in every time
 * zone. The DOS epoch itself, 1980-01-01 00:00, since the entries have no meaningful file time of their own.
 */
const ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** A ZIP archive of `files`, in the order given, deflated; the same files always give the same bytes. */
export function zipCaptures(
  files: ReadonlyArray<{ readonly name: string; readonly data: Uint8Array }>,
): Buffer {
  const entries: Zippable = {};
  const seen = new Set<string>();
  files.forEach((file, index) => {
    if (file.name === '' || file.name.includes('/') || file.name.includes('\\'))
      throw new FieldError('files', `not a plain file name: ${JSON.stringify(file.name)}`, { index });
    if (seen.has(file.name))
      throw new FieldError('files', `duplicate name ${JSON.stringify(file.name)}`, { index });
    seen.add(file.name);
    entries[file.name] = [file.data, { mtime: ENTRY_TIME }];
  });
  const zipped = zipSync(entries, { level: 6, mtime: ENTRY_TIME });
  return Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength);
}
