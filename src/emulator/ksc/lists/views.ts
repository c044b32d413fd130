import type { SrvViewDefinition } from '../views/view.ts';

/** The network-list views (`Quarantine`, `Backup`, `TIF`) and the users view (`GlobalUsersListSrvViewName`). */
export const listViews: readonly SrvViewDefinition[] = [];
