// The desktop app in development, shared by `npm start` and `npm run demo`: obtain the
// Electron binary the way the electron package itself does (its index.js downloads it on
// first `require` and honours ELECTRON_OVERRIDE_DIST_PATH), then run `electron-vite dev`
// with ELECTRON_EXEC_PATH set, since electron-vite only reads path.txt and otherwise
// throws "Electron uninstall" before the download ever happens.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
const require = createRequire(join(ROOT, 'package.json'));

/** The one line a person sees when there is no binary: what happened and what works instead. */
export function noBinaryLine(reason: string): string {
  return (
    `[START] The desktop app cannot start: there is no Electron binary (${reason}). ` +
    'Without it, `npm run demo -- --web` runs the simulated cluster with the browser UI and `npm run serve` runs the app against your cluster in the browser.'
  );
}

/**
 * The binary's path, downloading it if needed, or the short reason it cannot be had. Runs the
 * package's own `require` in a child process so its download messages and stack traces can be
 * kept out of sight and reduced to one reason.
 */
export function obtainElectron(env: NodeJS.ProcessEnv = process.env): Promise<{ path: string } | { reason: string }> {
  let index: string;
  try {
    index = require.resolve('electron');
  } catch {
    return Promise.resolve({ reason: 'the electron package is not installed: run npm install' });
  }
  // The path goes back on fd 3: electron's index.js prints to stdout while it downloads.
  const code = "require('node:fs').writeSync(3, String(require(process.argv[1])))";
  const child = spawn(process.execPath, ['-e', code, index], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.resume();
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => out.push(b));
  // A first run online downloads about 100 MB: say so if it takes a while, not otherwise.
  const slow = setTimeout(() => console.log('[START] downloading the Electron binary (first run only)...'), 3000);
  return new Promise((done) => {
    child.on('error', (e) => done({ reason: e.message }));
    child.on('close', (status) => {
      clearTimeout(slow);
      const path = Buffer.concat(out).toString();
      if (status === 0 && path && existsSync(path)) return done({ path });
      if (status === 0 && path) return done({ reason: `${path} does not exist` });
      done({ reason: `its download failed: ${firstLine(Buffer.concat(err).toString())}; no network?` });
    });
  });
}

/** install.js prints a whole stack; its first line says why (e.g. "TypeError: fetch failed"). */
function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('at ') && !l.startsWith('node:'));
  return line ? line.replace(/\s+/g, ' ').slice(0, 200) : 'no reason given';
}

/** Runs `electron-vite dev` with the given binary; resolves with its exit code. */
export function electronViteDev(electronPath: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<number> {
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const child = spawn(process.execPath, [bin, 'dev', ...args], { cwd: ROOT, stdio: 'inherit', env: { ...env, ELECTRON_EXEC_PATH: electronPath } });
  // Passed on so that a `kill` of this process alone reaches the app too (Ctrl-C reaches the whole group anyway).
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal: NodeJS.Signals) => void child.kill(signal);
  for (const s of signals) process.on(s, forward);
  return new Promise((done) => {
    child.on('error', () => done(1));
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      done(code ?? (signal ? 1 : 0));
    });
  });
}

/** Obtain the binary and run the app; prints the one line and answers 1 when there is none. */
export async function startDesktop(env: NodeJS.ProcessEnv = process.env, args: string[] = []): Promise<number> {
  const electron = await obtainElectron(env);
  if ('reason' in electron) {
    console.error(noBinaryLine(electron.reason));
    return 1;
  }
  return electronViteDev(electron.path, env, args);
}
