import { KSC_CLASSES } from './classes/index.ts';
import type { KscClass, MethodCoverage } from './method.ts';

/**
 * The coverage table of docs/emulator-ksc/coverage.md, generated from the emulator's registry (`KSC_CLASSES`) so it cannot
 * drift: every implemented method with its coverage note, and every class and method issue 21 names that the
 * emulator does not implement yet as `none` (answered with KSC's 1194 "No such call").
 */

/** Classes and methods issue 21 asks for; `[]` where it names the class only. */
export const EXPECTED_METHODS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  HostGroup: [
    'GetSubgroups',
    'GetInstanceStatistics',
    'AddIncident',
    'UpdateIncident',
    'DeleteIncident',
    'FindIncidents',
    'UpdateHost',
    'ZeroVirusCountForGroup',
    'ZeroVirusCountForHosts',
  ],
  Tasks: ['GetTaskStartEvent', 'ProtectPassword', 'ResolveTaskId'],
  Policy: [
    'AddPolicy',
    'UpdatePolicyData',
    'DeletePolicy',
    'CopyOrMovePolicy',
    'GetOutbreakPolicies',
    'SetOutbreakPolicies',
  ],
  ReportManager: [
    'EnumReportTypes',
    'EnumReports',
    'GetDefaultReportInfo',
    'GetReportCommonData',
    'ExecuteReportAsync',
    'ExecuteReportAsyncGetData',
  ],
  ServerHierarchy: [
    'GetChildServers',
    'GetServerInfo',
    'RegisterServer',
    'UpdateServer',
    'DelServer',
    'FindSlaveServers',
  ],
  VServers: [
    'GetVServers',
    'GetVServerInfo',
    'AddVServerInfo',
    'DelVServer',
    'MoveVServer',
    'UpdateVServerInfo',
    'RecallCertAndCloseConnections',
    'GetPermissions',
    'SetPermissions',
  ],
  CgwHelper: [],
  GatewayConnection: [],
  NagNetworkListApi: [],
  LicenseKeys: [],
  ListTags: [],
  UaControl: [],
  // The KSC 16 reference's member list (decisions/0067).
  UserDevicesApi: [
    'CreateEnrollmentPackage',
    'CreateEnrollmentPackage2',
    'CreateEnrollmentPackage2Ex',
    'CreateEnrollmentPackages',
    'CreateEnrollmentPackagesMulti',
    'DeleteCommand',
    'DeleteDevice',
    'DeleteEnrollmentPackage',
    'GenerateQRCode',
    'GenerateQRCodeMulti',
    'GetCommands',
    'GetCommandsAll',
    'GetCommandsLibrary',
    'GetDecipheredCommandList',
    'GetDevice',
    'GetDevices',
    'GetDevicesExtraData',
    'GetEnrollmentPackage',
    'GetEnrollmentPackageEx',
    'GetEnrollmentPackageFileData',
    'GetEnrollmentPackageFileInfo',
    'GetEnrollmentPackages',
    'GetEnrollmentPackagesEx',
    'GetHostsUmdmInfo',
    'GetJournalCommandResult',
    'GetJournalRecords',
    'GetJournalRecords2',
    'GetLatestDeviceActivityDate',
    'GetMobileAgentSettingStorageData',
    'GetMultitenancyServerSettings',
    'GetMultitenancyServersInfo',
    'GetNotAcceptedEulaIds',
    'GetSafeBrowserAutoinstallFlag',
    'GetSyncInfo',
    'GlueDevices',
    'IsEulaAccepted',
    'PostCommand',
    'PostCommand2',
    'RecallCommand',
    'SaveEulaAndAccept',
    'SetMultitenancyServerSettings',
    'SetSafeBrowserAutoinstallFlag',
    'SspLoginAllowed',
    'UpdateDevice',
  ],
  AdHosts: [
    'AddOU',
    'FindAdGroups',
    'GetChildComputer',
    'GetChildComputers',
    'GetChildOUs',
    'GetOU',
    'RemoveOU',
    'UpdateOU',
  ],
  FileCategorizer2: [
    'AddExpressions',
    'CancelFileMetadataOperations',
    'CancelFileUpload',
    'CreateCategory',
    'DeleteCategory',
    'DeleteExpression',
    'DoStaticAnalysisAsync',
    'DoStaticAnalysisAsync2',
    'DoTestStaticAnalysisAsync',
    'DoTestStaticAnalysisAsync2',
    'FinishStaticAnalysis',
    'ForceCategoryUpdate',
    'GetCategoriesModificationCounter',
    'GetCategory',
    'GetCategoryByUUID',
    'GetFileMetadata',
    'GetFilesMetadata',
    'GetFilesMetadataFromMSI',
    'GetRefPolicies',
    'GetSerializedCategoryBody',
    'GetSerializedCategoryBody2',
    'GetSyncId',
    'InitFileUpload',
    'UpdateCategory',
    'UpdateExpressions',
  ],
  DataProtectionApi: [],
  EventNotificationProperties: [],
  AdmServerSettings: ['GetSharedFolder'],
  IWebUsersSrv: ['SendEmail'],
});

