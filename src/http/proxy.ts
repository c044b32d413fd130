import { FieldError } from '../errors.ts';

/** An HTTP proxy the client tunnels through (`CONNECT`). */
export interface ResolvedProxy {
  /** `http://host:port`, without credentials: safe to show. */
  readonly origin: string;
  readonly hostname: string;
  readonly port: number;
  /** `Proxy-Authorization` value when the proxy URL carried credentials. A secret. */
  readonly authorization: string | undefined;
  /** Where the proxy came from, for messages. */
  readonly source: 'proxy' | 'HTTPS_PROXY' | 'HTTP_PROXY';
}

type Env = Readonly<Record<string, string | undefined>>;

function variable(env: Env, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The proxy for a server URL: the explicit option, or the environment as curl reads it — `HTTPS_PROXY` for
 * https servers, `HTTP_PROXY` for http ones, either case — unless `NO_PROXY` excludes the server.
 *
 * @throws {FieldError} naming `proxy` or the variable
 */
export function proxyFor(
  server: URL,
  option: string | false | undefined,
  env: Env,
): ResolvedProxy | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return parseProxy(option, 'proxy');
  const name = server.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const value = variable(env, name);
  if (value === undefined || bypassed(server, variable(env, 'NO_PROXY'))) return undefined;
  return parseProxy(value, name);
}

function parseProxy(text: string, source: ResolvedProxy['source']): ResolvedProxy {
  let url: URL;
  try {
    // curl accepts `host:port` without a scheme; so do we.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new FieldError(source, 'not a URL');
  }
  if (url.protocol !== 'http:') throw new FieldError(source, 'only http:// proxies are supported');
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return Object.freeze({
    origin: `http://${url.host}`,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 80 : Number(url.port),
    authorization:
      user === '' && password === ''
        ? undefined
        : `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
    source,
  });
}

/** `NO_PROXY`: `*`, or names and addresses (with an optional port) matched as the host or a domain suffix. */
function bypassed(server: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = server.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = server.port === '' ? (server.protocol === 'https:' ? '443' : '80') : server.port;
  return noProxy
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .some((entry) => {
      if (entry === '*') return true;
      const match = /^(?:\[(.+)\]|([^:]+|[^\]]+))(?::(\d+))?$/.exec(entry.toLowerCase());
      if (match === null) return false;
      const name = (match[1] ?? match[2] ?? '').replace(/^\*?\./, '');
      if (match[3] !== undefined && match[3] !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}
