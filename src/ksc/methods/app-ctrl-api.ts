import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `AppCtrlApi`: Application Control data about executable files. */
export const appCtrlApiMethods = {
  /** Describes an executable file on a host, or only its common attributes when `szwHostId` is empty. */
  'AppCtrlApi.GetExeFileInfo': kscMethod({
    args: z.strictObject({
      szwHostId: arg.string().nullable().optional(),
      lFileId: arg.long(),
      /** Names the attributes wanted (its values are ignored); empty or null for all of them. */
      pFilter: arg.params().nullable().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
} as const;
