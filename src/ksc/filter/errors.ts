import { KconnectError } from '../../errors.ts';

/**
 * A search filter that does not parse. The message mirrors the KSC server's own wording
 * (`Pos 28. Closing bracket ')' expected.`) so the emulator can return it verbatim; callers that
 * need the parts read `position` and `reason` instead of parsing the message.
 */
export class FilterSyntaxError extends KconnectError {
  override readonly name: string = 'FilterSyntaxError';
  /** 1-based position in the filter text (UTF-16 code units); input length + 1 means "at the end". */
  readonly position: number;
  /** The reason without the `Pos N. ` prefix, e.g. `Closing bracket ')' expected.` */
  readonly reason: string;

  constructor(position: number, reason: string) {
    super('INVALID_INPUT', `Pos ${position}. ${reason}`);
    this.position = position;
    this.reason = reason;
  }
}

/**
 * Client-side input that cannot be turned into a safe filter (bad attribute name, unsafe number,
 * a wildcard where only a literal can go). `argument` names the offending attribute or builder
 * argument so callers can point at the field the user got wrong.
 */
export class FilterBuildError extends KconnectError {
  override readonly name: string = 'FilterBuildError';
  /** The attribute (or builder argument) the problem is about. */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super('INVALID_INPUT', message);
    this.argument = argument;
  }
}
