// scripts/test.ts on a folder of fixtures (one passing test, one failing, one skipped by
// describe.skipIf, one it.todo, one file that fails to load): its closing line counts each.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

it('ends with "N passed, N failed, N skipped" from vitest\'s report, a file that fails to load counted as failed', () => {
  const run = spawnSync(process.execPath, ['scripts/test.ts', '--root', 'test/unit/fixtures/test-line'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const lines = run.stdout.trim().split('\n');
  expect(lines.at(-1)).toBe('1 passed, 2 failed, 2 skipped');
  expect(run.status).toBe(1);
}, 60_000);
