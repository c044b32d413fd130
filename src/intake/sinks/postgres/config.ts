/** The PostgreSQL sink's part of `kconnect.yaml` (`type: postgres`): where the rows go, and whether to make the table. */
import { z } from 'zod';
import { ConfigError } from '../../../config/errors.ts';
import { Secret } from '../../../config/secrets.ts';
import { redactUrl } from '../../../store/redact-url.ts';
import type { SinkKind } from '../kind.ts';
import { lazySink } from '../lazy.ts';
import { parseTableName, type TableName } from './table-name.ts';

export const postgresSinkConfigSchema = z.strictObject({
  type: z.literal('postgres'),
  url: z
    .string()
    .min(1, 'empty')
    .optional()
    .describe('postgres:// URL of the database (a password in it is shown masked); or urlEnv'),
  urlEnv: z
    .string()
    .min(1, 'empty')
    .optional()
    .describe('The environment variable holding the postgres:// URL; or url'),
  table: z
    .string()
    .min(1, 'empty')
    .describe('The table, optionally schema-qualified (siem.ksc_events): letters, digits and "_"'),
  createTable: z
    .boolean()
    .optional()
    .describe('Create the table (and its schema) when missing; default true'),
});
export type PostgresSinkConfig = z.output<typeof postgresSinkConfigSchema>;

/** Resolved: the URL as a `Secret` (it may hold a password), the table parsed, what people see without secrets. */
export interface ResolvedPostgresSinkConfig {
  readonly type: 'postgres';
  readonly url: Secret;
  readonly table: TableName;
  readonly createTable: boolean;
  /** The URL with its password masked, or the variable's name: for status and listings. */
  readonly display: string;
}

function checkUrl(url: string, field: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(field, 'not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new ConfigError(field, `expected a postgres:// URL, not ${parsed.protocol}`);
}

/** Rows in a PostgreSQL table, upserted by event key (`type: postgres`). */
export const postgresSinkKind: SinkKind<PostgresSinkConfig, ResolvedPostgresSinkConfig> = {
  type: 'postgres',
  schema: postgresSinkConfigSchema,
  resolve(config, context) {
    const table = parseTableName(config.table);
    if (table === undefined)
      throw new ConfigError(
        `${context.field}.table`,
        'expected a table name, optionally schema-qualified: letters, digits and "_", not starting with a digit',
      );
    if ((config.url === undefined) === (config.urlEnv === undefined))
      throw new ConfigError(`${context.field}.url`, 'give either url or urlEnv');
    let url: Secret;
    let display: string;
    if (config.url !== undefined) {
      checkUrl(config.url, `${context.field}.url`);
      url = Secret.value(config.url, `${context.field}.url`);
      display = redactUrl(config.url);
    } else {
      const name = config.urlEnv!;
      const value = context.env[name];
      if (value === undefined || value === '')
        throw new ConfigError(`${context.field}.urlEnv`, `environment variable ${name} is not set`);
      checkUrl(value, `${context.field}.urlEnv`);
      url = Secret.env(name, `${context.field}.urlEnv`, context.env);
      display = `$${name}`;
    }
    return { type: 'postgres', url, table, createTable: config.createTable ?? true, display };
  },
  target: (config) => `${config.display} table ${config.table.text}`,
  // The implementation, pg and Kysely load when the run opens the sink (decision 0073).
  create: (config, deps) =>
    lazySink('postgres', async () => {
      const { PostgresSink } = await import('./sink.ts');
      return new PostgresSink({
        url: config.url,
        table: config.table,
        createTable: config.createTable,
        pipeline: deps.pipeline,
        display: config.display,
      });
    }),
};
