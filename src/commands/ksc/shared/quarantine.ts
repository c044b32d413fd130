import { z } from 'zod';
import type { KlParams } from '../../../ksc/values.ts';
import { textAttr } from './records.ts';
import { controlCharacterIn } from '../../core/search-text.ts';

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
    )
    // The folder and the file name go into the Quarantine view's search filter.
    .refine((path) => controlCharacterIn(path) === undefined, 'a full file path without control characters');

/** `C:\Test\5.txt` → folder with its trailing separator and file name, as the Quarantine view stores them. */
export function splitPath(path: string): { readonly folder: string; readonly title: string } {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return { folder: path.slice(0, cut + 1), title: path.slice(cut + 1) };
}

/** Where a quarantined file was (and is restored to): its folder and file name joined, as `splitPath` cut them. */
export function quarantinedPath(record: KlParams | undefined): string {
  return textAttr(record, 'szRestorePath') + textAttr(record, 'szFileTitle');
}
