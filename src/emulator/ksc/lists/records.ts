import type { KlParams } from '../../../ksc/values.ts';
import type { KscWorld } from '../world.ts';
import type { ListItem } from './items.ts';
import { LIST_ITEM_ATTRIBUTES as LIST_ITEM_ATTRIBUTE_NAMES } from '../../../ksc/view-attributes.ts';

/**
 * The attributes of a network-list item as the `Quarantine`, `Backup` and `TIF` views and
 * `QBTNetworkListApi.GetListItemInfo` show them: the keys of seed 001's List Quarantine Files sample, plus
 * `szDescription` (spec §9 names it in the official sample's field list) carrying the threat.
 */
export const LIST_ITEM_ATTRIBUTES: ReadonlySet<string> = new Set(LIST_ITEM_ATTRIBUTE_NAMES);

/** Splits a full path into folder (with its trailing separator, as the sample's `szRestorePath`) and file name. */
export function splitPath(path: string): { folder: string; file: string } {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return { folder: path.slice(0, cut + 1), file: path.slice(cut + 1) };
}

/** Seconds precision, as KLOAPI datetimes carry. */
const datetime = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

/** The record of an item; `nGroup` follows the host, which may have moved since the file was stored. */
export function itemRecord(world: KscWorld, item: ListItem): KlParams {
  const { folder, file } = splitPath(item.path);
  const host = world.hosts.get(item.hostId);
  const record: Record<string, KlParams[string]> = {
    nId: item.id,
    strId: String(item.localId),
    ObjName: String(item.localId),
    strHostName: item.hostId,
    nGroup: host?.groupId ?? 0,
    szFileTitle: file,
    szRestorePath: folder,
    QBObjSize: item.size,
    QBStoreTime: datetime(item.storedAt),
    iObjStatus: item.status,
    strListProductName: item.productName,
    strListProductVersion: item.productVersion,
  };
  if (item.threat !== null && item.threat !== '') record['szDescription'] = item.threat;
  if (item.checkedAt !== null) record['QBLastCheckBaseDate'] = datetime(item.checkedAt);
  if (item.sentAt !== null) record['SentToKLDate'] = datetime(item.sentAt);
  return record;
}
