import { z } from 'zod';
import { arg, kscMethod, noReply } from './schema.ts';

/** `IWebUsersSrv`: e-mail to users (enrollment links, QR codes) through the server's SMTP settings. */
export const iWebUsersSrvMethods = {
  /**
   * Sends one e-mail to several recipients. `pParams`: `MailRecipients` (strings, mandatory), `MailSubject`,
   * `MailBody`, `MailBodyType` (`"html"`), `EmbedQrCodes`, `QrCodes`.
   */
  'IWebUsersSrv.SendEmail': kscMethod({
    args: z.strictObject({ pParams: arg.params(), wstrRequestId: arg.string().optional() }),
    reply: noReply(),
  }),
} as const;
