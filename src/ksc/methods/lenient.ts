import { z } from 'zod';

/**
 * How a server reads a call's arguments, derived from the catalogue's schemas (which are written for callers, and
 * strict). KSC is lenient where real clients rely on it (spec §2.1; XSOAR and the KSC knowledge base omit what they
 * do not need):
 *
 * - an absent (or null) array argument is `[]`, an absent params argument `{}`, required or not;
 * - an absent optional argument is its type's empty value (`""`, `0`, `false`) unless the server assumes another;
 * - an unknown argument is ignored (a strict object of the catalogue becomes a stripping one, nested ones too).
 *
 * Every value that is present is checked as the catalogue checks it.
 */
export interface ServerReading {
  /**
   * What the server assumes for an absent argument, by name, where it is not the type's empty value; applies at
   * any depth (`Asc` of an order spec) and to required members too.
   */
  readonly absent?: Readonly<Record<string, unknown>>;
  /**
   * Reads an empty array as "nothing to do" where the catalogue asks callers for at least one element (KSC's
   * `HostGroup.MoveHostsToGroup` with no hosts moves none). The catalogue's minimum stays a caller's rule.
   */
  readonly acceptEmptyArrays?: boolean;
}

/** The arguments a handler receives: every one present, none null. */
export type LenientArgs<Args> = { [K in keyof Args]-?: Exclude<Args[K], undefined | null> };

type AnySchema = z.core.$ZodType;

/** Strips `.optional()` and `.nullable()`: what is left says the argument's type. */
function unwrap(schema: AnySchema): { base: AnySchema; optional: boolean; nullable: boolean } {
  let current = schema;
  let optional = false;
  let nullable = false;
  for (;;) {
    const def = current._zod.def;
    if (def.type === 'optional') optional = true;
    else if (def.type === 'nullable') nullable = true;
    else return { base: current, optional, nullable };
    current = (def as z.core.$ZodOptionalDef | z.core.$ZodNullableDef).innerType;
  }
}

const NO_VALUE: unique symbol = Symbol('no value');

/** The value an absent argument of this type stands for, or NO_VALUE when it must be given. */
function emptyValue(name: string, base: AnySchema, optional: boolean): unknown {
  const def = base._zod.def;
  if (def.type === 'array') return [];
  // A params container (a custom check that takes a plain object): `{}` even when the catalogue requires one.
  if (def.type === 'custom' && z.safeParse(base, {}).success) return {};
  if (!optional) return NO_VALUE;
  switch (def.type) {
    case 'string':
      return '';
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'union': {
      const first = (def as z.core.$ZodUnionDef).options[0];
      return first === undefined ? NO_VALUE : emptyValue(name, first, true);
    }
    default:
      throw new TypeError(`${name}: no empty value known for a ${def.type} argument; give one in \`absent\``);
  }
}

/** The server's reading of one argument or member. */
function readMember(name: string, schema: AnySchema, reading: ServerReading): AnySchema {
  const { base, optional, nullable } = unwrap(schema);
  const absent = reading.absent !== undefined && Object.hasOwn(reading.absent, name);
  const value = absent ? reading.absent?.[name] : emptyValue(name, base, optional);
  const read = readValue(name, base, reading);
  if (value !== NO_VALUE) return z.preprocess((given) => given ?? value, read);
  // A required argument: as the catalogue has it, unless it holds something read leniently.
  if (read === base) return schema;
  return nullable ? z.nullable(read) : read;
}

/** The server's reading of a value: objects and arrays of objects read leniently, everything else as written. */
function readValue(name: string, schema: AnySchema, reading: ServerReading): AnySchema {
  const def = schema._zod.def;
  if (def.type === 'object') {
    const shape = (def as z.core.$ZodObjectDef).shape;
    return z.object(
      Object.fromEntries(
        Object.entries(shape).map(([key, member]) => [key, readMember(key, member, reading)]),
      ),
    );
  }
  if (def.type === 'array') {
    const arrayDef = def as z.core.$ZodArrayDef;
    const element = readValue(name, arrayDef.element, reading);
    const checks = (arrayDef.checks ?? []).filter(
      (check) => !(reading.acceptEmptyArrays === true && check._zod.def.check === 'min_length'),
    );
    if (element === arrayDef.element && checks.length === (arrayDef.checks ?? []).length) return schema;
    // Keep the array's own checks (`.min(1)`, unless empty arrays are accepted) around the lenient elements.
    return z.array(element).check(...(checks as z.core.$ZodCheck<unknown[]>[]));
  }
  return schema;
}

/**
 * The server's reading of a method's arguments (`KSC_METHODS[m].args`): see {@link ServerReading}. The result
 * parses decoded arguments into {@link LenientArgs}.
 */
export function lenientArgs<Args extends z.ZodType>(
  args: Args,
  reading: ServerReading = {},
): z.ZodType<LenientArgs<z.output<Args>>> {
  const read = readValue('arguments', args, reading);
  if (read._zod.def.type !== 'object') throw new TypeError('method arguments must be an object schema');
  return read as z.ZodType<LenientArgs<z.output<Args>>>;
}
