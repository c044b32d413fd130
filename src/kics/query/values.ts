import { enumMember } from './enums.ts';
import { IncorrectParametersError } from './errors.ts';
import { parseFilterTime } from './time.ts';
import type { ConstantValue, FieldType } from './types.ts';

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A filter value turned into the constant its field compares with (spec Q15): numbers for integer and number
 * fields (numeric strings too: real clients send `"4000005003"` for `eventType`), epoch ms for datetimes (ISO
 * 8601 with a zone), the member for enums (JSON name or alias, any case), `true`/`false` (or those words) for
 * booleans, text for strings (a number is taken as its decimal text). Anything else is refused at `parameter`.
 */
export function coerceValue(type: FieldType, value: unknown, parameter: string): ConstantValue {
  const coerced = tryCoerce(type, value);
  if (coerced === undefined) throw new IncorrectParametersError(parameter, value);
  return coerced;
}

function tryCoerce(type: FieldType, value: unknown): ConstantValue | undefined {
  switch (type.kind) {
    case 'integer': {
      const number = typeof value === 'string' && INTEGER_TEXT.test(value.trim()) ? Number(value) : value;
      return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
    }
    case 'number': {
      const number = typeof value === 'string' && NUMBER_TEXT.test(value.trim()) ? Number(value) : value;
      return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
    }
    case 'string':
      if (typeof value === 'string') return value;
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    case 'datetime':
      return typeof value === 'string' ? parseFilterTime(value) : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value !== 'string') return undefined;
      return { true: true, false: false }[value.toLowerCase()];
    case 'enum':
      return typeof value === 'string' ? enumMember(type, value) : undefined;
  }
}
