// Figures the reliability tests measure (hostile inputs tried, faults injected, increments
// sent and found, secrets leaked), written where scripts/test.ts reads them to print a
// summary above its closing line. Each test process appends its own lines.
import { appendFileSync } from 'node:fs';

/** The file the test runner names in KMM_FIGURES_FILE; without it (a single file run), nothing is kept. */
export function recordFigure(name: string, value: number): void {
  const file = process.env.KMM_FIGURES_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value })}\n`);
}
