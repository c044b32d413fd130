import { defineClass } from '../method.ts';

/** `Session`: authenticated sessions and one-time tokens (spec §1.2, §1.5). */
export const sessionClass = defineClass('Session', {
  StartSession: {
    rights: [],
    handler: (ctx) => ({ PxgRetVal: ctx.sessions.create(ctx.user.id, ctx.vserverId, ctx.gateway).id }),
  },
  EndSession: {
    rights: [],
    handler: (ctx) => {
      if (ctx.session !== undefined) ctx.sessions.end(ctx.session.key);
      return {};
    },
  },
  Ping: { rights: [], handler: () => ({}) },
  CreateToken: {
    rights: [],
    handler: (ctx) => ({ PxgRetVal: ctx.sessions.createToken(ctx.user.id, ctx.vserverId) }),
  },
});
