/**
 * The reasons of the "important events (monitoring)" general status, `KLSTS_Events` (seed 000): each bit of
 * `KLSTS_Par_StatusReasonMask`, the output parameters it names, whether it can be reset, and the status level
 * it raises (`KLSTS_Par_Status`: 0 OK, 1 Informational, 2 Warning, 3 Critical, as KLAK's statistics sample reads
 * it). Parameter names come from seed 000 and KLAK's sample; the levels are ours (docs/decisions/0010).
 */

export const EVENTS_STATUS = 'KLSTS_Events';

export const STATUS_LEVEL = Object.freeze({ OK: 0, INFO: 1, WARNING: 2, CRITICAL: 3 });
export type StatusLevel = (typeof STATUS_LEVEL)[keyof typeof STATUS_LEVEL];

/** Type of an output parameter's value. */
export type ReasonParamType = 'int' | 'string' | 'strings';

export interface StatusReason {
  /** The bit's value in the mask (0 is "nothing to report"). */
  readonly bit: number;
  readonly text: string;
  readonly params: Readonly<Record<string, ReasonParamType>>;
  /** Counts "since the status was reset" and `ReportManager.ResetStatisticsData` clears it. */
  readonly resettable: boolean;
  readonly level: StatusLevel;
}

const r = (
  bit: number,
  level: StatusLevel,
  text: string,
  params: Readonly<Record<string, ReasonParamType>> = {},
  resettable = false,
): StatusReason => Object.freeze({ bit, text, params, resettable, level });

const { OK, INFO, WARNING, CRITICAL } = STATUS_LEVEL;

/** All 23 reasons of seed 000, in its order. */
export const EVENTS_REASONS: readonly StatusReason[] = Object.freeze([
  r(0, OK, 'No new critical events or errors found.'),
  r(
    1,
    CRITICAL,
    'New critical events registered on the server.',
    { KLSTS_Par_Ev_CriticalSrvEventsCnt: 'int' },
    true,
  ),
  r(
    2,
    CRITICAL,
    'An Administration Server task failed.',
    { KLSTS_Par_Ev_FailedSrvTskName: 'string', KLSTS_Par_Ev_FailedSrvTskStrId: 'string' },
    true,
  ),
  r(4, INFO, 'New user requests raised.', { KLSTS_Par_Ev_UserRequestsCnt: 'int' }),
  r(
    8,
    WARNING,
    'New error events registered on the server.',
    { KLSTS_Par_Ev_ErrorSrvEventsCnt: 'int' },
    true,
  ),
  r(16, WARNING, 'Computers have not searched for Windows updates for a long time.', {
    KLSTS_Par_Ev_WuaDataObsoleteCnt: 'int',
  }),
  r(32, INFO, 'Software updates wait for their EULA to be accepted.', {
    KLSTS_Par_Ev_VapmEulaUpdatesCnt: 'int',
  }),
  r(64, WARNING, 'Hosts have a status that is not OK for other reasons.', {
    KLSTS_Par_Ev_BadStatusHostsCnt: 'int',
  }),
  // Seed 000 says "Status can be reset" of 1, 2 and 8 only; 4 and 128 stay until their condition ends.
  r(128, INFO, 'New APS files appeared after the last notice.'),
  r(512, INFO, 'Applicable patches for managed Kaspersky products are not yet approved.'),
  r(1024, INFO, 'Applicable patches have KSN agreements not yet accepted.'),
  r(2048, INFO, 'Applicable patches have EULAs not yet accepted.'),
  r(4096, WARNING, 'Installed revoked patches are not yet declined.'),
  r(8192, WARNING, 'Kaspersky Security Center requires a reboot.', { KLSTS_Par_Ev_AdmSrvRbtRsn: 'int' }),
  r(16384, INFO, 'New versions of products in use are available.', {
    KLSTS_Par_Ev_NewVersionsCnt: 'int',
    KLSTS_Par_Ev_NewKscVersionsCnt: 'int',
  }),
  r(32768, INFO, 'New product distributives are available.', { KLSTS_Par_Ev_NewProductsCnt: 'int' }),
  r(65536, WARNING, 'Console plug-ins must be upgraded.', { c_sts_Par_Ev_RequiredPluginsCnt: 'int' }),
  r(131072, INFO, 'Mobile EULAs are not yet accepted.'),
  r(262144, WARNING, 'The accepted KSN agreement is obsolete.', {
    c_sts_Par_Ev_ExpectedKsnAgreementId: 'int',
  }),
  r(524288, INFO, 'OAuth2 clients are not yet approved.'),
  r(1048576, INFO, 'OAuth2 resource servers are not yet approved.'),
  r(2097152, WARNING, 'Issuer URL CA certificates expire soon.', {
    c_sts_Par_Ev_AdfsIssuerUrlCaExpiresSoonNames: 'strings',
  }),
  r(4194304, INFO, 'The DPA is not accepted.', { KLSTS_Par_Ev_DpaNotAccepted: 'int' }),
]);

export const EVENTS_REASON_BY_BIT: ReadonlyMap<number, StatusReason> = new Map(
  EVENTS_REASONS.map((reason) => [reason.bit, reason]),
);

/** Bits `ResetStatisticsData` can clear. */
export const RESETTABLE_BITS: readonly number[] = EVENTS_REASONS.filter((x) => x.resettable).map(
  (x) => x.bit,
);
