// `npm start` obtains the Electron binary through Electron's own mechanism, then runs
// electron-vite dev with it; without a binary it says so in one line. Runs in a copy of the
// project (see project-copy.ts), with a stand-in executable where the binary would be.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, standInElectron, useProjectCopy } from './project-copy.ts';

const copy = useProjectCopy();
const env = (extra?: NodeJS.ProcessEnv) => copy().env(extra);

describe('npm start', () => {
  it('launches the binary named by ELECTRON_OVERRIDE_DIST_PATH with the freshly built main entry', async () => {
    const electron = standInElectron(join(copy().scratch, 'override'));
    const started = Date.now();
    const result = await run('npm', ['start'], copy().dir, env({ ELECTRON_OVERRIDE_DIST_PATH: electron.dir }));

    expect(result.stderr).not.toMatch(/Electron uninstall/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.leftBehind).toBe(false);
    const record = JSON.parse(readFileSync(electron.record, 'utf8')) as { argv: string[]; cwd: string; env: NodeJS.ProcessEnv };
    // electron-vite runs `electron <app dir>`: Electron starts the app dir's package.json "main".
    const appDir = resolve(record.cwd, record.argv[0]!);
    expect(appDir).toBe(copy().dir);
    const main = join(appDir, (JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { main: string }).main);
    expect(main).toBe(join(copy().dir, 'out', 'main', 'index.js'));
    expect(statSync(main).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
    expect(readFileSync(main, 'utf8')).toMatch(/requestSingleInstanceLock/);
    // The preload is built too, and carries the contract's names without zod (preload/contract/names.ts).
    const preload = readFileSync(join(copy().dir, 'out', 'preload', 'index.cjs'), 'utf8');
    expect(preload).toContain('listContexts');
    expect(preload).not.toMatch(/ZodError|\$ZodType/);
    expect(record.env.ELECTRON_RENDERER_URL).toMatch(/^http:\/\/localhost:\d+/);
  });

  it('with ELECTRON_OVERRIDE_DIST_PATH naming a folder without the binary, says which path is missing, in the one line', async () => {
    const empty = join(copy().scratch, 'empty');
    mkdirSync(empty, { recursive: true });
    const result = await run('npm', ['start'], copy().dir, env({ ELECTRON_OVERRIDE_DIST_PATH: empty }));

    expect(result.code).not.toBe(0);
    expect(result.leftBehind).toBe(false);
    const lines = result.stderr.split('\n').filter((l) => l.trim());
    expect(lines, result.stderr).toEqual([expect.stringContaining(`no Electron binary (${join(empty, 'electron')} does not exist)`)]);
    expect(lines[0]).toContain('`npm run demo -- --web`');
  });

  it('without a binary and without network, says so in one line naming what works instead, and fails', async () => {
    const result = await run('npm', ['start'], copy().dir, env());

    expect(result.code).not.toBe(0);
    expect(result.leftBehind).toBe(false);
    const lines = result.stderr.split('\n').filter((l) => l.trim());
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[START\] The desktop app cannot start: there is no Electron binary \(.+\)\./);
    expect(lines[0]).toContain('`npm run demo -- --web`');
    expect(lines[0]).toContain('`npm run serve`');
    // No stack trace, and nothing of Electron's own messages, on either stream.
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at |Electron uninstall|Downloading Electron/m);
    // Electron's download really was tried (and refused by the closed port), not skipped.
    expect(lines[0]).toMatch(/fetch failed/);
  });
});
