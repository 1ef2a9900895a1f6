// `npm run demo`: the desktop app starts as `npm start` does (binary first, then electron-vite
// dev) against the simulated cluster; `--port` sets the port, with --web and without.
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, standInElectron, useProjectCopy } from './project-copy.ts';

const copy = useProjectCopy();
const env = (extra?: NodeJS.ProcessEnv) => copy().env(extra);

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describe('npm run demo', () => {
  it('desktop: launches the Electron binary against the simulated cluster, --port is the REST API port, and cleans up', async () => {
    const electron = standInElectron(join(copy().scratch, 'override'));
    const result = await run('npm', ['run', 'demo', '--', '--port', '9123'], copy().dir, env({ ELECTRON_OVERRIDE_DIST_PATH: electron.dir }));

    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.leftBehind).toBe(false);
    const record = JSON.parse(readFileSync(electron.record, 'utf8')) as {
      argv: string[];
      env: NodeJS.ProcessEnv;
      files: { kubeconfig: string | null; settings: string | null };
    };
    expect(record.argv).toEqual(['.']);
    const simUrl = /simulated cluster at (\S+),/.exec(result.stdout)?.[1];
    expect(simUrl).toBeTruthy();
    expect(record.files.kubeconfig).toContain(simUrl);
    expect(JSON.parse(record.files.settings ?? '{}')).toMatchObject({ restPort: 9123 });
    // The demo's own folder (kubeconfig, settings) is gone once it has stopped.
    expect(existsSync(dirname(record.env.KUBECONFIG!))).toBe(false);
  });

  it('desktop without a binary: the one line, a non-zero exit, and no cluster started', async () => {
    const result = await run('npm', ['run', 'demo'], copy().dir, env());

    expect(result.code).not.toBe(0);
    expect(result.leftBehind).toBe(false);
    const lines = result.stderr.split('\n').filter((l) => l.trim());
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[START\] The desktop app cannot start: there is no Electron binary .*`npm run demo -- --web`.*`npm run serve`/);
    expect(result.stdout).not.toMatch(/simulated cluster at/);
  });

  it('--web --port N serves the app on port N and stops on SIGTERM', async () => {
    // Run directly (not through npm) so that the SIGTERM reaches the demo itself.
    // The built UI is there already, so that serve does not build it (what is tested is the port).
    mkdirSync(join(copy().dir, 'out', 'renderer'), { recursive: true });
    writeFileSync(join(copy().dir, 'out', 'renderer', 'index.html'), '<!doctype html><title>built UI</title>');
    const port = await freePort();
    let answer: { status: number; text: string } | undefined;
    const result = await run(process.execPath, ['scripts/demo.ts', '--web', '--port', String(port)], copy().dir, env(), {
      onStdout: (stdout, child) => {
        const url = /serving at (http\S+)/.exec(stdout)?.[1];
        if (!url || answer) return;
        answer = { status: 0, text: '' };
        void fetch(url, { redirect: 'manual' })
          .then(async (res) => (answer = { status: res.status, text: await res.text() }))
          .catch((e: Error) => (answer = { status: -1, text: e.message }))
          .finally(() => child.kill('SIGTERM'));
      },
    });

    expect(result.stdout).toContain(`serving at http://127.0.0.1:${port}/`);
    expect(result.code).toBe(0);
    expect(answer?.status, answer?.text).toBeGreaterThan(0);
    expect(answer!.status).toBeLessThan(500);
    expect(result.leftBehind).toBe(false);
  });
});
