// One Node floor: package.json "engines" is the lowest version every installed package accepts
// (and that runs .ts files directly), and the check script, .ci/run and the README agree with it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
// semver is npm's own engines logic; it comes with the toolchain (vite, electron-builder...).
const semver = createRequire(join(ROOT, 'package.json'))('semver') as { satisfies(v: string, range: string): boolean };

const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const floor = /^>=\s*(\d+)\.(\d+)$/.exec(engines);
const [major, minor] = [Number(floor?.[1]), Number(floor?.[2])];
const atFloor = `${major}.${minor}.0`;
const belowFloor = `${major}.${minor - 1}.99`;
/** Type stripping (running .ts files without a flag) is on by default from Node 22.18. */
const TYPE_STRIPPING = '22.18.0';

/** Runs a Node script as if under Node `version` (process.version and process.versions.node faked). */
function asNode(version: string, args: string[]) {
  const fake = `Object.defineProperty(process.versions,'node',{value:'${version}'});Object.defineProperty(process,'version',{value:'v${version}'});`;
  return spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(fake)}`, ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('the Node floor', () => {
  it('is the lowest minor every package in the lockfile accepts, and runs .ts files', () => {
    expect(floor, `engines.node is "${engines}"`).not.toBeNull();
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } }> };
    const ranges = Object.entries(lock.packages).flatMap(([name, p]) => (p.engines?.node && name ? [[name, p.engines.node] as const] : []));
    const refused = (version: string) => ranges.filter(([, range]) => !semver.satisfies(version, range)).map(([name, range]) => `${name} ${range}`);
    expect(refused(atFloor)).toEqual([]);
    expect(semver.satisfies(atFloor, `>=${TYPE_STRIPPING}`)).toBe(true);
    // Tight: one minor lower, something refuses (or .ts files do not run).
    expect(refused(belowFloor).length > 0 || !semver.satisfies(belowFloor, `>=${TYPE_STRIPPING}`)).toBe(true);
  });

  it('scripts/check-node.mjs passes at the floor and refuses below it in one line that names the floor', () => {
    expect(asNode(atFloor, ['scripts/check-node.mjs']).status).toBe(0);
    const below = asNode(belowFloor, ['scripts/check-node.mjs']);
    expect(below.status).toBe(1);
    const lines = below.stderr.split('\n').filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`>= ${major}.${minor}`);
    expect(lines[0]).toContain(`this is v${belowFloor}`);
  });

  it('.ci/run fetches Node 24 exactly when the host is below the floor', () => {
    const check = /need_node24\(\) \{[^]*?node -e '([^']+)'/.exec(read('.ci/run'))?.[1];
    expect(check).toBeTruthy();
    expect(asNode(atFloor, ['-e', check!]).status).toBe(0);
    expect(asNode(belowFloor, ['-e', check!]).status).toBe(1);
  });

  it('npm refuses to install below it (engine-strict), and the README states it', () => {
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m);
    expect(read('README.md')).toContain(`Node.js **>= ${major}.${minor}**`);
  });
});
