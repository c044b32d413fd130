import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { Secret } from '../secrets.ts';

/**
 * The settings of one connection as the file, the environment and the flags give them, merged key by key. Every
 * connection type describes its variables and flags with the tables below; the reading, the merging and the
 * errors naming the field are the same for all.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** What the loader reads files with (tests pass their own). */
export interface ConfigFileSystem {
  /** The text of a file, or undefined when there is none. */
  readText(path: string): string | undefined;
  isFile(path: string): boolean;
  /** Used for secrets, later, when the client logs in. */
  readTextAsync(path: string): Promise<string>;
}

/** A file the configuration points to, with the field that named it (for errors). */
export interface FileRef {
  readonly path: string;
  readonly field: string;
}

/** A setting as one source gave it: the value, the field to name in errors, and where its relative paths start. */
export interface Given {
  readonly value: unknown;
  readonly field: string;
  readonly base: string;
}

/** One source's settings of a connection, flattened (`tls.caFile`), so the sources merge key by key. */
export type Layer = Map<string, Given>;

/** One environment variable of the selected connection. */
export interface EnvVariable {
  /** `KCONNECT_URL`. */
  readonly variable: string;
  /** The setting it gives, flattened: `url`, `tls.caFile`. */
  readonly setting: string;
  /**
   * How its text becomes the value: `text` (the default); `list` (commas or spaces between items); `boolean`
   * (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`); `secret` — the variable holds the secret itself, so the
   * setting becomes `<setting>Env` naming it and the value is read at login, never copied; an `integer` in the
   * given unit; or `oneOf` the given words.
   */
  readonly kind?:
    | 'text'
    | 'list'
    | 'boolean'
    | 'secret'
    | { readonly integer: string }
    | { readonly oneOf: readonly string[] };
}

/** One command-line flag of the selected connection. */
export interface ConnectionFlag {
  /** Commander's syntax: `--password-file <file>`; a switch has no argument. */
  readonly flags: string;
  /** Its attribute in {@link ConnectionFlags} (commander's camelCase name): `passwordFile`. */
  readonly key: string;
  readonly description: string;
  /** The setting it gives, flattened: `passwordFile`, `tls.caFile`. */
  readonly setting: string;
  /** `list`: repeatable, each value may hold several (commas or spaces); `switch`: can only turn a setting on. */
  readonly kind?: 'text' | 'list' | 'switch';
}

/** The flags as parsed: `connection` and each type's flags by key. */
export type FlagValues = Readonly<Record<string, string | readonly string[] | boolean | undefined>>;

/** The settings that give one secret: the value, a file holding it, or a variable naming it. */
export function secretForms(secret: string): readonly string[] {
  return [secret, `${secret}File`, `${secret}Env`];
}

export function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function booleanText(field: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(field, 'expected true or false');
}

/** A list given as one text: commas or spaces between the items. */
function listText(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

/** A connection's section of the file, flattened one level (`tls: { caFile }` → `tls.caFile`). */
export function fileLayer(name: string, connection: Readonly<Record<string, unknown>>, base: string): Layer {
  const layer: Layer = new Map();
  const prefix = `connections.${name}`;
  for (const [key, value] of Object.entries(connection)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (innerValue !== undefined) {
          layer.set(`${key}.${inner}`, { value: innerValue, field: `${prefix}.${key}.${inner}`, base });
        }
      }
    } else {
      layer.set(key, { value, field: `${prefix}.${key}`, base });
    }
  }
  return layer;
}

/**
 * The variables of a connection type that are set. Two forms of the type's secrets in one environment are an
 * error naming both, since neither could be said to win.
 */
export function environmentLayer(
  variables: readonly EnvVariable[],
  secretKeys: readonly string[],
  env: Env,
  cwd: string,
): Layer {
  const layer: Layer = new Map();
  for (const { variable, setting: given, kind = 'text' } of variables) {
    const text = nonBlank(env[variable]);
    if (text === undefined) continue;
    let value: unknown = text;
    let setting = given;
    if (kind === 'secret') {
      // Named, not copied: the value is read from the environment when the client logs in.
      setting = `${given}Env`;
      value = variable;
    } else if (kind === 'list') {
      value = listText(text);
    } else if (kind === 'boolean') {
      value = booleanText(variable, text.trim());
    } else if (typeof kind === 'object' && 'integer' in kind) {
      value = Number(text);
      if (!Number.isInteger(value)) throw new ConfigError(variable, `expected an integer (${kind.integer})`);
    } else if (typeof kind === 'object' && !kind.oneOf.includes(text)) {
      throw new ConfigError(variable, `expected ${kind.oneOf.join(' or ')}`);
    }
    const clash = secretKeys.includes(setting)
      ? [...layer.keys()].find((k) => secretKeys.includes(k))
      : undefined;
    if (clash !== undefined) {
      throw new ConfigError(`${layer.get(clash)?.field ?? clash}, ${variable}`, 'give only one of them');
    }
    layer.set(setting, { value, field: variable, base: cwd });
  }
  return layer;
}

