import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testFilesOf, type Tier } from './test/support/tiers.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * One vitest project per tier (test/support/tiers.ts says which file is in which): `npm test` runs them all,
 * `npm run test:unit` / `test:contract` / `test:e2e` one. Only the contract tier starts PostgreSQL, so the unit
 * tier runs on a machine without it.
 */
function tier(name: Tier, extra: { globalSetup?: string[] } = {}) {
  return {
    extends: true as const,
    test: { name, include: testFilesOf(name, root), ...extra },
  };
}

export default defineConfig({
  test: {
    // No globalSetup here: vitest runs the root's for every run, whatever projects are selected.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [tier('unit'), tier('contract', { globalSetup: ['test/global-setup.ts'] }), tier('e2e')],
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      reporter: ['text-summary', 'json-summary', 'html'],
      // Measured on the unit and contract tiers (`npm run test:coverage`), a few points below the figures of
      // the day (see README, Development); child processes of the e2e tier are not measured.
      thresholds: {
        'src/ksc/**': { statements: 0, branches: 0, functions: 0, lines: 0 },
        'src/commands/core/**': { statements: 0, branches: 0, functions: 0, lines: 0 },
      },
    },
  },
});
