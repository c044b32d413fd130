import type { ServerReading } from '../../ksc/methods/index.ts';

/**
 * How the emulator reads arguments beyond KSC's general leniency (`lenientArgs`: absent arrays `[]`, absent params
 * `{}`, unknown arguments ignored): what it assumes for arguments a client leaves out, where that is not the
 * type's empty value.
 */
export const EMULATOR_READING: ServerReading = {
  // KSC reads an empty list as nothing to do (docs/decisions/0059).
  acceptEmptyArrays: true,
  absent: {
    // Integers KSC reads as 0 when absent (docs/decisions/0059, the table of required arguments): clients that
    // omit zero values page from the start and read group 0, the main server's "Managed devices".
    nStart: 0,
    nEnd: 0,
    nCount: 0,
    nGroupId: 0,
    // Result-set lifetimes, in seconds: ten minutes when a client does not say (KSC documents only the maximum).
    lMaxLifeTime: 600,
    lifetimeSec: 600,
    nLifetime: 600,
    // `HostGroup.RemoveGroup`: "only if empty", the flag that never removes more than asked.
    nFlags: 1,
    // An order spec without a direction sorts ascending.
    Asc: true,
  },
};

/** `vecFieldsToOrder` and friends, as handlers receive them. */
export type OrderSpec = Array<{ Name: string; Asc: boolean }>;
