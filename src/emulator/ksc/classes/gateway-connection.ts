import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { requireHost } from '../inventory/host-access.ts';
import { defineClass } from '../method.ts';
import { LOCATION_HOST } from './cgw-helper.ts';

const READ = [need('basic', 'read')];

/**
 * `GatewayConnection`. PrepareGatewayConnection — coverage: full for a Network Agent of the caller's server
 * (a chain through secondary servers is refused: the world holds none). PrepareTunnelConnection and
 * PrepareGatewayConnectionToSecondaryServer — none (1194).
 */
export const gatewayConnectionClass = defineClass('GatewayConnection', {
  PrepareGatewayConnection: {
    rights: READ,
    handler: (ctx, { pLocations }) => {
      const [target, ...beyond] = pLocations;
      const hostId = target?.[LOCATION_HOST];
      if (beyond.length > 0 || typeof hostId !== 'string') throw faults.badParameter('pLocations');
      const host = requireHost(ctx, hostId);
      return { wstrAuthKey: ctx.sessions.createGatewayKey(ctx.user.id, ctx.vserverId, { hostId: host.id }) };
    },
  },
});
