import type { DirectoryEventError } from './errors.ts';

/**
 * The reason a refused event is counted under: the attribute at fault with its array positions dropped and the
 * checker's reason, e.g. `data.ds_ids_chunk[].uid: expected base64`. Positions and the SDK's own wording would
 * make every refusal a reason of its own; the attribute and the fixed wording of the checks keep the set small
 * (decision 0065).
 */
export function rejectionReason(error: DirectoryEventError): string {
  const attribute = error.attribute.replace(/\[\d+\]/g, '[]');
  const reason = error.reason.startsWith('not a CloudEvent')
    ? 'not a CloudEvent'
    : error.reason.startsWith('more than')
      ? 'too many events in one batch'
      : error.reason;
  return `${attribute}: ${reason}`;
}
