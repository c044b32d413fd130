import { Buffer } from 'node:buffer';

/** What a client presented in its `Authorization` header (spec §1.3). */
export type Credentials =
  | {
      readonly scheme: 'basic';
      readonly user: string;
      readonly password: string;
      readonly domain: string;
      readonly internal: boolean | undefined;
    }
  | { readonly scheme: 'token'; readonly token: string; readonly web: boolean }
  /** `KSCGW <key>`: the one-time key of `GatewayConnection.PrepareGatewayConnection`. */
  | { readonly scheme: 'gateway'; readonly key: string };

/** Why a header could not be read: the emulator answers it like any other authentication failure. */
export class CredentialsFormatError extends Error {
  override readonly name = 'CredentialsFormatError';
}

function decodeBase64Utf8(text: string, field: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new CredentialsFormatError(`${field} is not base64`);
  return Buffer.from(text, 'base64').toString('utf8');
}

/**
 * Reads `key="value", key=value` pairs; values may be quoted or bare (go-ksc sends `internal=true` unquoted).
 * Quoted values cannot contain `"`: the base64 alphabet has none.
 */
function readPairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const pattern = /\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < text.length && (match = pattern.exec(text)) !== null) {
    const [, key = '', quoted, bare] = match;
    pairs.set(key.toLowerCase(), quoted ?? bare ?? '');
    consumed = pattern.lastIndex;
    if (match[0] === '') break;
  }
  if (consumed < text.trimEnd().length) throw new CredentialsFormatError('malformed KSCBasic parameters');
  return pairs;
}

/** Parses an `Authorization` header value: `KSCBasic …`, `KSCT <token>`, `KSCWT <token>` or `KSCGW <key>`. */
export function parseAuthorization(header: string): Credentials {
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  const rest = space < 0 ? '' : header.slice(space + 1).trim();
  switch (scheme) {
    case 'KSCBasic': {
      const pairs = readPairs(rest);
      const user = pairs.get('user');
      const pass = pairs.get('pass');
      if (user === undefined || pass === undefined)
        throw new CredentialsFormatError('KSCBasic needs user and pass');
      const internal = pairs.get('internal');
      return {
        scheme: 'basic',
        user: decodeBase64Utf8(user, 'user'),
        password: decodeBase64Utf8(pass, 'pass'),
        domain: pairs.get('domain') ?? '',
        internal: internal === undefined ? undefined : internal === '1' || internal.toLowerCase() === 'true',
      };
    }
    case 'KSCT':
    case 'KSCWT':
      if (rest === '') throw new CredentialsFormatError(`${scheme} needs a token`);
      return { scheme: 'token', token: rest, web: scheme === 'KSCWT' };
    case 'KSCGW':
      if (rest === '') throw new CredentialsFormatError('KSCGW needs a key');
      return { scheme: 'gateway', key: rest };
    default:
      throw new CredentialsFormatError('unsupported authorization scheme');
  }
}

/** Reads `X-KSC-VServer`: base64 of the virtual server's name; empty or the literal `x` means the main server. */
export function parseVServerHeader(header: string | undefined): string {
  if (header === undefined || header === '' || header === 'x') return '';
  return decodeBase64Utf8(header.trim(), 'X-KSC-VServer');
}
