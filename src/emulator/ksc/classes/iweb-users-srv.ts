import type { KlValue } from '../../../ksc/values.ts';
import { isKlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { recordMail } from '../mail/outbox.ts';
import { defineClass } from '../method.ts';

function text(value: KlValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw faults.badParameter('pParams');
  return value;
}

/**
 * `IWebUsersSrv.SendEmail`: checks the message as KSC does (`MailRecipients` mandatory) and records it in the
 * emulator's outbox instead of sending it (src/emulator/ksc/mail/outbox.ts, `GET /__emulator/mail`).
 */
export const iWebUsersSrvClass = defineClass('IWebUsersSrv', {
  SendEmail: {
    rights: [need('basic', 'write')],
    handler: async (ctx, { pParams, wstrRequestId }) => {
      const recipients = pParams['MailRecipients'];
      if (
        !Array.isArray(recipients) ||
        recipients.length === 0 ||
        !recipients.every((r) => typeof r === 'string' && r.trim() !== '')
      )
        throw faults.badParameter('pParams');
      const qrCodes = pParams['QrCodes'] ?? [];
      if (!Array.isArray(qrCodes) || !qrCodes.every(isKlParams)) throw faults.badParameter('pParams');
      const embed = pParams['EmbedQrCodes'] ?? false;
      if (typeof embed !== 'boolean') throw faults.badParameter('pParams');
      await recordMail(ctx, {
        sender: ctx.user.name,
        requestId: wstrRequestId ?? '',
        sentAt: new Date(ctx.clock.now()).toISOString(),
        recipients: recipients as string[],
        subject: text(pParams['MailSubject']),
        body: text(pParams['MailBody']),
        bodyType: text(pParams['MailBodyType']),
        embedQrCodes: embed,
        qrCodes: qrCodes.map((q) => text((q as Record<string, KlValue>)['QrCodePicture'])),
      });
      return {};
    },
  },
});
