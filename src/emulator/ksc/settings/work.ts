import type { WorkHandler } from '../agents/scheduler.ts';

/** Scheduled work of this part, by kind (`setting.…`). */
export const settingsWork: Readonly<Record<string, WorkHandler>> = {};
