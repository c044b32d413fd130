/**
 * Which tier each test file belongs to (vitest projects in vitest.config.ts):
 *
 * - `unit`: pure code, at most an in-process server on loopback. No PostgreSQL, no emulator, no child process, no
 *   browser: runs anywhere with Node alone, in under a minute on two cores (`npm run test:unit`).
 * - `contract`: the emulators over HTTP (in-process or not) and anything on PostgreSQL, both backends
 *   (`npm run test:contract`; the only tier that starts the test PostgreSQL server).
 * - `e2e`: child processes — kconnect's CLI, MCP server or demo as processes, Chromium, bench and example
 *   processes (`npm run test:e2e`).
 *
 * A file's tier is its own entry in {@link TIER_OF_FILE} if it has one, else that of the deepest folder listed in
 * {@link TIER_OF_FOLDER}, else `contract` (the tier that can run anything but a child process). So a new file lands
 * in its folder's tier; list a file only when it differs from its folder. test/architecture/tiers.test.ts checks
 * that unit files stay pure.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const TIERS = ['unit', 'contract', 'e2e'] as const;
export type Tier = (typeof TIERS)[number];

/** Folders (relative to the repository root, `/`-separated) and the tier of the test files under them. */
export const TIER_OF_FOLDER: Readonly<Record<string, Tier>> = {
  'test/architecture': 'unit',
  'test/config': 'unit',
  'test/emulator/kics/query': 'unit',
  'test/emulator/world': 'unit',
  'test/emulator/kics/traffic': 'unit',
  'test/emulator/kics/world': 'unit',
  'test/ksc': 'unit',
  'test/ksc/client': 'contract',
  'test/ksc/filter': 'unit',
  'test/ksc/golden': 'unit',
  'test/status': 'unit',
  'test/support': 'unit',
  'test/console': 'e2e',
  'test/package': 'e2e',
};

/** Files whose tier differs from their folder's. */
export const TIER_OF_FILE: Readonly<Record<string, Tier>> = {
  // Pure modules in folders that otherwise drive an emulator.
  'test/adapters/cli/command-options.test.ts': 'unit',
  'test/adapters/cli/format.test.ts': 'unit',
  'test/adapters/cli/idempotency-file-store.test.ts': 'unit',
  'test/commands/idempotency.test.ts': 'unit',
  'test/commands/render.test.ts': 'unit',
  'test/emulator/core/clock.test.ts': 'unit',
  'test/emulator/core/random.test.ts': 'unit',
  // Runs curl and openssl.
  'test/emulator/kics/auth/curl.test.ts': 'e2e',
  'test/ksc/client/config.test.ts': 'unit',
  // Builds contexts against a running emulator.
  'test/config/context.test.ts': 'contract',
  // Also runs kconnect mcp as a process with a plain-HTTP URL.
  'test/config/insecure-http.test.ts': 'e2e',
  // Spawn kconnect (or the emulator) as a process.
  'test/adapters/cli/entry-points.test.ts': 'e2e',
  'test/adapters/cli/process.test.ts': 'e2e',
  'test/adapters/cli/completion.test.ts': 'e2e',
  'test/adapters/cli/kics-emulator-process.test.ts': 'e2e',
  'test/adapters/cli/startup-imports.test.ts': 'e2e',
  'test/adapters/mcp/process.test.ts': 'e2e',
  'test/emulator/ksc/lifecycle.test.ts': 'e2e',
  'test/intake/crash-process.test.ts': 'e2e',
  'test/intake/cli/intake-cli.test.ts': 'e2e',
  'test/intake/crash-cli.test.ts': 'e2e',
  'test/intake/workers-cli.test.ts': 'e2e',
  // rsyslogd as a child process.
  'test/intake/sinks/syslog/syslog-sink.test.ts': 'e2e',
  'test/intake/sinks/syslog/pipeline.test.ts': 'e2e',
  // openssl issues the test certificates.
  'test/intake/sinks/syslog/tls.test.ts': 'e2e',
  // rsyslogd as a child process, openssl for the certificates.
  'test/intake/sinks/syslog/rsyslog-tls.test.ts': 'e2e',
  // Pipeline processes killed with SIGKILL, on their own PostgreSQL server.
  'test/intake/crash-postgres.test.ts': 'e2e',
  // Runs tcpdump and unzip on the captures it writes.
  'test/emulator/kics/traffic/tcpdump.test.ts': 'e2e',
};

const DEFAULT_TIER: Tier = 'contract';

/** The tier of a test file, given relative to the repository root. */
export function tierOf(file: string): Tier {
  return TIER_OF_FILE[posix(file)] ?? folderTierOf(file);
}

/** The tier of the files in the folder of `file`, had it no entry of its own. */
export function folderTierOf(file: string): Tier {
  for (let dir = path.posix.dirname(posix(file)); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) {
    const tier = TIER_OF_FOLDER[dir];
    if (tier !== undefined) return tier;
  }
  return DEFAULT_TIER;
}

function posix(file: string): string {
  return file.split(path.sep).join('/');
}

/** Every `*.test.ts` under `dir` (relative to `root`), as `/`-separated paths relative to `root`, sorted. */
export function listTestFiles(root: string, dir = 'test'): string[] {
  const entries = readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => posix(path.relative(root, path.join(entry.parentPath, entry.name))))
    .sort();
}

/** The test files of one tier. */
export function testFilesOf(tier: Tier, root: string): string[] {
  return listTestFiles(root).filter((file) => tierOf(file) === tier);
}
