import type { KscContext } from './vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../../errors.ts';
import { NotFoundError } from '../../../ksc/client/errors.ts';
import type { WireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { inputs } from './inputs.ts';
import { toPlain } from './plain.ts';
import { quarantinedPath } from './quarantine.ts';
import { textAttr } from './records.ts';
import { errorEntry, recordsTable, statusOf } from '../../core/result.ts';
import type { CommandErrorEntry, CommandResult, PlainJson } from '../../core/types.ts';
import { pollUntil, waitInputs } from '../../core/waiting.ts';
/** The actions on quarantined files these commands send to `QBTNetworkListApi` (spec §9.1). */
export type QuarantineAction = 'ScanQuarantine' | 'RestoreObj';

/** The state of one file's action: queued for its host's sync, done, or still pending when `wait` gave up. */
type ActionState = 'queued' | 'done' | 'pending';

interface ActionSpec {
  readonly title: string;
  readonly action: QuarantineAction;
  readonly queued: (path: string) => string;
  /** Whether the host has done it, from the item before and now (undefined: the item is gone). */
  readonly isDone: (before: KlParams, now: KlParams | undefined) => boolean;
  readonly doneMessage: (before: KlParams, now: KlParams | undefined) => string;
}

interface FileAction {
  readonly fileId: number;
  readonly before: KlParams;
  state: ActionState;
  now: KlParams | undefined;
}

/** The item now, or undefined once it has left the list (restored or deleted). */
async function currentItem(ctx: KscContext, itemId: number): Promise<KlParams | undefined> {
  try {
    return (await ctx.ksc.call('QBTNetworkListApi.GetListItemInfo', { itemId })).PxgRetVal;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** A NOT_FOUND that says which id, in KSC's words too (seed 001: "Wrong identificator of the list's item."). */
function unknownFile(fileId: number, error: NotFoundError): KconnectError {
  return new KconnectError('NOT_FOUND', `No quarantined file has the File ID ${fileId}: ${error.message}`, {
    cause: error,
  });
}

/** The KSC methods {@link runQuarantineAction} calls. */
export const FILE_ACTION_METHODS: readonly string[] = [
  'QBTNetworkListApi.GetListItemInfo',
  'QBTNetworkListApi.AddListItemTask',
];

export const fileActionKeyFields = z.object({ FileIDs: z.array(z.number().int()) });

/**
 * Queues one action per file (`AddListItemTask`, one call each, so that a bad id fails only itself: the batch
 * call fails whole), then with `wait` polls each item until its host has acted.
 */
export async function runQuarantineAction(
  ctx: KscContext,
  spec: ActionSpec,
  input: { readonly fileIds: readonly number[]; readonly wait: boolean; readonly waitTimeoutSeconds: number },
): Promise<CommandResult<z.output<typeof fileActionKeyFields>>> {
  const actions: FileAction[] = [];
  const errors: CommandErrorEntry[] = [];
  for (const fileId of [...new Set(input.fileIds)]) {
    try {
      const before = await currentItem(ctx, fileId);
      if (before === undefined) {
        throw new KconnectError(
          'NOT_FOUND',
          `No quarantined file has the File ID ${fileId}: Wrong identificator of the list's item.`,
        );
      }
      await ctx.ksc.call('QBTNetworkListApi.AddListItemTask', {
        listName: 'Quarantine',
        itemId: fileId,
        taskName: spec.action,
        // Deprecated, "may be empty but should be not null" (spec §9.1).
        pTaskParams: {},
      });
      actions.push({ fileId, before, state: 'queued', now: before });
    } catch (error) {
      const reported = error instanceof NotFoundError ? unknownFile(fileId, error) : error;
      errors.push(errorEntry(spec.title, reported, String(fileId)));
    }
  }
  if (input.wait && actions.length > 0) {
    const finished = await pollUntil(ctx, input.waitTimeoutSeconds, async () => {
      for (const action of actions.filter((a) => a.state !== 'done')) {
        action.now = await currentItem(ctx, action.fileId);
        if (spec.isDone(action.before, action.now)) action.state = 'done';
      }
      return actions.every((a) => a.state === 'done');
    });
    if (!finished) for (const action of actions) if (action.state !== 'done') action.state = 'pending';
  }
  const results: WireJson[] = [];
  const context: PlainJson[] = [];
  for (const action of actions) {
    const path = quarantinedPath(action.before);
    const message =
      action.state === 'done'
        ? spec.doneMessage(action.before, action.now)
        : action.state === 'pending'
          ? `Still queued after ${input.waitTimeoutSeconds} s: the host has not synchronised yet and acts at its next sync.`
          : spec.queued(path);
    results.push({ fileID: action.fileId, message, state: action.state });
    context.push({
      fileID: action.fileId,
      action: spec.action,
      state: action.state,
      message,
      hostId: textAttr(action.before, 'strHostName'),
      filePath: path,
      before: toPlain(action.before),
      after: action.now === undefined ? null : toPlain(action.now),
    });
  }
  return {
    status: statusOf(actions.length, errors.length),
    raw: { results },
    context,
    keyFields: { FileIDs: actions.map((a) => a.fileId) },
    result: recordsTable(spec.title, results as PlainJson[], ['fileID', 'message']),
    errors,
  };
}

/** What an action on quarantined files takes: File IDs as seed 001 takes them (the `nId` of List Quarantine Files). */
export const fileActionInput = (what: string) =>
  z.object({
    fileIds: z
      .array(z.number().int().min(0).max(2_147_483_647))
      .min(1)
      .max(500)
      .describe(
        `File IDs: the quarantined files ${what}, by their nId from List Quarantine Files, e.g. [31, 32, 33]`,
      ),
    ...waitInputs.untilAgentSync(),
    idempotencyKey: inputs.idempotencyKey(),
  });
