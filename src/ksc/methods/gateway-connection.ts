import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/**
 * `GatewayConnection`: a one-time key (`wstrAuthKey`, valid 60 s) with which a client logs in as
 * `Authorization: KSCGW <key>` and then calls the Network Agent behind the locations through the server.
 */
export const gatewayConnectionMethods = {
  /** `pLocations`: the chain of locations from `CgwHelper`, the target last. */
  'GatewayConnection.PrepareGatewayConnection': kscMethod({
    args: z.strictObject({ pLocations: z.array(arg.params()) }),
    reply: z.looseObject({ wstrAuthKey: out.string() }),
  }),
} as const;
