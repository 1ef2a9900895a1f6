// The bench's output: one row per figure (value, the baseline measured in the same run, their
// ratio, the goal and whether it is met), printed as a table and written as JSON with --json.
// It reports; it never fails the build on a number.
import { writeFileSync } from 'node:fs';

export interface Row {
  figure: string;
  value: number | null;
  unit: string;
  /** What the value is compared with, measured in the same run (null: the goal is a bound). */
  baseline: { label: string; value: number } | null;
  /** baseline / value (how many times better), or value / baseline where the goal is "at most N×". */
  ratio: number | null;
  goal: string;
  /** null: not measured here (see note). */
  met: boolean | null;
  note?: string;
}

export class Table {
  readonly rows: Row[] = [];

  add(row: Omit<Row, 'ratio'> & { ratio?: number | null }): Row {
    // An explicit ratio (null included) wins; else how many times the baseline the value beats.
    const ratio = 'ratio' in row ? (row.ratio ?? null) : row.baseline && row.value ? row.baseline.value / row.value : null;
    const r: Row = { ...row, ratio };
    this.rows.push(r);
    const b = r.baseline ? `${fmt(r.baseline.value)} ${r.unit} (${r.baseline.label})` : '-';
    console.log(`[BENCH] ${r.figure}: ${r.value === null ? 'not measured' : `${fmt(r.value)} ${r.unit}`} | baseline ${b} | ${r.ratio === null ? '' : `${fmt(r.ratio)}x | `}goal ${r.goal} | ${met(r.met)}${r.note ? ` | ${r.note}` : ''}`);
    return r;
  }

  /** The table as Markdown (what the README's Performance section holds). */
  markdown(): string {
    const head = '| figure | value | baseline (same run) | ratio | goal | met |\n| --- | --- | --- | --- | --- | --- |';
    const lines = this.rows.map((r) => {
      const value = r.value === null ? '–' : `${fmt(r.value)} ${r.unit}`;
      const base = r.baseline ? `${fmt(r.baseline.value)} ${r.unit} (${r.baseline.label})` : '–';
      const ratio = r.ratio === null ? '–' : `${fmt(r.ratio)}×`;
      return `| ${r.figure} | ${value}${r.note ? ` (${r.note})` : ''} | ${base} | ${ratio} | ${r.goal} | ${met(r.met)} |`;
    });
    return [head, ...lines].join('\n');
  }

  print(): void {
    const cols = this.rows.map((r) => [
      r.figure,
      r.value === null ? '–' : `${fmt(r.value)} ${r.unit}`,
      r.baseline ? `${fmt(r.baseline.value)} (${r.baseline.label})` : '–',
      r.ratio === null ? '–' : `${fmt(r.ratio)}x`,
      r.goal,
      met(r.met),
    ]);
    const header = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'];
    const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...cols.map((c) => c[i]!.length))));
    const line = (c: string[]) => c.map((x, i) => (x.length > widths[i]! ? `${x.slice(0, widths[i]! - 1)}…` : x.padEnd(widths[i]!))).join(' | ');
    console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
    for (const c of cols) console.log(line(c));
    for (const r of this.rows) if (r.note) console.log(`  ${r.figure}: ${r.note}`);
  }

  writeJson(path: string, meta: Record<string, unknown>): void {
    writeFileSync(path, `${JSON.stringify({ ...meta, rows: this.rows }, null, 2)}\n`);
  }
}

function met(m: boolean | null): string {
  return m === null ? 'not measured' : m ? 'met' : 'NOT met';
}

export function fmt(n: number): string {
  const a = Math.abs(n);
  if (a >= 1000) return Math.round(n).toLocaleString('en-US');
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toFixed(3);
}
