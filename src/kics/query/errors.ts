import { KconnectError } from '../../errors.ts';

/**
 * A query argument KICS refuses: the seed's "Incorrect parameters" error "with the name and value of the
 * parameter". `parameter` is a path into the request body (`limit`, `sort[0].column`, `filter[1][0].value[2]`) and
 * `value` what the body held there (`undefined` when it held nothing). The message is the text the emulator
 * answers with: `Incorrect parameters: <parameter>=<value>` (spec Q20).
 */
export class IncorrectParametersError extends KconnectError {
  override readonly name: string = 'IncorrectParametersError';
  readonly parameter: string;
  readonly value: unknown;

  constructor(parameter: string, value: unknown) {
    super('INVALID_INPUT', `Incorrect parameters: ${parameter}=${renderValue(value)}`);
    this.parameter = parameter;
    this.value = value;
  }
}

/** Strings as they are (the user typed them), anything else as JSON; nothing at all as the empty string. */
function renderValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}
