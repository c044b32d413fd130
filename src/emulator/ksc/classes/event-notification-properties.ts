import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import { storedSetting, storeSetting, type ServerSettingName } from '../server-settings/store.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'write')];

/**
 * Defaults of a fresh server: notifications go nowhere until an SMTP server is set. Member names follow the
 * reference's `KLEVP_ND_*` / `KLEVP_NL_*` families; the values are the console's defaults (decisions/0062).
 */
type NotificationSetting = Extract<ServerSettingName, `notification-${string}`>;

const DEFAULTS: Readonly<Record<NotificationSetting, KlParams>> = {
  'notification-defaults': {
    KLEVP_ND_EMAIL: '',
    KLEVP_ND_SMTP_SERVER: '',
    KLEVP_ND_SMTP_PORT: 25,
    KLEVP_ND_EMAIL_FROM: '',
    KLEVP_ND_EMAIL_SUBJECT: '%EVENT% on %COMPUTER%',
    KLEVP_ND_USE_ESMTP: false,
    KLEVP_ND_ESMTP_USER: '',
    KLEVP_ND_SMS_EMAIL: '',
    KLEVP_ND_SMS_SMTP_SERVER: '',
    KLEVP_ND_SMS_SMTP_PORT: 25,
    KLEVP_ND_SCRIPT: '',
    KLEVP_ND_DAYS_TO_STORE_EVENT: 30,
  },
  'notification-limits': {
    KLEVP_NL_NOTIFICATIONS_PER_PERIOD: 1000,
    KLEVP_NL_PERIOD_SEC: 3600,
    KLEVP_NL_MAX_QUEUE_SIZE: 10000,
  },
};

async function read(ctx: MethodContext, name: NotificationSetting): Promise<KlParams> {
  return { ...DEFAULTS[name], ...(await storedSetting(ctx.world, ctx.vserverId, name)) };
}

/** The members given replace the current ones; members not given keep their value, as KSC merges params. */
async function write(ctx: MethodContext, name: NotificationSetting, given: KlParams): Promise<void> {
  await storeSetting(ctx.world, ctx.vserverId, name, { ...(await read(ctx, name)), ...given });
}

/** `eType` of TestNotification: the notification channels the reference lists (e-mail, SMS, script). */
const TEST_TYPES = new Set([1, 2, 4, 8]);

/**
 * `EventNotificationProperties`, stored per virtual server on both backends.
 * Coverage: GetDefaultSettings, SetDefaultSettings, GetNotificationLimits, SetNotificationLimits — full;
 * TestNotification — partial: checks its arguments and sends nothing (the emulator never sends mail).
 */
export const eventNotificationPropertiesClass = defineClass('EventNotificationProperties', {
  GetDefaultSettings: {
    rights: READ,
    handler: async (ctx) => ({ PxgRetVal: await read(ctx, 'notification-defaults') }),
  },
  SetDefaultSettings: {
    rights: WRITE,
    handler: async (ctx, { pSettings }) => {
      await write(ctx, 'notification-defaults', pSettings);
      return {};
    },
  },
  TestNotification: {
    rights: WRITE,
    handler: (_ctx, { eType }) => {
      if (!TEST_TYPES.has(eType)) throw faults.badParameter('eType');
      return {};
    },
  },
  GetNotificationLimits: {
    rights: READ,
    handler: async (ctx) => ({ PxgRetVal: await read(ctx, 'notification-limits') }),
  },
  SetNotificationLimits: {
    rights: WRITE,
    handler: async (ctx, { pSettings }) => {
      await write(ctx, 'notification-limits', pSettings);
      return {};
    },
  },
});
