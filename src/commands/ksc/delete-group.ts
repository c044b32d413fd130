import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import type { WireAnswer } from '../../ksc/client/client.ts';
import type { KscMethodReply } from '../../ksc/methods/index.ts';
import type { WireJson } from '../../wire/json.ts';
import { BASIC_READ_WRITE } from './shared/flags.ts';
import { GROUP_LOOKUP_METHODS, groupReference, resolveGroup } from './shared/groups.ts';
import { inputs } from './shared/inputs.ts';
import { errorEntry, invalidInput, summaryTable } from '../core/result.ts';
import { poll, waitInputs } from '../core/waiting.ts';

/** `nFlags` of `HostGroup.RemoveGroup` (spec §7.8; Cortex XSOAR's flags 1, 2, 3). */
const MODES = { onlyIfEmpty: 1, withSubgroups: 2, withHosts: 3 } as const;

const input = z.object({
  group: groupReference().describe(
    'The group to delete (Cortex XSOAR: group_id): its id, name or full path; a name several groups share is refused',
  ),
  mode: z
    .enum(['onlyIfEmpty', 'withSubgroups', 'withHosts'])
    .default('onlyIfEmpty')
    .describe(
      'What may go with it (Cortex XSOAR: flags 1/2/3): onlyIfEmpty (no hosts, no subgroups), withSubgroups ' +
        '(its subgroups, policies and tasks too, but no hosts), withHosts (also removes its hosts from KSC)',
    ),
  wait: waitInputs.wait('Wait until KSC has finished removing the group'),
  waitTimeoutSeconds: waitInputs.waitTimeoutSeconds(
    { min: 1, max: 600, fallback: 60 },
    'How long `wait` waits at most (1–600 seconds)',
  ),
  idempotencyKey: inputs.idempotencyKey(),
});

const keyFields = z.object({
  GroupID: z.number().int(),
  GroupName: z.string(),
  ActionID: z.string(),
  /** `running` until KSC reports the action finished, then `succeeded` or `failed`. */
  State: z.enum(['running', 'succeeded', 'failed']),
});

type ActionState = KscMethodReply<'AsyncActionStateChecker.CheckActionState'>;
type ActionAnswer = WireAnswer<ActionState>;

/**
 * Checks the action once, or with `timeoutMs` until it is finalized or the time is up, pausing as long as the
 * server suggests (between 100 ms and 5 s).
 */
async function checkAction(
  ctx: KscContext,
  wstrActionGuid: string,
  timeoutMs: number,
): Promise<ActionAnswer> {
  const polled = await poll(ctx, {
    timeoutMs,
    pauseMs: (answer) => {
      const suggested = Number(answer.reply.lNextCheckDelay);
      return Math.max(100, Math.min(5000, suggested > 0 ? suggested : 1000));
    },
    look: () => ctx.ksc.callWire('AsyncActionStateChecker.CheckActionState', { wstrActionGuid }),
    done: (answer) => answer.reply.bFinalized,
  });
  return polled.value;
}

function failureText(state: ActionState): string {
  const description = state.pStateData?.['GNRL_EA_DESCRIPTION'];
  return typeof description === 'string' && description !== ''
    ? description
    : `the action ended with state code ${String(state.lStateCode)}`;
}

/** `Delete Group` (Cortex XSOAR's ksc-group-delete): `HostGroup.RemoveGroup`, an asynchronous action. */
export const deleteGroup: KscCommand<typeof input, typeof keyFields> = {
  name: 'delete_group',
  title: 'Delete Group',
  description:
    'Deletes an administration group. By default only an empty group (no hosts, no subgroups); `mode` ' +
    'widens that to its subgroups, policies and tasks, or also to its hosts (which are then removed from KSC). ' +
    'A group that holds more than the mode allows is refused before anything happens, with the counts; a ' +
    'root group cannot be deleted. KSC removes the group in the background: the command returns the action ' +
    'id and its state at once, or with `wait` polls until it has finished (up to `waitTimeoutSeconds`). ' +
    'Name the group by id or full path when names repeat. Side effect: the group (and what `mode` allows) is ' +
    'gone for good. Pass `idempotencyKey` to make retries safe.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  idempotent: true,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ_WRITE],
    operations: [
      ...GROUP_LOOKUP_METHODS,
      'HostGroup.GetGroupInfoEx',
      'HostGroup.RemoveGroup',
      'AsyncActionStateChecker.CheckActionState',
    ],
    // The group Add Group's example creates.
  },
  hints: { waitField: 'waitTimeoutSeconds' },
  example: { group: 'Managed devices/Incident 4711 containment', wait: true },
  async run(ctx, { group, mode, wait, waitTimeoutSeconds }) {
    const target = await resolveGroup(ctx, group);
    if (target.parentId === null) {
      throw invalidInput(
        'group',
        `"${target.name}" (id ${target.id}) is a root group, which KSC cannot remove`,
      );
    }
    // RemoveGroup accepts any group and fails later in its action: say why now, before anything is removed.
    const counters = (
      await ctx.ksc.call('HostGroup.GetGroupInfoEx', {
        nGroupId: target.id,
        pArrAttributes: ['KLGRP_CHLDHST_CNT', 'KLGRP_CHLDGRP_CNT'],
      })
    ).PxgRetVal;
    const hosts = counters['KLGRP_CHLDHST_CNT'];
    const subgroups = counters['KLGRP_CHLDGRP_CNT'];
    const hasHosts = typeof hosts === 'number' && hosts > 0;
    const hasSubgroups = typeof subgroups === 'number' && subgroups > 0;
    if ((mode === 'onlyIfEmpty' && (hasHosts || hasSubgroups)) || (mode === 'withSubgroups' && hasHosts)) {
      const holds = [
        ...(hasHosts ? [`${String(hosts)} host(s) in it or its subgroups`] : []),
        ...(hasSubgroups ? [`${String(subgroups)} subgroup(s)`] : []),
      ].join(' and ');
      const wider = hasHosts ? 'withHosts (which removes the hosts from KSC)' : 'withSubgroups';
      throw new KconnectError(
        'CONFLICT',
        `Group "${target.name}" (id ${target.id}) holds ${holds}; mode "${mode}" does not delete that. ` +
          `Move the hosts out first, or use mode ${wider}.`,
      );
    }
    const removed = await ctx.ksc.callWire('HostGroup.RemoveGroup', {
      nGroup: target.id,
      nFlags: MODES[mode],
    });
    const actionId = removed.reply.strActionGuid;
    const checked = await checkAction(ctx, actionId, wait ? waitTimeoutSeconds * 1000 : 0);
    const state = !checked.reply.bFinalized
      ? 'running'
      : checked.reply.bSuccededFinalized
        ? 'succeeded'
        : 'failed';
    const raw: WireJson = { ...removed.wire, actionState: checked.wire };
    return {
      status: state === 'failed' ? 'Failed' : 'Successful',
      raw,
      context: {
        groupId: target.id,
        groupName: target.name,
        fullName: target.fullName,
        mode,
        actionId,
        state,
      },
      keyFields: { GroupID: target.id, GroupName: target.name, ActionID: actionId, State: state },
      result: summaryTable('Delete Group', {
        'Group ID': target.id,
        'Group Name': target.name,
        'Action ID': actionId,
        State: state,
      }),
      errors:
        state === 'failed'
          ? [
              errorEntry(
                'Delete Group',
                new KconnectError(
                  'CONFLICT',
                  `KSC did not remove group "${target.name}" (id ${target.id}): ${failureText(checked.reply)}`,
                ),
              ),
            ]
          : [],
    };
  },
};
