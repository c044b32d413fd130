import { FieldError } from '../../errors.ts';

/**
 * A directory event that cannot be applied, naming the event (`eventId`, `eventType`, as sent, when it had them)
 * and the attribute at fault as a path (`type`, `data.ds_ids.uid`, `data.ds_ids_chunk[3]`). Code `INVALID_INPUT`;
 * the message is `attribute: reason`, so the HTTP 400 and a log line read the same.
 */
export class DirectoryEventError extends FieldError {
  override readonly name: string = 'DirectoryEventError';
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  readonly attribute: string;

  constructor(
    attribute: string,
    reason: string,
    event: { readonly eventId?: string | undefined; readonly eventType?: string | undefined } = {},
  ) {
    super(attribute, reason);
    this.attribute = attribute;
    this.eventId = event.eventId;
    this.eventType = event.eventType;
  }
}
