// Prints the closing line CI reads ("N passed, N failed") from vitest's JSON report and sets the exit code.
// A run that produced no report (the typecheck failed, or vitest crashed) counts as one failure. A third argument
// names the log of scripts/node-versions.sh, whose closing line adds its steps; a fourth the test run's output, whose
// run-level errors (coverage thresholds, unhandled errors) are repeated when vitest failed without a failed test.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath = 'test-results/vitest.json', statusText = '1', nodeVersionsLog, testLog] =
  process.argv.slice(2);
const status = Number(statusText);
let passed = 0;
let failed;
let skipped = 0;
let report;
if (existsSync(reportPath)) {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  printFailures(report);
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
if (status !== 0 && (report?.numFailedTests ?? 0) === 0) {
  console.log('ci: vitest exited non-zero with no failed test; from its output:');
  printRunErrors(testLog);
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);

/** The failed tests and the suites that failed as a whole, named just above the closing line, where CI's tail shows them. */
function printFailures(results) {
  const lines = [];
  for (const file of results.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failedTests) {
      const message = (test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
      lines.push(`ci: FAILED ${file.name} > ${test.fullName}: ${message}`);
    }
    if (failedTests.length === 0 && file.status === 'failed')
      lines.push(`ci: FAILED ${file.name} (suite): ${(file.message ?? '').split('\n')[0].slice(0, 300)}`);
  }
  for (const line of lines) console.log(line);
}

/** Coverage thresholds missed and unhandled errors: what fails a run in which every test passed. */
function printRunErrors(logPath) {
  if (logPath === undefined || !existsSync(logPath)) return;
  const lines = stripColours(readFileSync(logPath, 'utf8')).split('\n');
  const picked = [];
  lines.forEach((line, i) => {
    if (/ERROR: Coverage for|does not meet .*threshold/.test(line)) picked.push(line.trim());
    if (/Unhandled (Error|Rejection)/.test(line))
      picked.push(...lines.slice(i, i + 12).map((l) => l.trimEnd()));
  });
  for (const line of picked.slice(0, 60)) console.log(`ci: ${line}`);
}

function stripColours(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
