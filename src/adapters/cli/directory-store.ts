import { existsSync } from 'node:fs';
import type { CommandDefinition } from '../../commands/core/types.ts';
import type { KconnectConfig } from '../../config/schema.ts';
import type { PipelineConfig } from '../../config/pipelines.ts';
import type { DirectoryStore } from '../../directory/model/store.ts';
import type { DirectoryQueries } from '../../directory/queries.ts';
import type { DatabaseLocation } from '../../store/database.ts';
import type { ServiceDatabaseLocation } from '../http/store.ts';
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
  if (command.vendor === 'directory' && location === undefined) location = await serviceDatabase(config, env);
  const wanted = command.vendor === 'directory' || command.companions?.directory !== undefined;
  if (!wanted || location === undefined) return undefined;
  // Loaded here: the database drivers are for the commands that read the directory.
  const { DirectoryStore } = await import('../../directory/model/store.ts');
  return DirectoryStore.open(location);
}

/** Where `kconnect serve` keeps what it receives: the service database. */
async function serviceDatabase(
  config: KconnectConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ServiceDatabaseLocation> {
  const { serviceDatabaseLocation } = await import('../http/store.ts');
  return serviceDatabaseLocation(
    env[SERVICE_DATABASE_ENV] ?? config.service?.database ?? DEFAULT_SERVICE_DATABASE,
  );
}

/**
 * The directory the intake's enriching pipelines read (`kconnect intake run`, `kconnect serve`): the configured one
 * (`directory:`), else the service database when it is a PostgreSQL URL or a file that exists. A missing service
 * database file is not created — the pipelines then run without enrichment — unless `create`, for `kconnect serve`,
 * which makes that database anyway.
 */
export async function openProcessDirectory(
  config: KconnectConfig,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly create?: boolean } = {},
): Promise<DirectoryStore | undefined> {
  let location: DatabaseLocation | undefined = config.directory.state;
  if (location === undefined) {
    const service = await serviceDatabase(config, env);
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

/**
 * The directory for a long-running process that may never need it (`kconnect mcp`): opened by the first directory
 * query, not at start, so a server started in a folder it cannot write to (an assistant's working directory) still
 * serves its KSC tools, and only a directory tool reports the store it cannot open.
 */
export function lazyCliDirectory(
  config: KconnectConfig,
  env: Readonly<Record<string, string | undefined>>,
): { readonly queries: DirectoryQueries; close(): Promise<void> } {
  let opening: Promise<DirectoryStore> | undefined;
  const store = (): Promise<DirectoryStore> => {
    opening ??= openCliDirectory({ vendor: 'directory' }, config, env).then((opened) => opened!);
    // A failed open is tried again by the next query (the folder may have been made meanwhile).
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  };
  const queries: DirectoryQueries = {
    getUser: async (identifier) => (await store()).getUser(identifier),
    listUsers: async (options) => (await store()).listUsers(options),
    listGroups: async (options) => (await store()).listGroups(options),
    groupMembers: async (group, options) => (await store()).groupMembers(group, options),
    identityFor: async (query) => (await store()).identityFor(query),
    status: async () => (await store()).status(),
    resetsInProgress: async () => (await store()).resetsInProgress(),
    abandonReset: async (instance) => (await store()).abandonReset(instance),
  };
  return {
    queries,
    async close() {
      const opened = await opening?.catch(() => undefined);
      await opened?.close();
    },
  };
}
