import { displayNameGroupingView, inventoryView } from '../inventory/inventory-view.ts';
import { applicationControlViews } from '../inventory/views.ts';
import { listViews } from '../lists/views.ts';
import { mobileDeviceViews } from '../mobile/views.ts';
import type { SrvViewDefinition } from './view.ts';

/** Every server view the emulator serves through `SrvView`, by name. Each part contributes its own. */
export const SRV_VIEWS: ReadonlyMap<string, SrvViewDefinition> = new Map(
  [
    ...listViews,
    ...applicationControlViews,
    ...mobileDeviceViews,
    inventoryView,
    displayNameGroupingView,
  ].map((view) => [view.name, view]),
);
