import { createHash } from 'node:crypto';
import type { KlParams } from '../../../ksc/values.ts';
import { COMMAND_DELIVERY_MS, commandStatus, type StoredCommand } from './devices.ts';

/**
 * A device's journal, derived from the commands posted to it (nothing more is stored): each command is posted
 * (`RecTypePosted`), then either completes (`RecTypeSuccess`, {@link COMMAND_DELIVERY_MS} later) or is recalled
 * (`RecTypeRemoved`). Deleting a command (or its device) deletes its records (decisions/0067). The journal
 * methods list only the completed or failed commands' records (decisions/0074).
 */

/** `KLMDM_JRNL_RECORD_TYPE` (the reference's enumeration). */
export const JOURNAL_RECORD = Object.freeze({ SUCCESS: 1, FAIL: 2, POSTED: 4, REMOVED: 6 });

/**
 * The records `GetJournalRecords`/`GetJournalRecords2` answer: the reference says they hold "completed or failed
 * commands" only, so posting and recall records stay in the journal (their ids still resolve) but are not listed.
 */
export function completedOrFailed(records: readonly JournalRecord[]): JournalRecord[] {
  return records.filter((r) => r.type === JOURNAL_RECORD.SUCCESS || r.type === JOURNAL_RECORD.FAIL);
}

export interface JournalRecord {
  readonly id: number;
  readonly command: StoredCommand;
  readonly type: number;
  readonly at: number;
}

/** Journal ids: 48 bits of a hash of command and record type (stable whatever else is posted or deleted). */
function journalId(command: StoredCommand, type: number): number {
  return createHash('sha256').update(`journal\u0000${command.guid}\u0000${type}`).digest().readUIntBE(0, 6);
}

/** The records of `commands` up to `now`, oldest first. */
export function journalRecords(commands: readonly StoredCommand[], now: number): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const command of commands) {
    const record = (type: number, at: number) =>
      records.push({ id: journalId(command, type), command, type, at });
    record(JOURNAL_RECORD.POSTED, command.postedAt);
    const status = commandStatus(command, now);
    if (status === 5) record(JOURNAL_RECORD.REMOVED, command.recalledAt!);
    else if (status === 2) record(JOURNAL_RECORD.SUCCESS, command.postedAt + COMMAND_DELIVERY_MS);
  }
  return records.sort((a, b) => a.at - b.at);
}

const MESSAGES: Record<number, string> = {
  [JOURNAL_RECORD.POSTED]: 'Command posted',
  [JOURNAL_RECORD.SUCCESS]: 'Command completed',
  [JOURNAL_RECORD.REMOVED]: 'Command removed',
};

/** The result a completed command reports (convention: the reference does not describe its members). */
export function commandResult(record: JournalRecord): KlParams {
  if (record.type !== JOURNAL_RECORD.SUCCESS) return {};
  return { KLMDM_CMD_GUID: record.command.guid, KLMDM_CMD_RESULT_INFO: 'Command completed' };
}

/** The reference's "Journal records" attributes, with the command's result (what `GetJournalRecords` answers). */
export function journalAttributes(record: JournalRecord): KlParams {
  return {
    KLMDM_JRNL_RECORD_TYPE: record.type,
    KLMDM_JRNL_RECORD: `${MESSAGES[record.type]}: ${record.command.type}`,
    KLMDM_JRNL_DETAILS: '',
    KLMDM_JRNL_TIME_STAMP: new Date(Math.floor(record.at / 1000) * 1000),
    KLMDM_JRNL_CMD_TYPE: record.command.type,
    KLMDM_JRNL_CMD_RESULT: commandResult(record),
  };
}

/**
 * What `GetJournalRecords2` answers: the records "without command result" (the reference), which is fetched by
 * `GetJournalCommandResult(llJrnlId)`; the table names no id attribute, so `KLMDM_JRNL_ID` is a convention.
 */
export function journalAttributesWithoutResult(record: JournalRecord): KlParams {
  const { KLMDM_JRNL_CMD_RESULT: _result, ...rest } = journalAttributes(record);
  return { KLMDM_JRNL_ID: BigInt(record.id), ...rest };
}
