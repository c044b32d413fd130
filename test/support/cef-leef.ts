/**
 * A small, independent reader of CEF and LEEF 2.0 lines, so tests check what a SIEM would read field by field
 * rather than comparing strings the sink made: CEF header fields unescaped (`\|`, `\\`), extension pairs split at
 * the unescaped `=` of each key (values keep spaces and pipes; `\=`, `\\`, `\n`, `\r` unescaped); LEEF 2.0 header
 * with its delimiter field (a character, `xHH` or `0xHH`) and attributes split on that delimiter.
 */

export interface CefEvent {
  readonly version: string;
  readonly vendor: string;
  readonly product: string;
  readonly productVersion: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: string;
  readonly extension: Readonly<Record<string, string>>;
}

export interface LeefEvent {
  readonly version: string;
  readonly vendor: string;
  readonly product: string;
  readonly productVersion: string;
  readonly eventId: string;
  readonly delimiter: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Splits `count` pipe-separated header fields off `text` (`\|` and `\\` escaped); returns them and the rest. */
function headerFields(text: string, count: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let current = '';
  let index = 0;
  while (fields.length < count) {
    if (index >= text.length) throw new Error(`header has fewer than ${count} fields: ${text}`);
    const char = text[index] as string;
    if (char === '\\' && (text[index + 1] === '|' || text[index + 1] === '\\')) {
      current += text[index + 1];
      index += 2;
    } else if (char === '|') {
      fields.push(current);
      current = '';
      index += 1;
    } else {
      current += char;
      index += 1;
    }
  }
  return { fields, rest: text.slice(index) };
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

function unescapeCefValue(value: string): string {
  return value.replace(/\\([\\=nr])/g, (_all, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

export function parseCefExtension(extension: string): Record<string, string> {
  const equals: number[] = [];
  for (let i = 0; i < extension.length; i += 1) {
    if (extension[i] === '=' && !isEscaped(extension, i)) equals.push(i);
  }
  const keyStarts = equals.map((at) => extension.lastIndexOf(' ', at) + 1);
  const pairs: Record<string, string> = {};
  equals.forEach((at, n) => {
    const key = extension.slice(keyStarts[n], at);
    if (!/^[A-Za-z0-9_.[\]]+$/.test(key)) throw new Error(`bad CEF key ${JSON.stringify(key)}`);
    const end = n + 1 < equals.length ? (keyStarts[n + 1] as number) - 1 : extension.length;
    if (key in pairs) throw new Error(`CEF key ${key} twice`);
    pairs[key] = unescapeCefValue(extension.slice(at + 1, end));
  });
  return pairs;
}

export function parseCef(line: string): CefEvent {
  if (!line.startsWith('CEF:')) throw new Error(`not CEF: ${line}`);
  const { fields, rest } = headerFields(line.slice(4), 7);
  const [version, vendor, product, productVersion, signatureId, name, severity] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    version,
    vendor,
    product,
    productVersion,
    signatureId,
    name,
    severity,
    extension: parseCefExtension(rest),
  };
}

function leefDelimiter(field: string): string {
  const hex = /^(?:0x|x)([0-9a-fA-F]{2,4})$/.exec(field);
  if (hex !== null) return String.fromCharCode(parseInt(hex[1] as string, 16));
  if (field.length !== 1) throw new Error(`bad LEEF delimiter ${JSON.stringify(field)}`);
  return field;
}

export function parseLeef(line: string): LeefEvent {
  if (!line.startsWith('LEEF:2.0|')) throw new Error(`not LEEF 2.0: ${line}`);
  const { fields, rest } = headerFields(line.slice(5), 6);
  const [version, vendor, product, productVersion, eventId, delimiterField] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const delimiter = leefDelimiter(delimiterField);
  const attributes: Record<string, string> = {};
  for (const pair of rest === '' ? [] : rest.split(delimiter)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`bad LEEF attribute ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    if (key in attributes) throw new Error(`LEEF key ${key} twice`);
    attributes[key] = pair.slice(at + 1);
  }
  return { version, vendor, product, productVersion, eventId, delimiter, attributes };
}
