import { defineClass } from '../method.ts';

/** `AsyncActionStateChecker`: the state of an action started by an asynchronous method (spec §9, XSOAR). */
export const asyncActionStateCheckerClass = defineClass('AsyncActionStateChecker', {
  CheckActionState: {
    rights: [],
    handler: (ctx, { wstrActionGuid }) => {
      const state = ctx.actions.check(wstrActionGuid, ctx.owner);
      return {
        bFinalized: state.finalized,
        bSuccededFinalized: state.succeeded,
        lStateCode: state.stateCode,
        pStateData: state.stateData,
        lNextCheckDelay: state.nextCheckDelayMs,
      };
    },
  },
});
