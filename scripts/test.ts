// Runs the whole suite and ends with the plain line "N passed, N failed, N skipped", all
// three counted from vitest's own JSON report, so that every CI run's count is on record.
// Arguments go to vitest as they are (a file, `--root DIR`, ...).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'kmm-test-'));
const report = join(dir, 'report.json');
// The reliability tests write what they measured here (test/reliability/figures.ts).
const figuresFile = join(dir, 'figures.ndjson');
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, KMM_FIGURES_FILE: figuresFile } },
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
const figures = readFigures(figuresFile);
rmSync(dir, { recursive: true, force: true });
if (figures) console.log(`[FIGURES] measured by the suite: ${figures}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);

/** "hostile inputs tried 1234, faults injected 12, ...": each figure summed over the test processes. */
function readFigures(file: string): string {
  if (!existsSync(file)) return '';
  const sums = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const { name, value } = JSON.parse(line) as { name: string; value: number };
      sums.set(name, (sums.get(name) ?? 0) + value);
    } catch {
      /* a partial line from a killed worker */
    }
  }
  return [...sums].map(([name, value]) => `${name} ${value}`).join(', ');
}
