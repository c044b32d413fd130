/** Apart from `database.ts`, so that showing a URL (configuration, status) loads no database driver. */

/** Removes the password from a connection URL so it can be shown. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
