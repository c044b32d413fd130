import { KconnectError, type ErrorCode } from '../errors.ts';
import type { WireJson } from '../wire/json.ts';

/**
 * A KLOAPI method error as the server reports it in `{"PxgError": {…}}` (spec §2.3). `locdata` carries the
 * localisable form of the message: a `format` with `%1`, `%2`… placeholders and the `args` that fill them.
 */
export interface PxgErrorInfo {
  readonly code: number;
  readonly subcode?: number;
  readonly module?: string;
  readonly file?: string;
  readonly line?: number;
  readonly message: string;
  readonly locdata?: PxgLocData;
}

export interface PxgLocData {
  readonly format?: string;
  readonly formatId?: number;
  readonly locmodule?: string;
  readonly args?: readonly string[];
}

/** One row of the table of known KLOAPI error codes (spec §2.4), with the kconnect error code it maps to. */
export interface KnownPxgError {
  readonly module: string;
  readonly code: number;
  readonly mnemonic: string;
  readonly description: string;
  readonly errorCode: ErrorCode;
}

/** The known KLOAPI error codes: the official "Some error definitions" table (spec §2.4). */
export const KNOWN_PXG_ERRORS: readonly KnownPxgError[] = Object.freeze([
  row('KLPRSS', 1125, 'KLPRSS::NOT_EXIST', 'Parameter with the specified name does not exist', 'NOT_FOUND'),
  row('KLSTD', 1184, 'KLSTD::STDE_NOACCESS', 'Access denied', 'ACCESS_DENIED'),
  row('KLSTD', 1186, 'KLSTD::STDE_NOTFOUND', 'Object not found', 'NOT_FOUND'),
  // Derived, not documented: the KLSTD enumeration of an SDK header places it here; seed 001 shows its text.
  row('KLSTD', 1187, 'KLSTD::STDE_BADPARAM', 'Bad parameter', 'INVALID_INPUT'),
  row('KLSTD', 1192, 'KLSTD::STDE_BADFORMAT', 'Data is corrupted or has an unknown format', 'INVALID_INPUT'),
  row('KLSTD', 1193, 'KLSTD::STDE_NOTPERM', 'Operation is not permitted', 'ACCESS_DENIED'),
  row('KLCONN', 1194, 'KLCONN::GCR_NO_SUCH_CALL', 'No such GUI call', 'NOT_FOUND'),
  row('KLSTD', 1195, 'KLSTD::STDE_UNAVAIL', 'Resource is temporarily unavailable', 'UPSTREAM_UNAVAILABLE'),
  row('KLSTD', 1229, 'KLSTD::STDE_LIMIT_VIOLATION', 'Functionality is limited', 'ACCESS_DENIED'),
  row('KLWAT', 1445, 'KLWAT::ERR_NO_SUCH_CLIENT', 'No such client', 'NOT_FOUND'),
  row('KLWAT', 1453, 'KLWAT::ERR_LOGON_IFAILED', 'Internal user logon failed', 'UNAUTHENTICATED'),
  row('KLWAT', 1454, 'KLWAT::ERR_BA_WEB_TOKEN_FAILED', 'Web token authentication failed', 'UNAUTHENTICATED'),
  row('KLOLA', 2351, 'KLOLA::KLOLA_ERR_SERVER', 'Activation server error', 'UPSTREAM_ERROR'),
  row(
    'SPL',
    2013,
    'KLSPL::SPLERR_ACCOUNT_BLOCKED',
    'Account blocked after too many wrong passwords',
    'UNAUTHENTICATED',
  ),
]);

function row(
  module: string,
  code: number,
  mnemonic: string,
  description: string,
  errorCode: ErrorCode,
): KnownPxgError {
  return Object.freeze({ module, code, mnemonic, description, errorCode });
}

const byCode = new Map(KNOWN_PXG_ERRORS.map((known) => [known.code, known]));

/** Looks up a KLOAPI error code in {@link KNOWN_PXG_ERRORS}. */
export function knownPxgError(code: number): KnownPxgError | undefined {
  return byCode.get(code);
}

/** The message a person should read: the `locdata` format with its `%N` placeholders filled, else `message`. */
export function renderPxgMessage(info: Pick<PxgErrorInfo, 'message' | 'locdata'>): string {
  const format = info.locdata?.format;
  if (format === undefined || format === '') return info.message;
  const args = info.locdata?.args ?? [];
  return format.replace(/%(\d+)/g, (whole, n: string) => args[Number(n) - 1] ?? whole);
}

