import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `AsyncActionStateChecker`: the state of an action started by an asynchronous method. */
export const asyncActionStateCheckerMethods = {
  /** Reports whether an asynchronous action has finished, how, and how long to wait before asking again. */
  'AsyncActionStateChecker.CheckActionState': kscMethod({
    args: z.strictObject({ wstrActionGuid: arg.string() }),
    reply: z.looseObject({
      bFinalized: out.bool(),
      /** Meaningful only once `bFinalized` is true. */
      bSuccededFinalized: out.bool(),
      lStateCode: out.long(),
      /** Null tolerated: any method-level value may be null on the wire, and a running action has no data. */
      pStateData: out.params().nullable(),
      /** Milliseconds. */
      lNextCheckDelay: out.long(),
    }),
  }),
} as const;