/** The long name of a flag as users write it: `--password-file`. */
export function flagName(flag: ConnectionFlag): string {
  return flag.flags.split(/[ ,]/)[0] ?? flag.flags;
}

/** The flags of a connection type that were given. */
export function flagsLayer(
  flags: readonly ConnectionFlag[],
  secretKeys: readonly string[],
  values: FlagValues,
  cwd: string,
): Layer {
  const given = flags.filter((flag) => values[flag.key] !== undefined);
  const secrets = given.filter((flag) => secretKeys.includes(flag.setting));
  if (secrets.length > 1) throw new ConfigError(secrets.map(flagName).join(', '), 'give only one of them');
  const layer: Layer = new Map();
  for (const flag of given) {
    const raw = values[flag.key];
    const field = flagName(flag);
    let value: unknown = raw;
    if (flag.kind === 'list') {
      value = (typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : []).flatMap(listText);
    } else if (flag.kind === 'switch') {
      // A flag can only switch a setting on; leaving it out keeps what the file or environment say.
      if (raw !== true) continue;
    } else if (typeof raw === 'string' && raw.trim() === '') {
      throw new ConfigError(field, 'empty');
    }
    layer.set(flag.setting, { value, field, base: cwd });
  }
  return layer;
}

/**
 * Merges sources key by key, later beating earlier. Two groups move as one: a source that gives any secret
 * replaces the earlier source's secret (a password file in the environment beats a token in the file), and
 * insecure mode and a CA or pins replace each other, since they cannot be combined.
 */
export function merge(layers: readonly Layer[], secretKeys: readonly string[]): Layer {
  const merged: Layer = new Map();
  for (const layer of layers) {
    if ([...layer.keys()].some((k) => secretKeys.includes(k))) {
      for (const key of secretKeys) merged.delete(key);
    }
    if (layer.get('tls.insecure')?.value === true) {
      merged.delete('tls.caFile');
      merged.delete('tls.pins');
    }
    if (layer.has('tls.caFile') || layer.has('tls.pins')) merged.delete('tls.insecure');
    for (const [key, given] of layer) merged.set(key, given);
  }
  return merged;
}

/**
 * The merged settings of one connection, for its type to build the connection from: values, the field each
 * came from, files checked to exist and secrets by reference.
 */
export class ConnectionSettings {
  /** `connections.<name>`: where a setting nobody gave would go. */
  readonly prefix: string;

  constructor(
    readonly name: string,
    private readonly merged: Layer,
    /** Where secrets given by variable name and the proxy variables are read. */
    readonly env: Env,
    private readonly fs: ConfigFileSystem,
  ) {
    this.prefix = `connections.${name}`;
  }

  has(key: string): boolean {
    return this.merged.has(key);
  }

  /** The value as the file's schema or the variable's kind checked it. */
  value<T>(key: string): T | undefined {
    return this.merged.get(key)?.value as T | undefined;
  }

  /** Where a setting was given (`--url`, `KCONNECT_URL`, `connections.prod.url`), or where it would go. */
  fieldOf(key: string): string {
    return this.merged.get(key)?.field ?? `${this.prefix}.${key}`;
  }

  /** A file the setting names, resolved against where it was given; it must exist now. */
  file(key: string): FileRef | undefined {
    const given = this.merged.get(key);
    if (given === undefined) return undefined;
    const path = resolve(given.base, given.value as string);
    if (!this.fs.isFile(path)) throw new ConfigError(given.field, `file not found: ${path}`);
    return { path, field: given.field };
  }

  /**
   * A path the setting names, resolved against where it was given, not checked: for settings that may name a
   * folder or a file (a KICS package), which the client checks when it reads them.
   */
  path(key: string): FileRef | undefined {
    const given = this.merged.get(key);
    if (given === undefined) return undefined;
    return { path: resolve(given.base, given.value as string), field: given.field };
  }

  /** Which forms of a secret were given (`password`, `passwordFile`, `passwordEnv`); more than one is an error. */
  secretForm(secret: string): string | undefined {
    const forms = secretForms(secret).filter((key) => this.has(key));
    if (forms.length > 1) {
      throw new ConfigError(forms.map((key) => this.fieldOf(key)).join(', '), 'give only one of them');
    }
    return forms[0];
  }

  /** A secret by reference: read when the client logs in, never now. */
  secret(secret: string): Secret | undefined {
    const form = this.secretForm(secret);
    const given = form === undefined ? undefined : this.merged.get(form);
    if (form === undefined || given === undefined) return undefined;
    if (form.endsWith('File')) {
      const ref = this.file(form) as FileRef;
      return Secret.file(ref.path, ref.field, (path) => this.fs.readTextAsync(path));
    }
    if (form.endsWith('Env')) return Secret.env(given.value as string, given.field, this.env);
    return Secret.value(given.value as string, given.field);
  }

  /** Where each setting came from, by key: a file path, a variable or a flag. */
  sources(): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.merged].map(([key, given]) => [key, given.field]));
  }
}

/** A proxy URL may carry a password. */
export function maskProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '***';
  }
}
