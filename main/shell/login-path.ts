// A desktop app started from a menu or the dock does not get the PATH of the operator's
// login shell, so kubeconfig exec plugins (aws, gke-gcloud-auth-plugin, kubelogin, ...)
// are not found. Ask the login shell for its PATH once at start and add what is missing.
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MARK = '__KMM_PATH__';

/** The PATH an interactive login shell sets up; null when there is no such shell or it does not answer in time. */
export async function loginShellPath(shell = process.env.SHELL, timeoutMs = 3000, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (process.platform === 'win32' || !shell) return null;
  try {
    // Markers around the value: rc files may print banners of their own.
    const { stdout } = await run(shell, ['-ilc', `printf '%s%s%s' ${MARK} "$PATH" ${MARK}`], { timeout: timeoutMs, env, encoding: 'utf8' });
    const match = stdout.match(new RegExp(`${MARK}(.*)${MARK}`, 's'));
    return match?.[1] || null;
  } catch {
    return null;
  }
}

/** `current` followed by the entries of `extra` it does not have yet. */
export function mergePath(current: string | undefined, extra: string | null): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of [...(current ?? '').split(delimiter), ...(extra ?? '').split(delimiter)]) {
    if (entry && !seen.has(entry)) {
      seen.add(entry);
      out.push(entry);
    }
  }
  return out.join(delimiter);
}
