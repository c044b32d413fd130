import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { ConfigError } from './errors.ts';

export type SecretKind = 'value' | 'file' | 'env';

/** What the config shows for any secret value; a file path or a variable name is shown beside it. */
export const MASK = '***';

type ReadText = (path: string) => Promise<string>;
type Env = Readonly<Record<string, string | undefined>>;

/** Reading a file that holds a secret: a missing or unreadable file names the field, never the content. */
export async function readSecretFile(path: string, field: string, read: ReadText): Promise<string> {
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new ConfigError(field, `file not found: ${path}`);
    if (code === 'EACCES' || code === 'EPERM') throw new ConfigError(field, `file not readable: ${path}`);
    if (code === 'EISDIR') throw new ConfigError(field, `a directory, not a file: ${path}`);
    throw new ConfigError(field, `cannot read ${path} (${typeof code === 'string' ? code : 'error'})`);
  }
  // Editors and `echo` end files with a line break that is not part of the secret.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new ConfigError(field, `the file is empty: ${path}`);
  return value;
}

/**
 * A password or token given as a value, a file path or an environment variable name. Files and variables are
 * read only when `read()` is called — the client calls it when it logs in — so a command that fails earlier
 * reads nothing. `String(secret)`, `JSON.stringify` and `util.inspect` show `***` and where the secret comes
 * from, never the value.
 */
export class Secret {
  readonly kind: SecretKind;
  /** The file path or the variable name (not secret); undefined for a value. */
  readonly ref: string | undefined;
  /** Where it was given, for errors: `connections.prod.passwordFile`, `KCONNECT_PASSWORD`, `--password-file`. */
  readonly field: string;
  readonly #read: () => Promise<string>;

  private constructor(kind: SecretKind, ref: string | undefined, field: string, read: () => Promise<string>) {
    this.kind = kind;
    this.ref = ref;
    this.field = field;
    this.#read = read;
  }

  static value(value: string, field: string): Secret {
    if (value === '') throw new ConfigError(field, 'empty');
    return new Secret('value', undefined, field, () => Promise.resolve(value));
  }

  static file(path: string, field: string, read: ReadText = (p) => readFile(p, 'utf8')): Secret {
    return new Secret('file', path, field, () => readSecretFile(path, field, read));
  }

  static env(name: string, field: string, env: Env): Secret {
    return new Secret('env', name, field, () => {
      const value = env[name];
      if (value === undefined || value === '') {
        return Promise.reject(new ConfigError(field, `environment variable ${name} is not set`));
      }
      return Promise.resolve(value);
    });
  }

  /** The secret itself; files and variables are read again on every call, so a rotated secret is picked up. */
  read(): Promise<string> {
    return this.#read();
  }

  /** `***`, `*** (file /run/secrets/ksc)` or `*** (env KSC_PASSWORD)`. */
  describe(): string {
    if (this.kind === 'file') return `${MASK} (file ${this.ref ?? ''})`;
    if (this.kind === 'env') return `${MASK} (env ${this.ref ?? ''})`;
    return MASK;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return this.describe();
  }

  [inspect.custom](): string {
    return `Secret(${this.describe()})`;
  }
}
