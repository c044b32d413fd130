import { existsSync } from 'node:fs';
import type { CommandDefinition } from '../../commands/core/types.ts';
import type { KconnectConfig } from '../../config/schema.ts';
import type { PipelineConfig } from '../../config/pipelines.ts';
import type { DirectoryStore } from '../../directory/model/store.ts';
import type { DatabaseLocation } from '../../store/database.ts';
import { DEFAULT_SERVICE_DATABASE, SERVICE_DATABASE_ENV } from './token-command.ts';

/**
 * The directory store a CLI command reads, or undefined when it needs none. A directory command opens the
 * configured one (`directory:`), else the service database — where `kconnect serve` keeps it — so the CLI reads
 * what the service received. A command that only enriches with it (`get_user_by_ip`) opens it when `directory:`
 * is configured, never the service database by default: it must not create files for a plain KSC call.
 */
export async function openCliDirectory(
  command: Pick<CommandDefinition, 'vendor' | 'companions'>,
  config: KconnectConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DirectoryStore | undefined> {
  let location: DatabaseLocation | undefined = config.directory.state;
  if (command.vendor === 'directory' && location === undefined) {
    const [{ serviceDatabaseLocation }] = await Promise.all([import('../http/store.ts')]);
    location = serviceDatabaseLocation(
      env[SERVICE_DATABASE_ENV] ?? config.service?.database ?? DEFAULT_SERVICE_DATABASE,
    );
  }
  const wanted = command.vendor === 'directory' || command.companions?.directory !== undefined;
  if (!wanted || location === undefined) return undefined;
  // Loaded here: the database drivers are for the commands that read the directory.
  const { DirectoryStore } = await import('../../directory/model/store.ts');
  return DirectoryStore.open(location);
}

/**
 * The directory store of a long-running process that serves every command (`kconnect mcp`): the configured one
 * (`directory:`), else the service database when it is a PostgreSQL URL or a file that exists — where `kconnect
 * serve` keeps what it received — so the MCP tools read what the CLI's directory commands read. A missing service
 * database file is not created: the process then runs without a directory (directory tools answer that none is
 * configured, enrichment is left out) — unless `create`, for `kconnect serve`, which makes that database anyway.
 */
export async function openProcessDirectory(
  config: KconnectConfig,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly create?: boolean } = {},
): Promise<DirectoryStore | undefined> {
  let location: DatabaseLocation | undefined = config.directory.state;
  if (location === undefined) {
    const { serviceDatabaseLocation } = await import('../http/store.ts');
    const service = serviceDatabaseLocation(
      env[SERVICE_DATABASE_ENV] ?? config.service?.database ?? DEFAULT_SERVICE_DATABASE,
    );
    if ('url' in service || options.create === true || existsSync(service.file)) location = service;
  }
  if (location === undefined) return undefined;
  const { DirectoryStore } = await import('../../directory/model/store.ts');
  return DirectoryStore.open(location);
}

/** Whether a pipeline adds the directory identity to its events (`ksc.events` mapped to ecs or ocsf). */
export function enrichesFromDirectory(pipeline: Pick<PipelineConfig, 'source' | 'mapping'>): boolean {
  const mapping = typeof pipeline.mapping === 'string' ? pipeline.mapping : pipeline.mapping.type;
  return pipeline.source.type === 'ksc.events' && (mapping === 'ecs' || mapping === 'ocsf');
}
