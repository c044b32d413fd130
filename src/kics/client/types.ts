import type { Readable } from 'node:stream';
import type {
  DeviceAddressInformation,
  DeviceFields,
  DuplicateAction,
  EventOrigin,
  EventSeverity,
  EventUserState,
} from '../model.ts';

/** One condition of a filter (spec §4): `field`, `condition` (default `=`), `value`, `operator` (default `and`). */
export interface KicsCondition {
  readonly field: string;
  readonly condition?: string;
  readonly value?: unknown;
  readonly operator?: 'and' | 'or';
}

/** An item of a filter: a condition or a group (a nested array), at most three levels deep. */
export type KicsFilterItem = KicsCondition | readonly KicsFilterItem[];

/** The body of every `…/query` operation, as the seed names it. Checked before it is sent. */
export interface KicsQueryArgument {
  readonly filter?: readonly KicsFilterItem[] | null;
  readonly sort?: readonly Record<string, unknown>[] | null;
  readonly offset?: number | null;
  readonly limit?: number | null;
}

export interface DeviceUpdate extends DeviceFields {
  /** Allow editing a device with an industrial configuration (its addresses or category). */
  readonly allowProcessControlSettingsUpdate?: boolean;
}

export interface DeviceCreate extends DeviceFields {
  readonly name: string;
  readonly addressInformation: readonly DeviceAddressInformation[];
  readonly whatIfDuplicate?: DuplicateAction;
  readonly allowProcessControlSettingsLoss?: boolean;
}

export interface DeviceUpdateResult {
  readonly status: string;
  readonly errors: readonly unknown[];
}

export interface DeviceCreateResult {
  readonly status: 'Created' | 'Skipped' | 'Overwritten' | string;
  readonly deviceId: number;
}

export interface EventUpdate {
  readonly status?: EventUserState;
  /** 0…7; null clears the mark. */
  readonly mark?: number | null;
}

export interface EventRegistration {
  readonly title: string;
  readonly severity: EventSeverity;
  readonly startTime?: string;
  readonly lastSeenTime?: string;
  readonly endTime?: string;
  readonly totalAppearances?: number | null;
  readonly description?: string | null;
  readonly triggeredRuleName?: string | null;
  readonly monitoringPointId?: number | null;
  readonly mark?: number | null;
  readonly origin?: EventOrigin;
  readonly params?: Readonly<Record<string, string>> | null;
}

export interface EventRegistrationResult {
  readonly eventId: number;
}

/** A file the server sent (an event's PCAP, a ZIP of several). */
export interface KicsFile {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** From `Content-Disposition`, when the server named it. */
  readonly fileName?: string;
}

/** A file the server is sending, as a stream (read it to the end, or destroy it). */
export interface KicsFileStream {
  readonly stream: Readable;
  readonly contentType: string;
  readonly fileName?: string;
}
