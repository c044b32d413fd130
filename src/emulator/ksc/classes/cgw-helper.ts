import { need } from '../auth/rights.ts';
import { requireHost } from '../inventory/host-access.ts';
import { defineClass } from '../method.ts';

const READ = [need('basic', 'read')];

/** The member of a location naming the host whose Network Agent it leads to (decisions/0062). */
export const LOCATION_HOST = 'KLCGW_NAGENT_HOST';

/**
 * `CgwHelper`. GetNagentLocation — coverage: full (the location is opaque to callers; the emulator's names the
 * host). GetSlaveServerLocation — none: the world holds no secondary servers (1194).
 */
export const cgwHelperClass = defineClass('CgwHelper', {
  GetNagentLocation: {
    rights: READ,
    handler: (ctx, { wsHostName }) => ({ PxgRetVal: { [LOCATION_HOST]: requireHost(ctx, wsHostName).id } }),
  },
});