function asObject(json: WireJson | undefined): { [key: string]: WireJson } | undefined {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? json : undefined;
}

function unwrapParams(json: WireJson | undefined): { [key: string]: WireJson } | undefined {
  const object = asObject(json);
  if (object !== undefined && object['type'] === 'params') return asObject(object['value']);
  return object;
}

function optionalNumber(json: WireJson | undefined): number | undefined {
  if (typeof json === 'number') return json;
  if (typeof json === 'bigint') return Number(json);
  return undefined;
}

function optionalString(json: WireJson | undefined): string | undefined {
  return typeof json === 'string' ? json : undefined;
}

/**
 * Reads the `PxgError` member of a response body, or `undefined` when the body reports no error.
 * Tolerant of what real servers and older versions omit (`subcode` exists since KSC 12.2; `locdata` is optional).
 */
export function readPxgError(body: WireJson): PxgErrorInfo | undefined {
  const error = asObject(asObject(body)?.['PxgError']);
  if (error === undefined) return undefined;
  const loc = unwrapParams(error['locdata']);
  return withoutUndefined({
    code: optionalNumber(error['code']) ?? 0,
    subcode: optionalNumber(error['subcode']),
    module: optionalString(error['module']),
    file: optionalString(error['file']),
    line: optionalNumber(error['line']),
    message: optionalString(error['message']) ?? '',
    locdata:
      loc === undefined
        ? undefined
        : withoutUndefined({
            format: optionalString(loc['format']),
            formatId: optionalNumber(loc['format-id']),
            locmodule: optionalString(loc['locmodule']),
            args: Array.isArray(loc['args']) ? loc['args'].map((arg) => String(arg)) : undefined,
          }),
  });
}

/** `exactOptionalPropertyTypes` forbids present-but-undefined members; this drops them. */
function withoutUndefined<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

/** Builds the wire body `{"PxgError": {…}}` for an error (the emulator's side of {@link readPxgError}). */
export function writePxgError(info: PxgErrorInfo): { PxgError: { [key: string]: WireJson } } {
  const error: { [key: string]: WireJson } = { code: info.code };
  if (info.subcode !== undefined) error['subcode'] = info.subcode;
  if (info.module !== undefined) error['module'] = info.module;
  if (info.file !== undefined) error['file'] = info.file;
  if (info.line !== undefined) error['line'] = info.line;
  error['message'] = info.message;
  if (info.locdata !== undefined) {
    const loc: { [key: string]: WireJson } = {};
    if (info.locdata.format !== undefined) loc['format'] = info.locdata.format;
    if (info.locdata.formatId !== undefined) loc['format-id'] = info.locdata.formatId;
    if (info.locdata.locmodule !== undefined) loc['locmodule'] = info.locdata.locmodule;
    if (info.locdata.args !== undefined) loc['args'] = [...info.locdata.args];
    error['locdata'] = { type: 'params', value: loc };
  }
  return { PxgError: error };
}

export interface KscErrorContext {
  /** The `Class.Method` that failed. */
  readonly method?: string;
  /** The `X-KSC-RequestId` sent with the call. */
  readonly requestId?: string;
  readonly cause?: unknown;
}

/**
 * A method-level error returned by KSC. `code`-based classification maps KLOAPI codes to the kconnect vocabulary
 * (1184 → ACCESS_DENIED, 1186 → NOT_FOUND, …); unknown codes are UPSTREAM_ERROR.
 */
export class KscError extends KconnectError {
  override readonly name: string = 'KscError';
  readonly pxg: PxgErrorInfo;
  readonly kscCode: number;
  readonly kscModule: string | undefined;
  readonly method: string | undefined;
  readonly requestId: string | undefined;

  constructor(pxg: PxgErrorInfo, context: KscErrorContext = {}) {
    // A PxgError without a message (a broken or foreign server, R22) still says what it was.
    const message =
      renderPxgMessage(pxg) ||
      `KSC error ${pxg.code}${pxg.module === undefined ? '' : ` (${pxg.module})`} without a message`;
    super(knownPxgError(pxg.code)?.errorCode ?? 'UPSTREAM_ERROR', message, {
      cause: context.cause,
    });
    this.pxg = pxg;
    this.kscCode = pxg.code;
    this.kscModule = pxg.module;
    this.method = context.method;
    this.requestId = context.requestId;
  }
}
