// `npm run serve -- --help` (node main/serve.ts --build-renderer --help) lists every flag
// with its line, and every flag it lists is one the server accepts.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { FLAGS } from '../../main/serve-flags.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const serve = (...args: string[]) => spawnSync(process.execPath, ['main/serve.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });

test('--help prints one line per flag, each with its description, and starts nothing', () => {
  const run = serve('--build-renderer', '--help');
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split('\n');
  const listed = lines.flatMap((line) => /^\s+(?:-\w, )?--([a-z-]+)/.exec(line)?.[1] ?? []);
  expect(listed.sort()).toEqual(Object.keys(FLAGS).sort());
  for (const [name, flag] of Object.entries(FLAGS)) {
    const line = lines.find((l) => new RegExp(`--${name}\\b(?!-)`).test(l))!;
    // The flag, its value's name, then a description of several words.
    expect(line, name).toContain(flag.help);
    expect(line.split(flag.help)[0]!.trim().split(/\s+/).length, name).toBeLessThanOrEqual(3);
    expect(flag.help.split(' ').length, name).toBeGreaterThanOrEqual(4);
  }
  expect(run.stdout).not.toMatch(/serving at/);
});

test('every flag --help lists is accepted (an unknown one is refused with the help)', () => {
  const listed = serve('--help').stdout.split('\n').flatMap((line) => {
    const m = /^\s+(?:-\w, )?--([a-z-]+)( [A-Z]+)?/.exec(line);
    return m ? [[m[1]!, m[2]?.trim() ?? null] as const] : [];
  });
  expect(listed.length).toBeGreaterThanOrEqual(10);
  // A value of the kind the help names (PORT, URL), so that the flags' own checks pass.
  const sample = (kind: string) => (kind === 'PORT' ? '0' : kind === 'URL' ? 'https://dash.example.com' : 'x');
  const args = listed.flatMap(([name, kind]) => (name === 'help' || name === 'build-renderer' ? [] : kind ? [`--${name}`, sample(kind)] : [`--${name}`]));
  const run = serve(...args, '--help');
  expect(run.status, run.stderr).toBe(0);
  const unknown = serve('--no-such-flag');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain("Unknown option '--no-such-flag'");
  expect(unknown.stderr).toContain('--port PORT');
});
