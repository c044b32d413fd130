import { writePxgError, type PxgErrorInfo } from '../../ksc/pxg-error.ts';
import { stringifyWireJson } from '../../wire/json.ts';

/**
 * Where a real server would have raised an error: the `file` and `line` of its `PxgError`. KSC reports the C++
 * source of the throw; clients that print errors read both (one Go client formats every error as
 * `file:line`). The values are ours (spec §2.3 documents the fields, not their values), stable per error kind
 * so a recorded response does not change between runs. See docs/decisions/0059-emulator-fidelity-a.md.
 */
export interface PxgSource {
  readonly file: string;
  readonly line: number;
}

/** Sources per error kind; the module's generic source is the fallback for errors built elsewhere. */
export const PXG_SOURCES = {
  accessDenied: { file: 'std/sec/secchecks.cpp', line: 214 },
  notFound: { file: 'std/err/klerrors.cpp', line: 87 },
  badParameter: { file: 'std/par/paramsimpl.cpp', line: 1147 },
  notPermitted: { file: 'std/err/klerrors.cpp', line: 93 },
  limitViolation: { file: 'srv/lic/licrestrictions.cpp', line: 402 },
  unavailable: { file: 'std/err/klerrors.cpp', line: 101 },
  noSuchCall: { file: 'transport/gui/gui_calls.cpp', line: 378 },
  filterSyntax: { file: 'srv/srvview/srch_parser.cpp', line: 655 },
  unknownDevice: { file: 'srv/hst/hostsimpl.cpp', line: 1963 },
  wrongListItem: { file: 'srv/nlst/nlst_srv.cpp', line: 741 },
  missingSetting: { file: 'std/prss/ss_srv.cpp', line: 528 },
  taskNotFound: { file: 'srv/tsk/tasksstorage.cpp', line: 1220 },
  iteratorNotFound: { file: 'srv/srvview/iterators.cpp', line: 133 },
  authenticationFailure: { file: 'wat/wat_logon.cpp', line: 866 },
  accountLocked: { file: 'srv/spl/spl_users.cpp', line: 309 },
  sessionInvalid: { file: 'wat/wat_sessions.cpp', line: 412 },
} as const satisfies Record<string, PxgSource>;

const MODULE_SOURCES: Readonly<Record<string, PxgSource>> = {
  KLSTD: { file: 'std/err/klerrors.cpp', line: 75 },
  KLCONN: PXG_SOURCES.noSuchCall,
  KLHST: PXG_SOURCES.unknownDevice,
  KLNLST: PXG_SOURCES.wrongListItem,
  KLPRSS: PXG_SOURCES.missingSetting,
  KLPRTS: PXG_SOURCES.taskNotFound,
  KLWAT: PXG_SOURCES.sessionInvalid,
  SPL: PXG_SOURCES.accountLocked,
};

const UNKNOWN_SOURCE: PxgSource = { file: 'std/err/klerrors.cpp', line: 75 };

/**
 * Every field KSC sends (spec §2.3): `subcode` 0 where nothing finer applies, the source of the throw, and
 * `locdata` even for messages without arguments (then the format is the message itself).
 */
export function completePxgError(info: PxgErrorInfo, source?: PxgSource): Required<PxgErrorInfo> {
  const module = info.module ?? 'KLSTD';
  const where = source ?? MODULE_SOURCES[module] ?? UNKNOWN_SOURCE;
  return {
    code: info.code,
    subcode: info.subcode ?? 0,
    module,
    file: info.file ?? where.file,
    line: info.line ?? where.line,
    message: info.message,
    locdata: {
      format: info.locdata?.format ?? info.message,
      formatId: info.locdata?.formatId ?? info.code,
      locmodule: info.locdata?.locmodule ?? module,
      args: info.locdata?.args ?? [],
    },
  };
}

/**
 * An error the emulated server answers with: a KLOAPI `PxgError` body and the HTTP status KSC would use
 * (200 for method-level errors, 401 for failed authentication, 403 for a missing or ended session).
 */
export class KscFault extends Error {
  override readonly name = 'KscFault';
  readonly info: Required<PxgErrorInfo>;
  constructor(
    info: PxgErrorInfo,
    readonly httpStatus = 200,
    source?: PxgSource,
  ) {
    super(info.message);
    this.info = completePxgError(info, source);
  }

  body(): string {
    return stringifyWireJson(writePxgError(this.info));
  }
}

function fault(
  kind: keyof typeof PXG_SOURCES,
  code: number,
  module: string,
  format: string,
  args: readonly string[] = [],
  httpStatus = 200,
): KscFault {
  const message = format.replace(/%(\d+)/g, (whole, n: string) => args[Number(n) - 1] ?? whole);
  const info: PxgErrorInfo = {
    code,
    module,
    message,
    locdata: { format, formatId: code, locmodule: module, args },
  };
  return new KscFault(info, httpStatus, PXG_SOURCES[kind]);
}

/**
 * The errors the emulator raises. Codes come from the official error table (spec §2.4) and from the order of
 * the KLSTD error enumeration (STDE_BADPARAM = 1187 sits between STDE_NOTFOUND 1186 and STDE_BADFORMAT 1192);
 * the message texts are seed 001's where it shows one. See docs/decisions/0002-emulator-errors.md.
 */
export const faults = {
  accessDenied: () => fault('accessDenied', 1184, 'KLSTD', 'Access denied'),
  notFound: (what = 'Object not found') => fault('notFound', 1186, 'KLSTD', what),
  badParameter: (name: string) => fault('badParameter', 1187, 'KLSTD', 'Bad parameter "%1"', [name]),
  notPermitted: (what = 'Operation is not permitted') => fault('notPermitted', 1193, 'KLSTD', what),
  limitViolation: (what: string) => fault('limitViolation', 1229, 'KLSTD', what),
  unavailable: (what = 'Resource is temporarily unavailable') => fault('unavailable', 1195, 'KLSTD', what),
  noSuchCall: (method: string) => fault('noSuchCall', 1194, 'KLCONN', "No such call '%1'", [method]),
  filterSyntax: (message: string) => fault('filterSyntax', 1192, 'KLSTD', message),
  unknownDevice: (name: string) =>
    fault('unknownDevice', 1186, 'KLHST', "Unknown name of device '%1'", [name]),
  wrongListItem: () => fault('wrongListItem', 1186, 'KLNLST', "Wrong identificator of the list's item."),
  missingSetting: (name: string) =>
    fault('missingSetting', 1125, 'KLPRSS', 'Parameter with name "%1" not exist', [name]),
  taskNotFound: (id: string) => fault('taskNotFound', 1186, 'KLPRTS', 'Task #%1 was not found', [id]),
  iteratorNotFound: () => fault('iteratorNotFound', 1186, 'KLSTD', 'Iterator not found or expired'),
  authenticationFailure: () =>
    fault('authenticationFailure', 1453, 'KLWAT', 'Authentication failure', [], 401),
  accountLocked: () =>
    fault(
      'accountLocked',
      2013,
      'SPL',
      'The account is locked after too many unsuccessful logon attempts',
      [],
      401,
    ),
  sessionInvalid: () =>
    fault('sessionInvalid', 1445, 'KLWAT', 'Session is not valid or has expired', [], 403),
} as const;
