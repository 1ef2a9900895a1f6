// `node main/serve.ts` as a person (or a pod) starts it, for the tests that need the real
// headless entry: the process, its printed URL, everything it wrote, and a clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** Variables of the shell running the tests that would change what serve does. */
const AMBIENT = ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'POD_NAMESPACE', 'OLLAMA_HOST', 'MODEL_MANAGER_TOKEN'];

export interface ServeProcess {
  child: ChildProcess;
  /** The printed URL (with its one-time login code). */
  url: URL;
  port: number;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGKILL unless it already ended; resolves once it has. */
  kill(): Promise<void>;
}

export interface ServeOptions {
  /**
   * Run it as in a pod: this folder's files (token, ca.crt, namespace) appear at the service
   * account's fixed path, /var/run/secrets/kubernetes.io/serviceaccount, in a mount namespace
   * of its own (unshare; the machine's /run is not touched).
   */
  serviceAccountDir?: string;
}

export async function startServe(args: string[], env: NodeJS.ProcessEnv = {}, opts: ServeOptions = {}): Promise<ServeProcess> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of AMBIENT) delete base[key];
  const node = [process.execPath, 'main/serve.ts', '--port', '0', ...args];
  const [command, ...argv] = opts.serviceAccountDir ? inPod(opts.serviceAccountDir, node) : node;
  const child = spawn(command!, argv, { cwd: ROOT, env: { ...base, ...env } });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const printed = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no URL:\n${output}`)), 20_000);
    const check = () => {
      const m = /serving at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  const url = new URL(printed);
  return {
    child,
    url,
    port: Number(url.port),
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const SA_PATH = '/run/secrets/kubernetes.io/serviceaccount';

function inPod(dir: string, node: string[]): string[] {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const script = `mount -t tmpfs tmpfs /run && mkdir -p ${SA_PATH} && cp ${quote(dir)}/* ${SA_PATH}/ && exec ${node.map(quote).join(' ')}`;
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script];
}
