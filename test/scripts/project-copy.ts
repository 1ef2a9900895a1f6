// A copy of the project in a temporary folder, for tests that run its npm scripts: builds land
// in the copy's out/, not the working tree's, and its node_modules links every package to the
// real one except `electron`, which is a real copy (no binary, no path.txt) so that Electron's
// own download can be tried and fail there without touching the real package.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const COPIED = ['main', 'preload', 'renderer', 'scripts', 'test/sim', 'package.json', 'electron.vite.config.ts', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.node.json', 'tsconfig.web.json'];

export interface ProjectCopy {
  dir: string;
  /** A folder beside the copy for the test's own files (stand-ins, Electron's download cache). */
  scratch: string;
  /**
   * The environment of a person's shell (without ELECTRON_* or PORT settings of this one), with
   * Electron's download pointed at a closed loopback port and an empty cache: never the network.
   */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  close(): void;
}

export function copyProject(): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), 'kmm-project-'));
  const dir = join(root, 'project');
  const scratch = join(root, 'scratch');
  mkdirSync(scratch);
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'electron' || name === '.vite') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  cpSync(join(ROOT, 'node_modules', 'electron'), join(modules, 'electron'), {
    recursive: true,
    filter: (src) => !/[/\\](dist|path\.txt)$/.test(src),
  });
  const env = (extra: NodeJS.ProcessEnv = {}) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^electron_|^PORT$/i.test(k)));
    return { ...base, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: join(scratch, 'cache'), ...extra };
  };
  return { dir, scratch, env, close: () => rmSync(root, { recursive: true, force: true }) };
}

/** A project copy for the tests of one file: made before them, removed after them. */
export function useProjectCopy(): () => ProjectCopy {
  let project: ProjectCopy | undefined;
  beforeAll(() => {
    project = copyProject();
  });
  afterAll(() => project?.close());
  return () => project!;
}

/**
 * A stand-in for the Electron executable: records its arguments, folder, environment and the
 * kubeconfig and settings file that environment names in record.json beside it, and exits 0
 * as the real one does when its app quits.
 */
export function standInElectron(dir: string): { dir: string; record: string } {
  mkdirSync(dir, { recursive: true });
  const record = join(dir, 'record.json');
  const script = join(dir, 'electron');
  writeFileSync(
    script,
    `#!${process.execPath}\n` +
      "const fs = require('node:fs');\n" +
      // The files it was pointed at, read while the caller still has them.
      "const read = (p) => (p && fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null);\n" +
      'const files = { kubeconfig: read(process.env.KUBECONFIG), settings: read(process.env.MODEL_MANAGER_CONFIG_DIR && process.env.MODEL_MANAGER_CONFIG_DIR + "/settings.json") };\n' +
      `fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, files }));\n`,
  );
  chmodSync(script, 0o755);
  return { dir, record };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether any process of the run's process group was still alive after it ended (then killed). */
  leftBehind: boolean;
}

/**
 * Runs a command in its own process group; whatever is left of the group afterwards is killed
 * and reported. `onStdout` sees the output so far, and the child, as it arrives.
 */
export function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; onStdout?: (stdout: string, child: ChildProcess) => void } = {},
): Promise<Run> {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b;
    options.onStdout?.(stdout, child);
  });
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  const timer = setTimeout(() => killGroup(child.pid!), options.timeoutMs ?? 20_000);
  return new Promise((done) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, leftBehind: killGroup(child.pid!) });
    });
  });
}

function killGroup(pid: number): boolean {
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
