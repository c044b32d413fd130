import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { isKlParams } from '../../../ksc/values.ts';
import { FILE_TYPE, hostExeFiles, type ExeFileInstance } from '../inventory/exe-files.ts';
import type { HostRecord } from '../world/model.ts';
import type { KscWorld } from '../world.ts';

/** `CategoryType` values the reference lists: 1 FromDir (autoupdate), 2 SilverImage. */
export const CATEGORY_TYPE = Object.freeze({ SIMPLE: 0, FROM_DIR: 1, SILVER_IMAGE: 2 });

/** Hash bits of `MetadataFlag` / `autoupdateflag` (reference: 64 MD5, 256 SHA256). */
const MD5 = 64;
const SHA256 = 256;

/** The hash expression type of the custom category format (`ex_type` 3, `str` the hex digest). */
const HASH_EXPRESSION = 3;

function filterOf(category: KlParams): KlParams {
  const filter = category['CategoryFilter'];
  return isKlParams(filter) ? filter : {};
}

/**
 * Which hashes to compute: the KSC 15 format's `CategoryFilter.MetadataFlag`, else the older `autoupdateflag`;
 * neither names one, SHA-256 (what the console proposes for KES 10 SP2 and later).
 */
function hashBits(category: KlParams): number {
  const flag = filterOf(category)['MetadataFlag'] ?? category['autoupdateflag'];
  const bits = (typeof flag === 'number' || typeof flag === 'bigint' ? Number(flag) : 0) & (MD5 | SHA256);
  return bits === 0 ? SHA256 : bits;
}

/** The folder of an autoupdate category: `CategoryFilter.FilesFromDir` (KSC 15), else `autoupdatedir` (KSC 13). */
function folderOf(category: KlParams): string {
  const dir = filterOf(category)['FilesFromDir'] ?? category['autoupdatedir'];
  return typeof dir === 'string' ? dir : '';
}

/** Paths compare as Windows compares them: case-insensitively, either slash. */
function normalised(path: string): string {
  return path.replace(/\\/g, '/').replace(/\/+$/, '').toLowerCase();
}

function under(path: string, folder: string): boolean {
  const dir = normalised(folder);
  return dir !== '' && normalised(path).startsWith(`${dir}/`);
}

/** DLLs and scripts only when the category's filter asks for them (the console's two check boxes). */
function kindIncluded(category: KlParams, instance: ExeFileInstance): boolean {
  const filter = filterOf(category);
  const type = Number(instance.file['FILE_TYPE'] ?? FILE_TYPE.EXE);
  if ((type === FILE_TYPE.SCRIPT || type === FILE_TYPE.CMD) && filter['IncludeScripts'] !== true)
    return false;
  if (/\.dll$/i.test(instance.path) && filter['IncludeDll'] !== true) return false;
  return true;
}

function hex(value: KlValue | undefined): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '';
}

/** The hosts whose files a category takes: all the server's for a folder, the listed ones for a silver image. */
function sourceHosts(world: KscWorld, vserverId: number, category: KlParams): readonly HostRecord[] {
  const hosts = world.hostsOf(vserverId);
  if (Number(category['CategoryType']) !== CATEGORY_TYPE.SILVER_IMAGE) return hosts;
  const listed = category['SilverImageHosts'];
  const ids = new Set(Array.isArray(listed) ? listed.map(String) : []);
  return hosts.filter((h) => ids.has(h.id));
}

/**
 * What an automatic update puts in an autoupdate (FromDir) or silver-image category: one hash expression per
 * distinct file of the server's Application Control inventory that the category takes — for a folder, the files
 * the hosts report under it; for a silver image, every file its hosts report — in `FILE_ID` order, each hash the
 * category's flag asks for. Computed from the inventory as it is now, so an update after the inventory changed
 * gives other content (decision 0080).
 */
export function automaticContent(world: KscWorld, vserverId: number, category: KlParams): KlParams[] {
  const type = Number(category['CategoryType']);
  const folder = folderOf(category);
  const files = new Map<number, KlParams>();
  for (const host of sourceHosts(world, vserverId, category)) {
    for (const instance of hostExeFiles(world.seedValue, host)) {
      if (type === CATEGORY_TYPE.FROM_DIR && !under(instance.path, folder)) continue;
      if (!kindIncluded(category, instance)) continue;
      files.set(instance.fileId, instance.file);
    }
  }
  const bits = hashBits(category);
  const expressions: KlParams[] = [];
  for (const [, file] of [...files].sort(([a], [b]) => a - b)) {
    if ((bits & MD5) !== 0) expressions.push(hashExpression(hex(file['FILE_HASH_MD5'])));
    if ((bits & SHA256) !== 0) expressions.push(hashExpression(hex(file['FILE_HASH_SHA256'])));
  }
  return expressions;
}

function hashExpression(digest: string): KlParams {
  return { ex_type: HASH_EXPRESSION, str: digest, str2: '', str_op: 0 };
}
