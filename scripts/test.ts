// Runs the whole suite and ends with the plain line "N passed, N failed, N skipped", all
// three counted from vitest's own JSON report, so that every CI run's count is on record.
// Arguments go to vitest as they are (a file, `--root DIR`, ...).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'kmm-test-'));
const report = join(dir, 'report.json');
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

type FileResult = { status: string; assertionResults: { status: string }[] };
type Report = { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; testResults: FileResult[] };

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const result = JSON.parse(readFileSync(report, 'utf8')) as Report;
  passed = result.numPassedTests;
  // A file that fails to load (or whose hooks fail) has no failed test; count it once so it cannot vanish.
  const brokenFiles = result.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  failed = result.numFailedTests + brokenFiles;
  // vitest 5: skip/skipIf (and tests of a skipped describe) are "pending"; it.todo is counted apart.
  skipped = result.numPendingTests + result.numTodoTests;
} catch {
  failed = 1;
}
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
