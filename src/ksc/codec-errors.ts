import { KconnectError } from '../errors.ts';

/**
 * A value that cannot be encoded to, or decoded from, the KLOAPI typed-value format.
 * `path` names the offending value the way a person would write it: `pParams.KLHST_WKS_DN`,
 * `vecFieldsToOrder[2].Asc`.
 */
export class KlValueError extends KconnectError {
  override readonly name = 'KlValueError';
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super('INVALID_INPUT', `${path === '' ? 'value' : path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/** Text that is not valid JSON. `position` is the 1-based character position where parsing stopped. */
export class JsonSyntaxError extends KconnectError {
  override readonly name = 'JsonSyntaxError';
  readonly position: number;
  readonly reason: string;

  constructor(position: number, reason: string) {
    super('INVALID_INPUT', `Invalid JSON at position ${position}: ${reason}`);
    this.position = position;
    this.reason = reason;
  }
}

/** Appends a member name or an index to a value path. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (parent === '') return key;
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}
