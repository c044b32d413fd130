// Prints the closing line CI reads ("N passed, N failed") from vitest's JSON report and sets the exit code.
// A run that produced no report (the typecheck failed, or vitest crashed) counts as one failure. A third argument
// names the log of scripts/node-versions.sh, whose closing line adds its steps.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath = 'test-results/vitest.json', statusText = '1', nodeVersionsLog] = process.argv.slice(2);
const status = Number(statusText);
let passed = 0;
let failed;
let skipped = 0;
if (existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load reports no failed test, but the run is still red.
  if (failed === 0 && status !== 0) failed = 1;
} else {
  failed = 1;
}
// scripts/node-versions.sh's closing line, when it ran: its steps count too, and a missing line is a failure.
if (nodeVersionsLog !== undefined) {
  const text = existsSync(nodeVersionsLog) ? readFileSync(nodeVersionsLog, 'utf8') : '';
  const closing = /^node-versions: (\d+) passed, (\d+) failed$/m.exec(text);
  if (closing === null) {
    failed += 1;
  } else {
    passed += Number(closing[1]);
    failed += Number(closing[2]);
  }
}
if (passed + failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
