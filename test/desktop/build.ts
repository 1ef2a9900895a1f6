// The desktop app as it ships: main, preload and renderer built by electron-vite with the
// project's config, into a folder of the test's own (under node_modules, so that the built
// main resolves its dependencies as out/ does), so a concurrent `npm run build` cannot
// disturb it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface DesktopBuild {
  dir: string;
  mainEntry: string;
  remove(): void;
}

export async function buildDesktop(): Promise<DesktopBuild> {
  const parent = join(ROOT, 'node_modules', '.cache', 'kmm-desktop');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'build-'));
  try {
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', dir, '--logLevel', 'warn'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`electron-vite build failed: ${(err as { stderr?: string }).stderr ?? err}`);
  }
  const mainEntry = join(dir, 'main', 'index.js');
  for (const f of [mainEntry, join(dir, 'preload', 'index.cjs'), join(dir, 'renderer', 'index.html')]) if (!existsSync(f)) throw new Error(`the build made no ${f}`);
  return { dir, mainEntry, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
