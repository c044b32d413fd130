/**
 * Attribute names of KSC server views and lists, as the documentation and seed 001's samples give them. The
 * client's commands ask for them and the emulator serves them: one list each, so the two cannot drift apart.
 */

/** `GlobalUsersListSrvViewName` (seed 001's List Users sample). */
export const USER_VIEW_ATTRIBUTES = [
  'ul_Builtin',
  'ul_InternalUser',
  'ul_Local',
  'ul_bTotpException',
  'ul_bTotpReigstered',
  'ul_bUIS',
  'ul_bUser',
  'ul_binId',
  'ul_binSidHash',
  'ul_imgSid',
  'ul_llTrusteeId',
  'ul_nVServer',
  'ul_strObjectGUID',
  'ul_wstrCompany',
  'ul_wstrDepartment',
  'ul_wstrDisplayName',
  'ul_wstrMail',
  'ul_wstrMobile',
  'ul_wstrPrincipalName',
  'ul_wstrSamAccountName',
  'ul_wstrTelephoneNumber',
] as const;

/**
 * Quarantine, Backup and TIF list items (seed 001's List Quarantine Files sample), plus `szDescription`, which
 * spec §9 names in the official sample's field list and which carries the threat.
 */
export const LIST_ITEM_ATTRIBUTES = [
  'nId',
  'strId',
  'ObjName',
  'strHostName',
  'nGroup',
  'szFileTitle',
  'szRestorePath',
  'szDescription',
  'QBObjSize',
  'QBStoreTime',
  'QBLastCheckBaseDate',
  'SentToKLDate',
  'iObjStatus',
  'strListProductName',
  'strListProductVersion',
] as const;

/** The documented common attributes of an Application Control file (and of its instances on hosts). */
export const EXE_FILE_ATTRIBUTES = [
  'FILE_ID',
  'FILE_NAME',
  'FILE_NONEMPTY_NAME',
  'FILE_HASH_MD5',
  'FILE_HASH_SHA256',
  'FILE_TYPE',
  'FILE_HIPS_ID',
  'FILE_VERSION',
  'FILE_VERSIONRAW',
  'PRODUCT_NAME',
  'PRODUCT_VERSION',
  'PRODUCT_VERSIONRAW',
  'ORGANIZATION_NAME',
  'TRUSTED_GROUP',
  'HST_FIRST_APPEAR',
  'HOST_ID',
  'HOST_NAME',
] as const;

/**
 * The attributes of the software inventory view (`InvSrvViewName`) the reference documents and the emulator
 * serves: one record per application across the server's hosts.
 */
export const INVENTORY_VIEW_ATTRIBUTES = [
  'nId',
  'strID',
  'bIsMsi',
  'wstrDisplayName',
  'wstrDisplayVersion',
  'wstrPublisher',
  'wstrComments',
  'wstrHelpLink',
  'wstrHelpTelephone',
  'wstrARPRegKey',
  'nHostCount',
  'wstrTotalUninstallString',
  'wstrTotalQuietUninstallString',
  'tmFirstAppear',
] as const;
