import { Option } from 'commander';
import { z } from 'zod';
import type { CommandDefinition } from '../../commands/core/types.ts';

/** The part of JSON Schema that `z.toJSONSchema` writes for command inputs and that options are made from. */
interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly description?: string;
  readonly default?: unknown;
}

/**
 * How an option's text becomes an input value:
 * - `string`, `integer`, `number`, `enum` — as the type says;
 * - `json` — a JSON object (`--search-condition '{"GNRL_EA_SEVERITY":4}'`);
 * - `json-or-string` — JSON when the text starts with `{` or `[`, else the text (a filter string);
 * - `integer-or-string` — an integer when the text is digits, else the text (a group by id or by name).
 */
export type ValueKind =
  'string' | 'integer' | 'number' | 'enum' | 'json' | 'json-or-string' | 'integer-or-string';

export interface InputOption {
  /** The input field it sets. */
  readonly property: string;
  /** The long flag without dashes (`host-ids`, or an alias such as `host`). */
  readonly long: string;
  /** Where commander keeps the value. */
  readonly attribute: string;
  readonly shape: 'flag' | 'scalar' | 'array';
  readonly kind: ValueKind;
  readonly choices?: readonly string[];
  readonly alias: boolean;
}

export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function typesOf(schema: JsonSchema): string[] {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants !== undefined) return variants.flatMap(typesOf);
  if (schema.enum !== undefined) return ['enum'];
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

function kindOf(schema: JsonSchema): ValueKind {
  const types = new Set(typesOf(schema));
  if (types.size === 1) {
    const [only] = types;
    if (only === 'string') return 'string';
    if (only === 'integer') return 'integer';
    if (only === 'number') return 'number';
    if (only === 'enum') return 'enum';
    if (only === 'object' || only === 'array') return 'json';
  }
  if (types.has('string') && types.has('integer') && !types.has('object')) return 'integer-or-string';
  return 'json-or-string';
}

function describeOption(schema: JsonSchema, required: boolean, array: boolean, kind: ValueKind): string {
  const parts = [schema.description ?? ''];
  const enumValues = schema.enum ?? schema.items?.enum;
  if (enumValues !== undefined) parts.push(`one of: ${enumValues.map(String).join(' | ')}`);
  if (array) parts.push('repeat the option or separate with commas; a JSON array keeps commas in items');
  if (kind === 'json') parts.push('JSON');
  if (kind === 'json-or-string') parts.push('text, or JSON starting with { or [');
  if (required) parts.push('required');
  if (schema.default !== undefined && schema.type !== 'boolean') {
    parts.push(`default: ${JSON.stringify(schema.default)}`);
  }
  const [first = '', ...rest] = parts.filter((p) => p !== '');
  return rest.length === 0 ? first : `${first} (${rest.join('; ')})`;
}

