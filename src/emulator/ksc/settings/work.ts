import type { WorkHandler } from '../agents/scheduler.ts';
import { isolationWork } from './isolation-agent.ts';

/** Scheduled work of this part, by kind (`isolation.…`). */
export const settingsWork: Readonly<Record<string, WorkHandler>> = { ...isolationWork };
