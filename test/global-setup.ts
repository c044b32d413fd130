/**
 * vitest globalSetup of the contract tier (vitest.config.ts; the other tiers need no database, so a machine
 * without PostgreSQL runs them): one PostgreSQL server for the whole run, shared by all test files through
 * `inject('pgUrl')`. Each file makes its own database on it with `createTestDatabase(inject('pgUrl'))`.
 *
 * With KCONNECT_TEST_PG_URL set, that server is used instead and nothing is started (its user must be allowed to
 * CREATE DATABASE).
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './support/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server (database `postgres`). */
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.KCONNECT_TEST_PG_URL;
  if (external !== undefined && external !== '') {
    project.provide('pgUrl', external);
    return async () => undefined;
  }
  const server = await startPostgres();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
