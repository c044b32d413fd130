import { z } from 'zod';
import { directoryNatsOptions, type DirectoryNatsSettings } from '../directory/nats/options.ts';
import { resolveNatsConnection } from '../intake/nats/connection.ts';
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
  nats: directoryNatsOptions
    .optional()
    .describe('`kconnect serve` also consumes directory events from this JetStream stream (decision 0065)'),
});

export type DirectorySection = z.output<typeof directorySectionSchema>;

/** Where the directory is kept, resolved: its own store, or (undefined) the service database. */
export interface DirectoryConfig {
  readonly state: DatabaseLocation | undefined;
  /** The JetStream stream `kconnect serve` consumes directory events from; undefined: HTTP only. */
  readonly nats?: DirectoryNatsSettings | undefined;
}

export function resolveDirectory(
  section: DirectorySection | undefined,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
): DirectoryConfig {
  const state =
    section?.state === undefined
      ? undefined
      : resolveStateLocation(section.state, base, env, 'directory.state').location;
  const nats = section?.nats;
  if (nats === undefined) return { state };
  const { stream, subject, consumer, ...connection } = nats;
  return {
    state,
    nats: {
      // Every error names its field under `directory.nats` (`directory.nats.url` …), as pipelines' do.
      connection: resolveNatsConnection(connection, { field: 'directory.nats', base, env }),
      stream,
      ...(subject === undefined ? {} : { subject }),
      ...(consumer === undefined ? {} : { consumer }),
    },
  };
}
