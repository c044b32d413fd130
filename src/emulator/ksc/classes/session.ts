import { z } from 'zod';
import { defineClass, method } from '../method.ts';

/** `Session`: authenticated sessions and one-time tokens (spec §1.2, §1.5). */
export const sessionClass = defineClass('Session', {
  StartSession: method({
    args: z.object({}),
    rights: [],
    handler: (ctx) => ({ PxgRetVal: ctx.sessions.create(ctx.user.id, ctx.vserverId).id }),
  }),
  EndSession: method({
    args: z.object({}),
    rights: [],
    handler: (ctx) => {
      if (ctx.session !== undefined) ctx.sessions.end(ctx.session.id);
      return {};
    },
  }),
  Ping: method({ args: z.object({}), rights: [], handler: () => ({}) }),
  CreateToken: method({
    args: z.object({}),
    rights: [],
    handler: (ctx) => ({ PxgRetVal: ctx.sessions.createToken(ctx.user.id, ctx.vserverId) }),
  }),
});