export type CoverageLevel = 'full' | 'partial' | 'none';

export interface CoverageRow {
  readonly className: string;
  /** `undefined` for a class the issue names without methods and the emulator lacks. */
  readonly method: string | undefined;
  readonly level: CoverageLevel;
  readonly missing: string;
}

function implementedRow(className: string, method: string, coverage: MethodCoverage): CoverageRow {
  return coverage.level === 'full'
    ? { className, method, level: 'full', missing: '' }
    : { className, method, level: 'partial', missing: coverage.missing };
}

/** Rows by class, then method, in name order: implemented methods and the expected ones still missing. */
export function coverageRows(classes: readonly KscClass[] = KSC_CLASSES): CoverageRow[] {
  const rows: CoverageRow[] = [];
  const byClass = new Map<string, KscClass[]>();
  for (const c of classes) byClass.set(c.name, [...(byClass.get(c.name) ?? []), c]);
  const names = new Set([...byClass.keys(), ...Object.keys(EXPECTED_METHODS)]);
  for (const className of [...names].sort()) {
    const implemented = new Map<string, MethodCoverage>();
    for (const c of byClass.get(className) ?? [])
      for (const [method, definition] of Object.entries(c.methods))
        implemented.set(method, definition.coverage);
    const expected = EXPECTED_METHODS[className] ?? [];
    if (implemented.size === 0 && expected.length === 0) {
      rows.push({ className, method: undefined, level: 'none', missing: 'the whole class' });
      continue;
    }
    const methods = new Set([...implemented.keys(), ...expected]);
    for (const method of [...methods].sort()) {
      const coverage = implemented.get(method);
      rows.push(
        coverage === undefined
          ? { className, method, level: 'none', missing: 'not implemented' }
          : implementedRow(className, method, coverage),
      );
    }
  }
  return rows;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** docs/emulator-ksc/coverage.md before formatting. */
export function coverageDocument(rows: readonly CoverageRow[] = coverageRows()): string {
  const count = (level: CoverageLevel) => rows.filter((r) => r.level === level).length;
  const lines = [
    '# KSC emulator: classes and methods',
    '',
    '<!-- Generated by `npm run docs:emulator` from the emulator registry (src/emulator/ksc/classes/ and',
    'src/emulator/ksc/coverage.ts). Do not edit by hand; a test fails when this file is out of date. -->',
    '',
    'What the KSC emulator answers, method by method: **full** (as the public KSC Open API reference documents',
    'it, in the seeded world), **partial** (with what a real server does that the emulator does not), or',
    '**none** (not implemented: the emulator answers KSC\'s 1194 "No such call"). Classes and methods marked',
    '`none` are the ones issue 21 names.',
    '',
    `Methods: ${count('full')} full, ${count('partial')} partial, ${count('none')} none.`,
    '',
    '| class | method | coverage | missing |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.className} | ${r.method === undefined ? '—' : r.method} | ${r.level} | ${cell(r.missing)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
