import { KconnectError } from '../../errors.ts';

/** A transport or server option that cannot work; `field` names it. */
export class McpOptionsError extends KconnectError {
  override readonly name: string = 'McpOptionsError';
  readonly field: string;

  constructor(field: string, reason: string) {
    super('INVALID_INPUT', `${field}: ${reason}`);
    this.field = field;
  }
}
