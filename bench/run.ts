/**
 * `npm run bench`: runs every benchmark in turn and prints their figures. `npm run bench -- codec` runs only the
 * benchmarks whose name contains "codec"; arguments starting with `--` go to every benchmark run
 * (`npm run bench -- kics-emulator --pg`). Record the figures in docs/benchmarks.md with the command.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const forwarded = args.filter((a) => a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  // Each benchmark in its own process: peak memory and JIT state of one never colour another.
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', `${dir}${file}`, ...forwarded],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
