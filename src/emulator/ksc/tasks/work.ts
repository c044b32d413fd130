import type { WorkHandler } from '../agents/scheduler.ts';

/** Scheduled work of this part, by kind (`task.…`). */
export const taskWork: Readonly<Record<string, WorkHandler>> = {};
