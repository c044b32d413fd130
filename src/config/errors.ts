import { KconnectError } from '../errors.ts';

/**
 * A configuration that cannot be used. `field` names where the value came from, as the user wrote it: a path
 * in the file (`connections.prod.tls.caFile`), an environment variable (`KCONNECT_URL`) or a flag (`--url`).
 * The message never holds a secret's value, only the field and the reason.
 */
export class ConfigError extends KconnectError {
  override readonly name: string = 'ConfigError';
  readonly field: string;
  readonly reason: string;

  constructor(field: string, reason: string) {
    super('INVALID_INPUT', `${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}
