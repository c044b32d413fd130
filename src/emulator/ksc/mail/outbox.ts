import type { Hono } from 'hono';
import { decodeParams } from '../../../ksc/codec.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { parseWireJson } from '../../../wire/json.ts';
import type { EmulatorEnv } from '../../core/server.ts';
import type { MethodContext } from '../context.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';
import type { ServerSettingsTables } from '../store/tables/server-settings.ts';
import type { KscWorld } from '../world.ts';

/**
 * Mail the emulated server "sent" (`IWebUsersSrv.SendEmail`): recorded, never delivered. Kept per virtual server
 * in `server_settings` under `sent-mail`, newest last, the last {@link OUTBOX_LIMIT} only; readable through the
 * control API (`GET /__emulator/mail`), emptied by a reset.
 */

export const OUTBOX_LIMIT = 1000;

/** One recorded e-mail, as the control API shows it. */
export interface SentMail {
  readonly id: number;
  readonly vserverId: number;
  /** The KSC user who sent it. */
  readonly sender: string;
  /** `wstrRequestId` of the call ('' when absent). */
  readonly requestId: string;
  /** ISO time on the emulator clock. */
  readonly sentAt: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly body: string;
  /** `MailBodyType`: `html` or '' (plain text). */
  readonly bodyType: string;
  readonly embedQrCodes: boolean;
  /** The QR codes' `QrCodePicture` names, in order (the pictures are not kept). */
  readonly qrCodes: readonly string[];
}

function readMails(stored: KlParams | undefined): SentMail[] {
  return ((stored?.['mails'] as KlParams[] | undefined) ?? []).map((m) => ({
    id: Number(m['id']),
    vserverId: Number(m['vserverId']),
    sender: String(m['sender']),
    requestId: String(m['requestId']),
    sentAt: String(m['sentAt']),
    recipients: (m['recipients'] as string[] | undefined) ?? [],
    subject: String(m['subject']),
    body: String(m['body']),
    bodyType: String(m['bodyType']),
    embedQrCodes: m['embedQrCodes'] === true,
    qrCodes: (m['qrCodes'] as string[] | undefined) ?? [],
  }));
}

/** Records one e-mail of the caller's server; returns its id. */
export async function recordMail(
  ctx: MethodContext,
  mail: Omit<SentMail, 'id' | 'vserverId'>,
): Promise<number> {
  const mails = readMails(await storedSetting(ctx.world, ctx.vserverId, 'sent-mail'));
  const id = (mails.at(-1)?.id ?? 0) + 1;
  const next = [...mails, { ...mail, id, vserverId: ctx.vserverId }].slice(-OUTBOX_LIMIT);
  await storeSetting(ctx.world, ctx.vserverId, 'sent-mail', {
    mails: next.map((m) => ({ ...m, recipients: [...m.recipients], qrCodes: [...m.qrCodes] })),
  });
  return id;
}

/** Every recorded e-mail of every virtual server, by server then id. */
export async function sentMail(world: KscWorld): Promise<SentMail[]> {
  const rows = await world.db
    .withTables<ServerSettingsTables>()
    .selectFrom('server_settings')
    .select(['vserver_id', 'data'])
    .where('name', '=', 'sent-mail')
    .orderBy('vserver_id')
    .execute();
  return rows.flatMap((row) => readMails(decodeParams(parseWireJson(row.data))));
}

/** `GET /__emulator/mail`: what the server would have sent. */
export function mountMailControl(control: Hono<EmulatorEnv>, world: KscWorld): void {
  control.get('/mail', async (c) => c.json({ mails: await sentMail(world) }));
}
