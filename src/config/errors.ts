import { FieldError } from '../errors.ts';

/**
 * A configuration that cannot be used. `field` names where the value came from, as the user wrote it: a path
 * in the file (`connections.prod.tls.caFile`), an environment variable (`KCONNECT_URL`) or a flag (`--url`);
 * `index` the item of a list (`--pin[0]`). The message never holds a secret's value, only the field and the
 * reason.
 */
export class ConfigError extends FieldError {
  override readonly name: string = 'ConfigError';

  constructor(field: string, reason: string, options: { readonly index?: number } = {}) {
    super(field, reason, options);
  }
}
