// No module of main/ or preload/ imports itself back, types included: the sides of the core
// depend on context.ts and ports.ts, never on manager.ts, which builds them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every cycle a depth-first walk meets (as madge reports them), as lists of paths. */
function importCycles(files: string[]): string[][] {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    // preProcessFile sees `import type`, `export ... from` and `import()` alike.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(file, importedFiles.map((i) => resolve(dirname(file), i.fileName)).filter((f) => known.has(f)));
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep].map((f) => relative(ROOT, f)));
      else if (!state.has(dep)) walk(dep);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) walk(file);
  return cycles;
}

it('main/ and preload/ have no import cycles', () => {
  const files = [...tsFiles(join(ROOT, 'main')), ...tsFiles(join(ROOT, 'preload'))];
  expect(files.length).toBeGreaterThan(50);
  expect(importCycles(files).map((c) => c.join(' -> '))).toEqual([]);
});
