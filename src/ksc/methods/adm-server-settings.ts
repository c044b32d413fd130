import { z } from 'zod';
import { kscMethod, noArgs, out } from './schema.ts';

/** `AdmServerSettings`: settings of the Administration Server itself. */
export const admServerSettingsMethods = {
  /** The network path of the server's shared folder (installation packages, updates). */
  'AdmServerSettings.GetSharedFolder': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
} as const;
