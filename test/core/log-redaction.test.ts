// Secrets never reach the log or an answer, through the real headless entry (`npm run serve`,
// whose logger is consoleLogger): a kubeconfig's exec plugin whose token refresh fails prints
// the refresh URL with its token and the bearer header on stderr, as plugins in debug mode
// do. The app says which plugin failed and how in its errors ([CACHE], [USAGE] lines, REST
// answers) without that output; the one [K8S] line that carries the output is redacted.
import { recordFigure } from '../reliability/figures.ts';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../sim/kube/server.ts';
import { tempDir } from './usage/context.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
let sim: KubeSim;
beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

it('redacts the bearer token and ?token= of an exec plugin failure in the lines `npm run serve` logs', async () => {
  const refreshToken = `rt-${randomBytes(12).toString('hex')}`;
  const bearer = `eyJ${randomBytes(18).toString('base64url')}`;
  const restToken = randomBytes(18).toString('base64url');
  const dir = tempDir('kmm-redact-');
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    sim.kubeconfig({ auth: 'exec', execFailWith: `error: GET https://sso.example.com/refresh?token=${refreshToken} answered 401 (sent Authorization: Bearer ${bearer})` }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, MODEL_MANAGER_TOKEN: restToken, OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' };
  for (const k of ['KUBECONFIG', 'OLLAMA_HOST', 'KUBERNETES_SERVICE_HOST', 'POD_NAMESPACE']) delete env[k];
  const child = spawn(process.execPath, ['main/serve.ts', '--port', '0', '--kubeconfig', kubeconfig, '--config-dir', join(dir, 'config')], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  try {
    // Wait for the failure to be logged by the watch caches and by the usage side.
    const end = Date.now() + 20_000;
    const logged = () => /\[CACHE\].*exec credential plugin/.test(output) && /\[USAGE\].*exec credential plugin/.test(output) && /\[K8S\].*it printed/.test(output);
    while (!logged() && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(logged(), output).toBe(true);
    const printed = output.split('\n').filter((l) => l.includes('it printed'));
    expect(printed.length).toBeGreaterThan(0);
    for (const line of printed) {
      expect(line).toMatch(/^\[K8S\] exec credential plugin "node" failed: it exited with code \d+; it printed: /);
      expect(line).toContain('token=<redacted>');
      expect(line).toContain('Bearer <redacted>');
    }
    // The other lines and the answers say which plugin failed and how, not what it printed.
    for (const line of output.split('\n').filter((l) => l.includes('exec credential plugin') && !l.includes('it printed'))) expect(line).not.toContain('sso.example.com');
    const url = /serving at (http:\/\/[^/\s]+)/.exec(output)![1]!;
    const auth = { authorization: `Bearer ${restToken}` };
    const answers = await Promise.all(['/api/health', '/api/deployments', '/api/gpu/status', '/api/usage/ranking'].map(async (p) => (await fetch(url + p, { headers: auth })).text()));
    const secrets = [refreshToken, bearer, restToken];
    const leaks = [output, ...answers].reduce((n, text) => n + secrets.filter((s) => text.includes(s)).length, 0);
    recordFigure('secrets leaked (log lines and answers scanned for tokens)', leaks);
    for (const text of answers) {
      expect(text).not.toContain(refreshToken);
      expect(text).not.toContain(bearer);
      expect(text).not.toContain('sso.example.com');
    }
    expect(answers[0]).toMatch(/exec credential plugin \(node\) failed: it exited with code \d+/);
    expect(output).not.toContain(refreshToken);
    expect(output).not.toContain(bearer);
    // The REST token is in no line at all: the login URL carries a one-time code instead.
    expect(output).not.toContain(restToken);
    expect(output).toMatch(/^Kubernetes Model Manager is serving at http:\/\/127\.0\.0\.1:\d+\/\?code=/m);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}, 40_000);
