import type { WorkHandler } from '../agents/scheduler.ts';

/** Scheduled work of this part, by kind (`list.…`). */
export const listWork: Readonly<Record<string, WorkHandler>> = {};
