import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** Whether an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** A JSON-RPC error body without an id, as the streamable HTTP transport answers requests it rejects. */
function rejection(message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

function hostnameOf(hostHeader: string): string {
  // "[::1]:8080" keeps its brackets; "localhost:8080" loses the port.
  const bracketed = /^(\[[^\]]*\])/.exec(hostHeader);
  return (bracketed?.[1] ?? hostHeader.replace(/:\d+$/, '')).toLowerCase();
}

/**
 * Refuses requests a web page could make through DNS rebinding: on a loopback listener, the Host header and
 * any Origin must name this machine. A page at `http://evil.example` that resolves to 127.0.0.1 sends
 * `Host: evil.example`.
 */
export function loopbackOnly(log?: (line: string) => void): MiddlewareHandler {
  const allowed = new Set(['localhost', '127.0.0.1', '[::1]']);
  return async (c, next) => {
    const host = c.req.header('host');
    const origin = c.req.header('origin');
    let originHost: string | undefined;
    if (origin !== undefined) {
      try {
        originHost = new URL(origin).hostname.toLowerCase();
      } catch {
        originHost = '';
      }
    }
    if (
      host === undefined ||
      !allowed.has(hostnameOf(host)) ||
      (originHost !== undefined && !allowed.has(originHost))
    ) {
      log?.(`http ${c.req.method} ${c.req.path}: 403 (Host or Origin is not this machine)`);
      return c.body(rejection('Forbidden: the Host and Origin headers must name this machine'), 403, {
        'Content-Type': 'application/json',
      });
    }
    return next();
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Requires `Authorization: Bearer <token>`. The comparison takes the same time whatever the token sent, and
 * neither the expected nor the presented token ever reaches a log line or a response.
 */
export function bearerToken(token: string, log?: (line: string) => void): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '');
    const presented = match?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      log?.(
        `http ${c.req.method} ${c.req.path}: 401 (${presented === undefined ? 'no bearer token' : 'wrong bearer token'})`,
      );
      return c.body(rejection('Unauthorized: a valid bearer token is required'), 401, {
        'Content-Type': 'application/json',
        'WWW-Authenticate': 'Bearer realm="kconnect-mcp"',
      });
    }
    return next();
  };
}
