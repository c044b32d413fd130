/**
 * Runs one benchmark once per link (`KCONNECT_BENCH_LINK`), one after the other, for the proof rows whose
 * criterion names both loopback and a 20 ms RTT (B1, B3): `node --import tsx proof/each-link.ts bench/x.ts
 * loopback,wan`. The benchmark records its figures itself (recordFigure, with the link in them); this fails when
 * any run fails.
 */
import { spawnSync } from 'node:child_process';

const [file, links = 'loopback,wan'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: each-link.ts <bench file> [loopback,wan]');
let failed = 0;
for (const link of links.split(',')) {
  console.log(`\n=== ${file}, link ${link}`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
    stdio: 'inherit',
    env: { ...process.env, KCONNECT_BENCH_LINK: link },
  });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