const PLACEHOLDERS: Readonly<Record<ValueKind, string>> = {
  string: 'text',
  integer: 'n',
  number: 'n',
  enum: 'choice',
  json: 'json',
  'json-or-string': 'text|json',
  'integer-or-string': 'id|name',
};

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The options of a command, generated from its input schema (`z.toJSONSchema(input, { io: 'input' })`). */
export function inputOptions(
  command: CommandDefinition,
  reserved: ReadonlySet<string>,
): {
  readonly options: readonly InputOption[];
  readonly commander: readonly Option[];
} {
  const schema = z.toJSONSchema(command.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const options: InputOption[] = [];
  const commander: Option[] = [];
  const taken = new Set(reserved);
  const claim = (long: string): void => {
    if (taken.has(long) || taken.has(`no-${long}`)) {
      throw new Error(
        `${command.name}: the option --${long} is generated twice; rename the alias or the field`,
      );
    }
    taken.add(long);
  };

  for (const [property, field] of Object.entries(properties)) {
    const aliases = (command.hints?.cliAliases as Readonly<Record<string, string>> | undefined)?.[property];
    const names = [kebabCase(property), ...(aliases === undefined ? [] : [aliases])];
    const isArray = typesOf(field).length === 1 && typesOf(field)[0] === 'array' && field.items !== undefined;
    const isBoolean = typesOf(field).length === 1 && typesOf(field)[0] === 'boolean';
    names.forEach((long, i) => {
      const alias = i > 0;
      const description = alias
        ? `same as --${names[0] ?? ''}`
        : describeOption(
            field,
            required.has(property),
            isArray,
            isBoolean ? 'string' : kindOf(isArray ? (field.items ?? {}) : field),
          );
      if (isBoolean) {
        claim(long);
        options.push({ property, long, attribute: camelCase(long), shape: 'flag', kind: 'string', alias });
        commander.push(new Option(`--${long}`, description));
        if (field.default === true) {
          // Same attribute as the flag: commander stores false there.
          claim(`no-${long}`);
          commander.push(new Option(`--no-${long}`, `set ${property} to false`));
        }
        return;
      }
      claim(long);
      const item = isArray ? (field.items ?? {}) : field;
      const kind = kindOf(item);
      const choices = item.enum?.map(String);
      const option = new Option(`--${long} <${PLACEHOLDERS[kind]}${isArray ? '...' : ''}>`, description);
      if (isArray) option.argParser(collect);
      commander.push(option);
      options.push({
        property,
        long,
        attribute: camelCase(long),
        shape: isArray ? 'array' : 'scalar',
        kind,
        ...(choices === undefined ? {} : { choices }),
        alias,
      });
    });
  }
  return { options, commander };
}

/** A value that could not be read, naming the option. */
export interface OptionProblem {
  readonly option: string;
  readonly reason: string;
}

function convert(option: InputOption, text: string): unknown {
  switch (option.kind) {
    case 'string':
    case 'enum':
      return text;
    case 'integer':
    case 'number': {
      const value = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value) || (option.kind === 'integer' && !Number.isInteger(value))) {
        throw new Error(`expected ${option.kind === 'integer' ? 'an integer' : 'a number'}, got "${text}"`);
      }
      return value;
    }
    case 'integer-or-string':
      return /^-?\d{1,15}$/.test(text.trim()) ? Number(text) : text;
    case 'json':
      return parseJson(text);
    case 'json-or-string':
      return /^\s*[[{]/.test(text) ? parseJson(text) : text;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the text back; the reason is enough.
    throw new Error('not valid JSON');
  }
}

/** The items of one occurrence of an array option: a JSON array, or the text split at commas. */
function items(option: InputOption, text: string): unknown[] {
  if (/^\s*\[/.test(text)) {
    const parsed = parseJson(text);
    if (!Array.isArray(parsed)) throw new Error('expected a JSON array');
    return parsed.map((item) => (typeof item === 'string' ? convert(option, item) : item));
  }
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => convert(option, part));
}

/**
 * The command's input from the parsed options, over a base object (`--input '{…}'`). Values are converted by
 * their schema type; the schema itself checks them afterwards (`executeCommand`), so only what cannot be
 * converted is reported here.
 */
export function inputFromOptions(
  options: readonly InputOption[],
  values: Readonly<Record<string, unknown>>,
  base: Readonly<Record<string, unknown>> = {},
): { readonly input: Record<string, unknown>; readonly problems: readonly OptionProblem[] } {
  const input: Record<string, unknown> = { ...base };
  const problems: OptionProblem[] = [];
  const fromOptions = new Set<string>();
  for (const option of options) {
    const value = values[option.attribute];
    if (value === undefined) continue;
    try {
      let converted: unknown;
      if (option.shape === 'flag') converted = value === true;
      else if (option.shape === 'array')
        converted = (value as string[]).flatMap((text) => items(option, text));
      else converted = convert(option, value as string);
      if (
        option.shape === 'array' &&
        fromOptions.has(option.property) &&
        Array.isArray(input[option.property])
      ) {
        // `--host-ids a --host b`: an alias adds to the same list.
        converted = [...(input[option.property] as unknown[]), ...(converted as unknown[])];
      } else if (option.shape !== 'array' && fromOptions.has(option.property)) {
        problems.push({
          option: `--${option.long}`,
          reason: `given twice (also as another option for ${option.property})`,
        });
        continue;
      }
      input[option.property] = converted;
      fromOptions.add(option.property);
    } catch (error) {
      problems.push({ option: `--${option.long}`, reason: (error as Error).message });
    }
  }
  return { input, problems };
}

/** The arguments that give an input (a command's example) through the generated options. */
export function exampleArgs(example: unknown, options: readonly InputOption[]): string[] {
  const args: string[] = [];
  const values = (example ?? {}) as Readonly<Record<string, unknown>>;
  for (const [property, value] of Object.entries(values)) {
    const option = options.find((o) => o.property === property && !o.alias);
    if (option === undefined || value === undefined) continue;
    if (option.shape === 'flag') {
      if (value === true) args.push(`--${option.long}`);
    } else if (Array.isArray(value)) {
      const texts = value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      // Items with commas go as one JSON array, which the option reads whole.
      args.push(
        `--${option.long}`,
        texts.some((t) => t.includes(',')) ? JSON.stringify(value) : texts.join(','),
      );
    } else {
      args.push(`--${option.long}`, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  return args;
}
