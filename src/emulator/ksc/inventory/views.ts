import type { SrvViewDefinition } from '../views/view.ts';

/** The Application Control views (`ACExeFilesSrvViewName`, `ACHostExeFilesSrvViewName`). */
export const applicationControlViews: readonly SrvViewDefinition[] = [];
