import { KconnectError, type ErrorCode } from '../../../errors.ts';

/** Why a token request or an API call was refused; tests and the audit switch on it, never on the message. */
export type AuthFailureReason =
  | 'missing-grant-type'
  | 'unknown-grant-type'
  | 'missing-refresh-token'
  | 'no-certificate'
  | 'untrusted-certificate'
  | 'unknown-certificate'
  | 'unknown-connector'
  | 'connector-removed'
  | 'user-deleted'
  | 'user-blocked'
  | 'unknown-refresh-token'
  | 'refresh-token-reused'
  | 'refresh-token-expired'
  | 'missing-token'
  | 'malformed-token'
  | 'invalid-token'
  | 'expired-token'
  | 'role-denied';

const STATUS_OF: Readonly<Record<AuthFailureReason, 400 | 401 | 403>> = {
  'missing-grant-type': 400,
  'unknown-grant-type': 400,
  'missing-refresh-token': 400,
  'no-certificate': 401,
  'untrusted-certificate': 401,
  'unknown-certificate': 401,
  'unknown-connector': 401,
  'connector-removed': 401,
  'user-deleted': 401,
  // The account exists and the caller proved who it is: the refusal is one of permission, not of identity.
  'user-blocked': 403,
  'unknown-refresh-token': 401,
  'refresh-token-reused': 401,
  'refresh-token-expired': 401,
  'missing-token': 401,
  'malformed-token': 401,
  'invalid-token': 401,
  'expired-token': 401,
  'role-denied': 403,
};

const CODE_OF_STATUS: Readonly<Record<400 | 401 | 403, ErrorCode>> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'ACCESS_DENIED',
};

/**
 * A refused token request or API call of the KICS emulator. `errorMessage` is what the answer's body carries
 * (`{"errorMessage": …}`, the seed's error shape); it never contains a token, a password or a key.
 */
export class KicsAuthError extends KconnectError {
  override readonly name = 'KicsAuthError';
  readonly reason: AuthFailureReason;
  readonly status: 400 | 401 | 403;
  readonly errorMessage: string;

  constructor(reason: AuthFailureReason, errorMessage: string) {
    const status = STATUS_OF[reason];
    super(CODE_OF_STATUS[status], errorMessage);
    this.reason = reason;
    this.status = status;
    this.errorMessage = errorMessage;
  }
}
