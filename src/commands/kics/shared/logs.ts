import { z } from 'zod';
import type { ApplicationMessage, AuditEntry } from '../../../kics/model.ts';
import type { PlainJson } from '../../core/types.ts';

/** The time window and order inputs of the two logs (audit, application messages). */
export function logWindowInputs(noun: string) {
  return {
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(`Only ${noun} at or after this time (ISO 8601, e.g. 2026-01-31T08:00:00Z)`),
    until: z.iso.datetime({ offset: true }).optional().describe(`Only ${noun} before this time (ISO 8601)`),
    newestFirst: z
      .boolean()
      .default(false)
      .describe(
        `true: the newest ${noun} first (offset counts from the newest; ${noun} written meanwhile shift the ` +
          'pages); false: the oldest first, by id',
      ),
  };
}

/** One audit entry of `context`. */
export function auditRecord(entry: AuditEntry): { [key: string]: PlainJson } {
  return {
    id: entry.id,
    date: entry.date,
    user: entry.user,
    action: entry.action,
    result: entry.result,
    node: entry.node,
    description: entry.description,
  };
}

export const AUDIT_COLUMNS = ['ID', 'Date', 'User', 'Action', 'Result', 'Description'];

export function auditRow(entry: AuditEntry): PlainJson[] {
  return [entry.id, entry.date, entry.user, entry.action, entry.result, entry.description];
}

/** One application message of `context`. */
export function applicationMessageRecord(message: ApplicationMessage): { [key: string]: PlainJson } {
  return {
    id: message.id,
    date: message.date,
    status: message.status,
    node: message.node,
    systemProcess: message.systemProcess,
    descriptionId: message.descriptionId,
    description: message.description,
  };
}

export const APPLICATION_MESSAGE_COLUMNS = ['ID', 'Date', 'Status', 'Node', 'Process', 'Description'];

export function applicationMessageRow(message: ApplicationMessage): PlainJson[] {
  return [message.id, message.date, message.status, message.node, message.systemProcess, message.description];
}
