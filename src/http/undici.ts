/**
 * undici, required by the first pool or connector made rather than imported with the clients: a CLI call that only
 * prints help or a version does not load it, and it is the largest package a command needs (decision 0073).
 * `require`, because undici is CommonJS (its import and its require are the same instance) and pools are made in
 * constructors.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const requireUndici = createRequire(import.meta.url);

export function undici(): typeof Undici {
  return requireUndici('undici') as typeof Undici;
}
