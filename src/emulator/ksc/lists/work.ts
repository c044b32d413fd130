import type { WorkHandler } from '../agents/scheduler.ts';
import { actionWork, LIST_ACTIONS, workKind, type ListAction } from './actions.ts';

/** Scheduled work of this part, by kind (`list.…`): the `QBTNetworkListApi` actions at the host's sync. */
export const listWork: Readonly<Record<string, WorkHandler>> = Object.fromEntries(
  (Object.keys(LIST_ACTIONS) as ListAction[]).map((action) => [workKind(action), actionWork(action)]),
);
