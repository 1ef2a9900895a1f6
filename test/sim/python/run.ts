// Runs one scenario of test/sim/python/ with Debian's python3-kubernetes against a simulator,
// asynchronously: the simulator answers from this same process, so a synchronous child
// would starve it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

// Debian's interpreter: the one python3-kubernetes is installed for (a pyenv python3 earlier on PATH lacks it).
export const python = ['/usr/bin/python3', '/bin/python3'].find((p) => existsSync(p));

export async function hasPythonKubernetes(): Promise<boolean> {
  if (!python) return false;
  try {
    await run(python, ['-c', 'import kubernetes']);
    return true;
  } catch {
    return false;
  }
}

export interface ScenarioResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last JSON line the scenario printed (its report), if any. */
  report: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function runScenario(script: string, kubeconfig: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ScenarioResult> {
  let out: { stdout: string; stderr: string; code: number };
  try {
    const r = await run(python!, [here + script], { env: { ...process.env, KUBECONFIG: kubeconfig, PYTHONDONTWRITEBYTECODE: '1', ...env }, timeout: timeoutMs });
    out = { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    out = { stdout: err.stdout ?? '', stderr: err.stderr ?? String(e), code: typeof err.code === 'number' ? err.code : 1 };
  }
  const last = out.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return { ...out, report: last ? JSON.parse(last) : undefined };
}
