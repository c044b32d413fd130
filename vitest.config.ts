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
      include: ['src/**/*.{ts,js}'],
      // The figures are worth having while the suite is red too (the architecture test may be).
      reportOnFailure: true,
      reporter: ['text-summary', 'json-summary', 'html'],
      // A few points below the figures measured on the unit and contract tiers (README, Development), so that
      // a change that leaves the KLOAPI layer or the command core less tested fails the run.
      thresholds: {
        'src/ksc/**': { statements: 90, branches: 85, functions: 90, lines: 92 },
        'src/commands/core/**': { statements: 90, branches: 76, functions: 92, lines: 94 },
      },
    },
  },
});
