/** Directory events: from CloudEvents (any HTTP mode) to checked `DirectoryEvent`s, or a named error. */
export { checkDirectoryEvent, type DirectoryEventInput } from './check.ts';
export { DirectoryEventError } from './errors.ts';
export { TYPE_RULES, ATTRIBUTE_KINDS, type TypeRule, type AttributeKind } from './rules.ts';
export { directoryEventToCloudEvent, type DirectoryCloudEvent } from './wire.ts';
export { receiveHttpMessage, type HttpEventMode, type ReceivedEvent, type ReceivedMessage } from './http.ts';
export { rejectionReason } from './rejection-reason.ts';
