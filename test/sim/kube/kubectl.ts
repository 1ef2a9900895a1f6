// Runs kubectl (an independent client) against a simulator, asynchronously: the simulator
// answers from this same process, so a synchronous child would starve it.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const kubectlPath: string | undefined = (process.env.PATH ?? '').split(':').map((d) => join(d, 'kubectl')).find((p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

export interface KubectlResult { stdout: string; stderr: string; code: number }

export async function kubectl(kubeconfig: string, args: string[], timeoutMs = 30_000): Promise<KubectlResult> {
  try {
    const r = await run(kubectlPath!, ['--kubeconfig', kubeconfig, ...args], { timeout: timeoutMs });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? String(e), code: typeof err.code === 'number' ? err.code : 1 };
  }
}

/** A long-running kubectl (logs -f, get -w): its output so far, and a way to stop it. */
export function kubectlStream(kubeconfig: string, args: string[]): { child: ChildProcess; output: () => string; stop: () => void } {
  const child = spawn(kubectlPath!, ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return { child, output: () => out, stop: () => void child.kill('SIGTERM') };
}
