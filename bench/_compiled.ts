/**
 * Runs a benchmark as a user's compiled program would run: bundled with esbuild (the one tsx brings; kconnect's
 * code inlined, packages left to node_modules) into `.scratch/`, then with plain `node`. tsx's loader (a worker
 * thread compiling on the fly) would add 30–40 MB of RSS and CPU that a compiled program does not carry.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * When the benchmark at `moduleUrl` runs from its sources (not yet bundled) and without `--tsx`: bundles it, runs
 * the bundle with the same arguments and exits with its status. Otherwise returns, and the benchmark runs here.
 */
export function runCompiledUnlessBundled(moduleUrl: string): void {
  if (process.argv.includes('--tsx') || moduleUrl.endsWith('.mjs')) return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const bundle = path.join(root, '.scratch', `${path.basename(fileURLToPath(moduleUrl), '.ts')}.mjs`);
  const built = spawnSync(
    path.join(root, 'node_modules', '.bin', 'esbuild'),
    [
      fileURLToPath(moduleUrl),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--packages=external',
      `--outfile=${bundle}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit' },
  );
  if (built.status !== 0) process.exit(built.status ?? 1);
  const ran = spawnSync(process.execPath, ['--expose-gc', bundle, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(ran.status ?? 1);
}

/** How the benchmark runs, for its report. */
export function howItRuns(moduleUrl: string): string {
  return moduleUrl.endsWith('.mjs') ? 'compiled (no tsx)' : 'sources through tsx';
}
