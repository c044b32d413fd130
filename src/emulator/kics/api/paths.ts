/** Where the API lives: seed 002's v3, under the prefix the one real client uses (spec §1). */
export const API_PREFIX = '/kics/api/v3';

/**
 * Collection names as they may be spelt: the seed calls them kebab-case ("monitoring-points API methods"), the
 * older renderings' tags PascalCase (`AllowRules`); ASP.NET Core matches routes without regard to case.
 */
const COLLECTIONS = new Map(
  [
    'allow-rules',
    'application-messages',
    'audit-messages',
    'event-types',
    'monitoring-points',
    'protocol-stacks',
    'server-settings',
  ].map((name) => [name.replaceAll('-', ''), name] as const),
);

/** v4 routes real clients call (spec §1: devices and events queries); the rest of v4 is not emulated. */
const V4_ROUTES = new Set(['/kics/api/v4/devices/query', '/kics/api/v4/events/query']);

/**
 * The path a request is routed by: lower case, collection names in their kebab spelling, no trailing slash, and
 * the v4 queries onto their v3 twins (same body, same answer). The original path stays what logs show.
 */
export function routingPath(pathname: string): string {
  let path = pathname.toLowerCase();
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (!path.startsWith('/kics/api/')) return path;
  const segments = path.split('/').map((segment) => COLLECTIONS.get(segment) ?? segment);
  path = segments.join('/');
  if (V4_ROUTES.has(path)) path = path.replace('/kics/api/v4/', '/kics/api/v3/');
  return path;
}
