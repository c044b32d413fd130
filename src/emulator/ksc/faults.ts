import { writePxgError, type PxgErrorInfo } from '../../ksc/pxg-error.ts';
import { stringifyWireJson } from '../../wire/json.ts';

/**
 * An error the emulated server answers with: a KLOAPI `PxgError` body and the HTTP status KSC would use
 * (200 for method-level errors, 401 for failed authentication, 403 for a missing or ended session).
 */
export class KscFault extends Error {
  override readonly name = 'KscFault';
  constructor(
    readonly info: PxgErrorInfo,
    readonly httpStatus = 200,
  ) {
    super(info.message);
  }

  body(): string {
    return stringifyWireJson(writePxgError(this.info));
  }
}

function fault(
  code: number,
  module: string,
  format: string,
  args: readonly string[] = [],
  httpStatus = 200,
): KscFault {
  const message = format.replace(/%(\d+)/g, (whole, n: string) => args[Number(n) - 1] ?? whole);
  const info: PxgErrorInfo =
    args.length === 0
      ? { code, module, message }
      : { code, module, message, locdata: { format, formatId: code, locmodule: module, args } };
  return new KscFault(info, httpStatus);
}

/**
 * The errors the emulator raises. Codes come from the official error table (spec §2.4) and from the order of
 * the KLSTD error enumeration (STDE_BADPARAM = 1187 sits between STDE_NOTFOUND 1186 and STDE_BADFORMAT 1192);
 * the message texts are seed 001's where it shows one. See docs/decisions/0002-emulator-errors.md.
 */
export const faults = {
  accessDenied: () => fault(1184, 'KLSTD', 'Access denied'),
  notFound: (what = 'Object not found') => fault(1186, 'KLSTD', what),
  badParameter: (name: string) => fault(1187, 'KLSTD', 'Bad parameter "%1"', [name]),
  notPermitted: (what = 'Operation is not permitted') => fault(1193, 'KLSTD', what),
  limitViolation: (what: string) => fault(1229, 'KLSTD', what),
  unavailable: (what = 'Resource is temporarily unavailable') => fault(1195, 'KLSTD', what),
  noSuchCall: (method: string) => fault(1194, 'KLCONN', "No such call '%1'", [method]),
  filterSyntax: (message: string) => fault(1192, 'KLSTD', message),
  unknownDevice: (name: string) => fault(1186, 'KLHST', "Unknown name of device '%1'", [name]),
  wrongListItem: () => fault(1186, 'KLNLST', "Wrong identificator of the list's item."),
  missingSetting: (name: string) => fault(1125, 'KLPRSS', 'Parameter with name "%1" not exist', [name]),
  taskNotFound: (id: string) => fault(1186, 'KLPRTS', 'Task #%1 was not found', [id]),
  iteratorNotFound: () => fault(1186, 'KLSTD', 'Iterator not found or expired'),
  authenticationFailure: () => fault(1453, 'KLWAT', 'Authentication failure', [], 401),
  accountLocked: () =>
    fault(2013, 'SPL', 'The account is locked after too many unsuccessful logon attempts', [], 401),
  sessionInvalid: () => fault(1445, 'KLWAT', 'Session is not valid or has expired', [], 403),
} as const;
