import { createRequire } from 'node:module';

let version: string | undefined;

/** kconnect's version, from `package.json` (one level above `src/` and `dist/` alike), read once. */
export function kconnectVersion(): string {
  version ??= (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  return version;
}
