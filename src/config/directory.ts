import { z } from 'zod';
import type { DatabaseLocation } from '../store/database.ts';
import { nonEmpty } from './connections/tls.ts';
import { resolveStateLocation } from './pipelines.ts';

/**
 * `directory:` — where the IAM directory (seed 003) is kept. Optional: by default the directory lives in the
 * service database (`service.database`, `KCONNECT_SERVICE_DATABASE`), beside tokens and audit, so `kconnect serve`
 * and the CLI's directory commands meet on it without a setting.
 */
export const directorySectionSchema = z.strictObject({
  state: z
    .union([
      z.strictObject({
        file: nonEmpty.describe('A SQLite file; relative to the configuration file’s folder'),
      }),
      z.strictObject({ url: nonEmpty.describe('A postgres:// URL') }),
      z.strictObject({ urlEnv: nonEmpty.describe('The environment variable holding the postgres:// URL') }),
    ])
    .optional()
    .describe('Default: the service database'),
});

export type DirectorySection = z.output<typeof directorySectionSchema>;

/** Where the directory is kept, resolved: its own store, or (undefined) the service database. */
export interface DirectoryConfig {
  readonly state: DatabaseLocation | undefined;
}

export function resolveDirectory(
  section: DirectorySection | undefined,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
): DirectoryConfig {
  if (section?.state === undefined) return { state: undefined };
  return { state: resolveStateLocation(section.state, base, env, 'directory.state').location };
}
