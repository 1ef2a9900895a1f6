// Exec credential plugins (EKS `aws eks get-token`, gke-gcloud-auth-plugin, kubelogin) run
// through client-node, which caches the ExecCredential until its expirationTimestamp. But
// it has no single-flight: the first requests at start-up (three lists, the usage
// ConfigMap, the Ollama route) and the first ones after each expiry would each spawn the
// plugin, which takes up to a second on EKS. This makes concurrent askers share one run.
import type { ChildProcess } from 'node:child_process';
import type * as k8s from '@kubernetes/client-node';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';

interface ExecAuthLike {
  getCredential(user: k8s.User): Promise<unknown>;
  /** client-node spawns the plugin with this (child_process.spawn). */
  execFn?: (command: string, args: string[], opts: object) => ChildProcess;
}

/** How the last plugin run ended: client-node keeps only its stderr. */
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const patched = new WeakSet<object>();

/** Shares one plugin run among concurrent callers, per kubeconfig user. Harmless when the user has no exec stanza. */
export function shareExecCredentialRuns(kc: k8s.KubeConfig, log: Logger): void {
  // client-node keeps its authenticators private and does not export ExecAuth: found by shape.
  const list = (kc as unknown as { authenticators?: unknown[] }).authenticators ?? [];
  const exec = list.find((a): a is ExecAuthLike => !!a && typeof (a as ExecAuthLike).getCredential === 'function' && 'tokenCache' in (a as object));
  if (!exec || patched.has(exec)) return;
  patched.add(exec);
  const original = exec.getCredential.bind(exec);
  const inflight = new Map<string, Promise<unknown>>();
  let lastExit: Exit | null = null;
  const spawnPlugin = exec.execFn;
  if (typeof spawnPlugin === 'function') {
    exec.execFn = (command, args, opts) => {
      lastExit = null;
      const child = spawnPlugin(command, args, opts);
      // Registered before client-node's own 'close' handler, so it is known when that rejects.
      child.on('close', (code, signal) => (lastExit = { code, signal }));
      return child;
    };
  }
  exec.getCredential = (user: k8s.User) => {
    const running = inflight.get(user.name);
    if (running) return running;
    const run = original(user)
      .catch((err: unknown) => {
        throw execFailure(user, err, lastExit, log);
      })
      .finally(() => inflight.delete(user.name));
    inflight.set(user.name, run);
    return run;
  };
}

/**
 * A plugin that cannot run or fails is not an unreachable API server: say which command
 * failed and how (missing from PATH is the usual case in a desktop app started from a
 * launcher; else its exit code). Never its output in the error, which reaches REST answers,
 * events and the UI: plugins print refresh URLs and tokens there. The log gets the output,
 * through its redactor, for the operator who needs the plugin's own words.
 */
function execFailure(user: k8s.User, err: unknown, exit: Exit | null, log: Logger): AppError {
  const command = (user.exec as { command?: string } | undefined)?.command ?? 'exec plugin';
  const e = err as NodeJS.ErrnoException;
  let why: string;
  if (e?.code === 'ENOENT') why = `"${command}" was not found on PATH`;
  else if (e?.code === 'EACCES') why = `"${command}" is not executable`;
  else if (err instanceof SyntaxError) why = 'it did not print an ExecCredential (JSON)';
  else if (exit?.signal) why = `it was killed by ${exit.signal}`;
  else if (exit && exit.code !== null) why = `it exited with code ${exit.code}`;
  else why = 'it exited with an error';
  const output = e instanceof Error && !e.code && !(err instanceof SyntaxError) ? e.message.trim() : '';
  log.warn('K8S', `exec credential plugin "${command}" failed: ${why}${output ? `; it printed: ${output.slice(0, 1000)}` : ''}`);
  return new AppError(502, `the kubeconfig's exec credential plugin (${command}) failed: ${why} (its output is in the app's log)`, { exec_plugin: command });
}
