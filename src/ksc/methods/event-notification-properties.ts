import { z } from 'zod';
import { arg, kscMethod, noArgs, noReply, out } from './schema.ts';

/** `EventNotificationProperties`: how the server notifies about events (SMTP, SMS gateway) and how often. */
export const eventNotificationPropertiesMethods = {
  /** The default notification settings (`KLEVP_ND_*`). */
  'EventNotificationProperties.GetDefaultSettings': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Replaces the members given of the default notification settings. */
  'EventNotificationProperties.SetDefaultSettings': kscMethod({
    args: z.strictObject({ pSettings: arg.params() }),
    reply: noReply(),
  }),
  /** Tests notification settings by sending a test notification of type `eType` (recorded, not sent). */
  'EventNotificationProperties.TestNotification': kscMethod({
    args: z.strictObject({ eType: arg.int(), pSettings: arg.params() }),
    reply: noReply(),
  }),
  /** The notification limits (`KLEVP_NL_*`). */
  'EventNotificationProperties.GetNotificationLimits': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Replaces the members given of the notification limits. */
  'EventNotificationProperties.SetNotificationLimits': kscMethod({
    args: z.strictObject({ pSettings: arg.params() }),
    reply: noReply(),
  }),
} as const;
